"""A document's price is kept with it only when no variable can change it; the request's view of persisted queries."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import parse

from buckstop.api.access import ANONYMOUS
from buckstop.api.graphql.cost import costs_of, price
from buckstop.api.graphql.schema import make_schema
from buckstop.api.responses import names_persisted_query
from buckstop.api.settings import Settings
from buckstop.graph.memory import MemoryStore

from harness.server import demo_store

PAGE = "query($n: Int) { people(limit: $n) { department { id } } }"  # 1 + n points


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryStore]:
    opened = MemoryStore(demo_store(Path(tmp_path_factory.mktemp("priced")) / "org.db"))
    yield opened
    opened.close()


def _codes(schema: Any, store: MemoryStore, document: str, **variables: Any) -> list[str]:
    context = {"store": store, "principal": ANONYMOUS}
    result = asyncio.run(schema.execute(document, variable_values=variables, context_value=context))
    return [(e.extensions or {}).get("code", "") for e in result.errors or ()]


def test_a_page_size_from_a_variable_is_priced_at_each_request(store: MemoryStore) -> None:
    schema = make_schema(Settings(max_cost=50))
    assert _codes(schema, store, PAGE, n=10) == []
    assert _codes(schema, store, PAGE, n=60) == ["TOO_COSTLY"]  # the same document, a larger page
    assert _codes(schema, store, PAGE, n=10) == []


def test_a_repeated_question_is_priced_by_its_arguments_each_time(store: MemoryStore) -> None:
    document = "query($x: ID!, $y: ID!) { a: person(id: $x) { name } b: person(id: $y) { name } }"
    schema = make_schema(Settings(max_cost=1))
    assert "TOO_COSTLY" not in _codes(schema, store, document, x="Someone", y="Someone")  # one question, twice
    assert _codes(schema, store, document, x="Someone", y="Someone Else") == ["TOO_COSTLY"]
    assert "TOO_COSTLY" not in _codes(schema, store, document, x="Someone", y="Someone")


def test_only_a_price_that_read_no_argument_can_be_kept() -> None:
    schema = make_schema()._schema
    costs = costs_of(schema)
    assert not price(schema, parse("{ top { name } }"), costs).read_arguments
    assert not price(schema, parse("query($p: ID!) { chainOfCommand(person: $p) { id } }"), costs).read_arguments
    assert price(schema, parse(PAGE), costs, variables={"n": 3}).read_arguments
    assert price(schema, parse("{ a: top { name } b: top { id } }"), costs).read_arguments


def test_a_post_that_names_no_persisted_query_is_left_to_strawberry_alone() -> None:
    assert not names_persisted_query(b'POST {"query": "{ top { name } }"}')
    assert names_persisted_query(b'POST {"extensions": {"persistedQuery": {"version": 1}}}')
    assert names_persisted_query(b'POST {"extensions": {"\\u0070ersistedQuery": {}}}')  # a JSON escape may spell it
    assert names_persisted_query(b"GET?extensions=%7B%22%70ersistedQuery%22%7D")  # so may percent-encoding
