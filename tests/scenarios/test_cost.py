"""Documents are priced before they run, over real HTTP: a costly one is refused at once, a repeat runs once."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query

from buckstop.api.graphql.cost import costs_of, markdown
from buckstop.api.graphql.schema import schema
from buckstop.graph.memory import MemoryStore
from buckstop.graph.org import ChangeSet

from harness.server import demo_store, start_server, stop_server
from harness.synth import synth

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
#: Enough people that one audit takes a while to run, few enough that the test builds the org in seconds.
PEOPLE = 5000
#: One audit of PEOPLE costs 1 + 300 × 5 = 1,501 points: one fits, thirty different ones do not.
MAX_COST = "10000"


def _post(url: str, query: str, accept: str = "application/json", **variables: Any) -> httpx.Response:
    body = {"query": query, "variables": variables}
    return httpx.post(f"{url}/graphql", json=body, headers={"accept": accept}, timeout=120)


def _timed(url: str, query: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = _post(url, query)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return elapsed, body


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of a synthetic org of PEOPLE people, with ``max_cost`` low enough to refuse thirty audits."""
    db = tmp_path_factory.mktemp("cost") / "org.db"
    store = MemoryStore(db)
    try:
        store.apply(ChangeSet.of(synth(PEOPLE, seed=7).records))
    finally:
        store.close()
    process, url = start_server(db, env={"BUCKSTOP_MAX_COST": MAX_COST})
    yield url
    stop_server(process)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of the demo org with the default settings."""
    db = demo_store(tmp_path_factory.mktemp("cost-demo") / "buckstop.db")
    process, url = start_server(db)
    yield url
    stop_server(process)


def test_a_document_over_max_cost_is_refused_naming_its_fields_before_it_runs(big: str) -> None:
    one, answered = _timed(big, "{ orgHealth { errorCount } }")
    assert "errors" not in answered, answered

    thirty = " ".join(f'a{i}: orgHealth(on: "2026-01-{i + 1:02d}") {{ errorCount }}' for i in range(30))
    refused, body = _timed(big, f"{{ {thirty} top {{ name }} }}")
    [error] = body["errors"]
    assert body["data"] is None
    assert error["extensions"]["code"] == "TOO_COSTLY"
    assert error["extensions"]["cost"] == 30 * 1501 + 1 and error["extensions"]["maxCost"] == 10_000
    assert error["extensions"]["fields"][0] == {"field": "orgHealth", "times": 30, "cost": 30 * 1501}
    assert "orgHealth ×30 (45,030)" in error["message"] and "setting max_cost" in error["message"]
    assert refused < one, f"refused in {refused:.3f} s; one audit runs in {one:.3f} s, thirty would take thirty times"

    # A request error, as any other the document causes before it runs: 400 in the newer media type.
    strict = _post(big, f"{{ {thirty} }}", accept="application/graphql-response+json")
    assert strict.status_code == 400 and "data" not in strict.json()


def test_variables_are_priced_too(big: str) -> None:
    query = "query($n: Int) { a: people(limit: $n) { manager { department { head { name } } } } }"
    small = _post(big, query, n=10).json()
    assert "errors" not in small, small
    # The page is at most max_page_size (500) however many are asked for: 500 × 3 lookups, thirty times, is over.
    page = "people(offset: OFFSET, limit: $n) { manager { department { head { name } } } }"
    pages = " ".join(f"p{i}: " + page.replace("OFFSET", str(i)) for i in range(30))
    [error] = _post(big, f"query($n: Int) {{ {pages} }}", n=400).json()["errors"]
    assert error["extensions"]["code"] == "TOO_COSTLY" and error["extensions"]["cost"] == 30 * (1 + 400 * 3)
    costliest = {f["field"]: f["cost"] for f in error["extensions"]["fields"]}
    assert costliest == {"Person.manager": 12_000, "Person.department": 12_000, "Department.head": 12_000, "people": 30}


def test_thirty_aliases_of_one_question_run_it_once(big: str) -> None:
    one = min(_timed(big, '{ orgHealth(on: "2026-02-01") { errorCount } }')[0] for _ in range(3))
    aliases = " ".join(f'a{i}: orgHealth(on: "2026-02-01") {{ errorCount infoCount }}' for i in range(30))
    thirty, body = min((_timed(big, f"{{ {aliases} }}") for _ in range(3)), key=lambda pair: pair[0])
    assert "errors" not in body, body
    assert len({tuple(answer.values()) for answer in body["data"].values()}) == 1
    assert thirty < 5 * one, f"thirty aliases took {thirty:.3f} s, one {one:.3f} s: the question ran more than once"


def test_the_same_question_failing_fails_each_alias_once(big: str) -> None:
    errors = _post(big, '{ a: person(id: "Nobody Atall") { name } b: person(id: "Nobody Atall") { name } }').json()
    assert [e["path"] for e in errors["errors"]] == [["a"], ["b"]]
    assert {e["extensions"]["code"] for e in errors["errors"]} == {"UNKNOWN_PERSON"}


def test_an_overlapping_fields_bomb_is_refused_before_validation(big: str) -> None:
    bomb = "{ " + " ".join(["top { manager { name } }"] * 700) + " }"
    elapsed, body = _timed(big, bomb)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "more than 250 selections" in error["message"] and "max_selections" in error["message"]
    assert elapsed < 1.0, f"refused in {elapsed:.3f} s (validating it takes seconds)"


def test_normal_questions_and_introspection_pass_the_default_limits(demo: str) -> None:
    for name in ("README.md", *(f"docs/{p.name}" for p in sorted((ROOT / "docs").glob("*.md")))):
        for query in re.findall(r"```graphql\n(.*?)```", (ROOT / name).read_text(), re.S):
            body = _post(demo, query).json()
            assert "errors" not in body, (name, query, body)
    introspection = get_introspection_query(
        descriptions=True, specified_by_url=True, directive_is_repeatable=True, input_value_deprecation=True
    )
    body = _post(demo, introspection).json()
    assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"
    thirty = " ".join(f'a{i}: orgHealth(on: "2026-01-{i + 1:02d}") {{ errorCount }}' for i in range(30))
    assert "errors" not in _post(demo, f"{{ {thirty} }}").json()  # the demo is small: thirty audits are cheap
    pages = "{ people(limit: 500) { name department { name head { name } } manager { name } } }"
    assert "errors" not in _post(demo, pages).json()


def test_every_field_with_a_resolver_declares_its_cost() -> None:
    costs = costs_of(schema._schema)
    for type_ in schema._schema.type_map.values():
        for name, field in getattr(type_, "fields", {}).items():
            definition = (field.extensions or {}).get("strawberry-definition")
            if definition is not None and definition.base_resolver is not None:
                assert (type_.name, name) in costs, f"{type_.name}.{name} has a resolver and no declared cost"


def test_docs_list_every_declared_cost() -> None:
    doc = (ROOT / "docs" / "security.md").read_text()
    assert markdown(costs_of(schema._schema)) in doc, (
        "run: python -m buckstop.api.graphql.schema --costs, into docs/security.md"
    )
