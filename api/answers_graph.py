"""The answers of the graph questions (commonManager, connection) as JSON with a schema, for MCP and ``--json``.

The same shape as :mod:`api.answers` (camelCase, ``explanation``, ``provenance``,
``orgVersion``), in a module of their own. In the public view a hop's bundle row
is left out, as all provenance is.
"""

from __future__ import annotations

from pydantic import Field

from buckstop.graph.model import Kind, key
from buckstop.graph.store import Store
from buckstop.queries.common import CommonManager
from buckstop.queries.connection import Connection

from .access import may_see_source
from .answers import Answer, Person, Shape, effective_of, person, provenance
from .view import View

__all__ = ["CommonManagerAnswer", "ConnectionAnswer", "Hop", "common_manager_answer", "connection_answer"]


class CommonManagerAnswer(Answer):
    a: Person = Field(description="The first person (a department's head, when a department was asked).")
    b: Person = Field(description="The second person.")
    manager: Person | None = Field(description="The lowest manager above both; null in different reporting trees.")
    path_a: list[Person] = Field(description="From a's manager up to the common manager, nearest first.")
    path_b: list[Person] = Field(description="From b's manager up to the common manager, nearest first.")


class Hop(Shape):
    at: str = Field(description="The node the hop starts from, kind:id.")
    to: str = Field(description="The node it reaches, kind:id.")
    kind: str = Field(description="The edge kind, as the design names it (REPORTS_TO, OWNS…).")
    forward: bool = Field(description="True when the edge points from `at` to `to`.")
    record: str = Field(description="The record that carries the reference, kind:id.")
    source: str | None = Field(description="That record's bundle row, file:row (withheld in the public view).")


class ConnectionAnswer(Answer):
    start: str = Field(description="The first node, kind:id.")
    end: str = Field(description="The last node, kind:id.")
    connected: bool = Field(description="False when nothing links them.")
    nodes: list[str] = Field(description="The nodes along the path, start first.")
    hops: list[Hop]


def common_manager_answer(answer: CommonManager, store: Store | None = None) -> CommonManagerAnswer:
    view = View(answer.org, store)
    people = [answer.a, answer.b, *answer.path_a, *answer.path_b]
    return CommonManagerAnswer(
        a=person(answer.a, view),
        b=person(answer.b, view),
        manager=person(answer.manager, view) if answer.manager else None,
        path_a=[person(p, view) for p in answer.path_a],
        path_b=[person(p, view) for p in answer.path_b],
        explanation=list(answer.explanation),
        provenance=provenance(answer.org, [key(Kind.PERSON, p.id) for p in people]),
        org_version=answer.org.version,
        org_effective=effective_of(answer.org),
    )


def connection_answer(answer: Connection) -> ConnectionAnswer:
    rows = may_see_source()  # a hop's row, as every record's but a person's: with a reading token
    return ConnectionAnswer(
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
                source=str(h.source) if rows and h.source.file else None,
            )
            for h in answer.hops
        ],
        explanation=list(answer.explanation),
        provenance=provenance(answer.org, answer.nodes),
        org_version=answer.org.version,
        org_effective=effective_of(answer.org),
    )
