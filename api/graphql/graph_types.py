"""GraphQL types of the graph questions: ``commonManager`` and ``connection``.

Built from the records of :mod:`queries.common` and :mod:`queries.connection`,
keeping the org they were read from (as :mod:`api.graphql.types` does).
"""

from __future__ import annotations

import strawberry

from buckstop.queries.common import CommonManager as CommonManagerRecord
from buckstop.queries.connection import Connection as ConnectionRecord

from .cost import Cost, priced
from .permissions import private
from .types import Person, View

__all__ = ["CommonManager", "Connection", "Hop"]


@strawberry.type(description="The lowest manager above two people, and each one's path up to them.")
class CommonManager:
    a: Person = strawberry.field(description="The first person (a department's head, when a department was asked).")
    b: Person = strawberry.field(description="The second person.")
    manager: Person | None = strawberry.field(
        description="The lowest manager above both: one of them when the other is below; null in different trees."
    )
    path_a: list[Person] = strawberry.field(
        description="From a's manager up to `manager`, nearest first.", metadata=priced(Cost(items=10))
    )
    path_b: list[Person] = strawberry.field(
        description="From b's manager up to `manager`, nearest first.", metadata=priced(Cost(items=10))
    )
    explanation: list[str]

    @classmethod
    def of(cls, answer: CommonManagerRecord, view: View) -> CommonManager:
        return cls(
            a=Person.of(answer.a, view),
            b=Person.of(answer.b, view),
            manager=Person.of(answer.manager, view) if answer.manager else None,
            path_a=[Person.of(p, view) for p in answer.path_a],
            path_b=[Person.of(p, view) for p in answer.path_b],
            explanation=list(answer.explanation),
        )


@strawberry.type(description="One edge of a connection, walked from `at` to `to`.")
class Hop:
    at: str = strawberry.field(description="The node it starts from, kind:id.")
    to: str = strawberry.field(description="The node it reaches, kind:id.")
    kind: str = strawberry.field(description="The edge kind, as the design names it (REPORTS_TO, OWNS…).")
    forward: bool = strawberry.field(description="True when the edge points from `at` to `to`.")
    record: str = strawberry.field(description="The record that carries the reference, kind:id.")
    source: str | None = strawberry.field(description="That record's bundle row: file:row.", extensions=private())


@strawberry.type(description="The shortest explained path between two nodes of the org.")
class Connection:
    start: str = strawberry.field(description="The first node, kind:id.")
    end: str = strawberry.field(description="The last node, kind:id.")
    connected: bool = strawberry.field(description="False when nothing links them.")
    nodes: list[str] = strawberry.field(description="The nodes along the path, start first.")
    hops: list[Hop] = strawberry.field(metadata=priced(Cost(items=10)))
    explanation: list[str]

    @classmethod
    def of(cls, answer: ConnectionRecord) -> Connection:
        return cls(
            start=answer.start,
            end=answer.end,
            connected=answer.connected,
            nodes=list(answer.nodes),
            hops=[
                Hop(
                    at=h.at,
                    to=h.to,
                    kind=h.kind.value,
                    forward=h.forward,
                    record=h.record,
                    source=str(h.source) if h.source.file else None,
                )
                for h in answer.hops
            ],
            explanation=list(answer.explanation),
        )
