"""The limits of a document and of a request, over real HTTP: each refusal says which limit and its setting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.server import demo_store, make_token, start_server, stop_server

pytestmark = pytest.mark.slow

LIMITS = {
    "BUCKSTOP_MAX_DEPTH": "6",
    "BUCKSTOP_MAX_ALIASES": "3",
    "BUCKSTOP_MAX_TOKENS": "200",
    "BUCKSTOP_MAX_PAGE_SIZE": "10",
    "BUCKSTOP_INTROSPECTION": "false",
    "BUCKSTOP_MAX_BODY_BYTES": "4096",
    "BUCKSTOP_MAX_UPLOAD_BYTES": "8192",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db: Path = tmp_path_factory.mktemp("limits") / "buckstop.db"
    admin = make_token(demo_store(db), "hr", "admin")
    process, url = start_server(db, env=LIMITS, default_store=True)
    yield url, admin
    stop_server(process)


def _errors(url: str, query: str) -> list[dict[str, Any]]:
    body = httpx.post(f"{url}/graphql", json={"query": query}, timeout=10).json()
    errors: list[dict[str, Any]] = body.get("errors", [])
    return errors


def test_a_document_too_deep_is_refused(server: tuple[str, str]) -> None:
    url, _ = server
    deep = "{ top { manager { manager { manager { manager { manager { manager { name } } } } } } } }"
    [error] = _errors(url, deep)
    assert "exceeds maximum operation depth of 6" in error["message"]
    assert _errors(url, "{ top { manager { name } } }") == []


def test_too_many_aliases_are_refused(server: tuple[str, str]) -> None:
    url, _ = server
    [error] = _errors(url, "{ a: top { name } b: top { name } c: top { name } d: top { name } }")
    assert error["message"] == "4 aliases found. Allowed: 3"


def test_a_refused_document_is_refused_every_time_it_is_sent(server: tuple[str, str]) -> None:
    # Parsing and validation are cached by document: the cache must keep the refusals too.
    url, _ = server
    deep = "{ top { manager { manager { manager { manager { manager { manager { title } } } } } } } }"
    aliased = "{ a: top { id } b: top { id } c: top { id } d: top { id } }"
    for _ in range(3):
        assert [e["message"] for e in _errors(url, deep)] == ["'anonymous' exceeds maximum operation depth of 6"]
        assert [e["message"] for e in _errors(url, aliased)] == ["4 aliases found. Allowed: 3"]


def test_a_document_of_too_many_tokens_is_refused_before_it_is_run(server: tuple[str, str]) -> None:
    url, _ = server
    for _ in range(2):  # the second time, from the parser's cache
        [error] = _errors(url, "{ top { " + "name " * 300 + "} }")
        assert "token limit" in error["message"].lower() or "tokens" in error["message"].lower()
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_every_list_is_a_page_no_larger_than_the_setting(server: tuple[str, str]) -> None:
    url, _ = server
    for field in ("people", "accounts", "departments", "roles", "issueTypes"):
        [error] = _errors(url, f"{{ {field}(limit: 11) {{ id }} }}")
        assert error["extensions"]["code"] == "PAGE_TOO_LARGE" and "largest page, 10" in error["message"]
    body = httpx.post(f"{url}/graphql", json={"query": "{ people { id } }"}).json()
    assert len(body["data"]["people"]) == 10  # the default page shrinks to the largest
    errors = _errors(url, '{ search(text: "a", limit: 11) { id } }')
    assert len(errors) == 1, errors
    [error] = errors
    assert error["extensions"]["code"] == "PAGE_TOO_LARGE"


def test_introspection_can_be_turned_off(server: tuple[str, str]) -> None:
    url, _ = server
    errors = _errors(url, "{ __schema { types { name } } }")
    assert errors and all("introspection" in e["message"].lower() for e in errors), errors


def test_an_oversized_body_is_refused_before_it_is_read(server: tuple[str, str]) -> None:
    url, _ = server
    big = json.dumps({"query": "{ top { name } }", "variables": {"pad": "x" * 10_000}}).encode()
    declared = httpx.post(f"{url}/graphql", content=big, headers={"content-type": "application/json"})
    assert declared.status_code == 413
    assert declared.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "max_body_bytes" in declared.json()["errors"][0]["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for start in range(0, len(big), 1000):
            yield big[start : start + 1000]

    chunked = httpx.post(f"{url}/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert chunked.status_code == 413
    small = httpx.post(f"{url}/graphql", json={"query": "{ top { name } }"})
    assert small.json() == {"data": {"top": {"name": "Helena Marsh"}}}


def test_an_oversized_upload_is_refused_and_loads_nothing(server: tuple[str, str]) -> None:
    url, admin = server
    query = "mutation($file: Upload!) { loadPeople(file: $file) { applied } }"
    form = {
        "operations": json.dumps({"query": query, "variables": {"file": None}}),
        "map": json.dumps({"file": ["variables.file"]}),
    }
    rows = "".join(f"p{i},Person {i},,,,,active\n" for i in range(1000)).encode()
    response = httpx.post(
        f"{url}/graphql",
        data=form,
        files={"file": ("people.csv", b"id,name,email,title,department_id,manager_id,status\n" + rows)},
        headers={"authorization": f"Bearer {admin}", "x-buckstop-upload": "1"},
    )
    assert response.status_code == 413 and "max_upload_bytes" in response.text
    assert httpx.post(f"{url}/graphql", json={"query": "{ top { name } }"}).json()["data"]["top"]["name"] == (
        "Helena Marsh"
    )
