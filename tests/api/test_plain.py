"""Plain fields completed in one step give the answers graphql-core's own path gives, errors and paths included."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from buckstop.api.access import ANONYMOUS, Principal
from buckstop.api.graphql.plain import PlainFirst, executor_for, plain_fields
from buckstop.api.graphql.schema import make_schema
from buckstop.graph.memory import MemoryStore
from buckstop.graph.tokens import Scope

from harness.server import demo_store

DOCUMENTS = [
    """{ route(account: "acc-support", issueType: "refund") { fallback day explanation
         handlers { id name title status public email }
         escalation { level absent person { __typename id name title manager { name } } }
         account { id handle platform operatedBy } issueType { id name synonyms } rule { id scope target } } }""",
    "{ top { id name title status public phone } }",
    '{ a: chainOfCommand(person: "Ben Ortiz") { id name } b: chainOfCommand(person: "Ben Ortiz") { n: name i: id } }',
    "query Q { people(limit: 30) { ...P } } fragment P on Person { id name title status department { id name } }",
    '{ person(id: "nobody-at-all") { name } }',  # an error with near names, at its path
    '{ search(text: "sales") { kind id name matched node { __typename ... on Person { name } } } }',
    "{ orgHealth { day errorCount warningCount findings { kind severity nodes message where } } }",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryStore]:
    opened = MemoryStore(demo_store(Path(tmp_path_factory.mktemp("plain")) / "org.db"))
    yield opened
    opened.close()


def _answer(schema: strawberry.Schema, store: MemoryStore, document: str, principal: Principal) -> dict[str, Any]:
    result = asyncio.run(schema.execute(document, context_value={"store": store, "principal": principal}))
    errors = [(e.message, e.path, (e.extensions or {}).get("code")) for e in result.errors or ()]
    return {"data": result.data, "errors": errors}


@pytest.mark.parametrize("principal", [ANONYMOUS, Principal("reader", Scope.READ)], ids=["public", "read"])
@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_answers_are_graphql_cores_own(store: MemoryStore, document: str, principal: Principal) -> None:
    fast = make_schema()
    assert issubclass(fast.execution_context_class, PlainFirst)
    stock = make_schema()
    stock.execution_context_class = StrawberryGraphQLCoreExecutionContext
    assert _answer(fast, store, document, principal) == _answer(stock, store, document, principal)


def test_the_plain_fields_are_attributes_of_leaves_without_extensions() -> None:
    table = plain_fields(make_schema()._schema)
    assert {"id", "name", "title", "status", "public"} <= set(table["Person"])
    assert not {"email", "phone", "source", "manager", "department", "absence"} & set(
        table["Person"]
    )  # private, resolved
    assert {"explanation", "fallback", "day"} <= set(table["Routing"]) and "handlers" not in table["Routing"]


@strawberry.type
class Thing:
    name: str
    nick: str | None
    tags: list[str]
    count: int


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        return [
            Thing(name="a", nick=None, tags=["x"], count=1),
            Thing(name=None, nick="b", tags=[], count=2),  # type: ignore[arg-type]  # a null where none may be
            Thing(name="c", nick="c", tags=["y", None], count="many"),  # type: ignore[list-item, arg-type]
        ]


def test_a_value_that_is_an_error_is_graphql_cores_error_at_the_same_path() -> None:
    document = "{ things { name nick tags count } }"
    stock = strawberry.Schema(query=Query)
    fast = strawberry.Schema(query=Query)
    fast.execution_context_class = executor_for(fast._schema, fast.config.default_resolver)
    answers = [asyncio.run(schema.execute(document)) for schema in (stock, fast)]
    assert (
        answers[0].data
        == answers[1].data
        == {"things": [{"name": "a", "nick": None, "tags": ["x"], "count": 1}, None, None]}
    )
    paths = [[(e.message, e.path) for e in a.errors or ()] for a in answers]
    assert paths[0] == paths[1] and len(paths[0]) == 2
