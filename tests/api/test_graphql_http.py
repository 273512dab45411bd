"""GraphQL over HTTP: graphql-http's audit of the specification, and the media types, against a live server.

The audit is the npm package ``graphql-http`` (``.ci/graphql-http/``, installed by
``make install``), run by Node against ``buckstop serve`` over real HTTP. Every
audit must pass: the MUSTs, and the SHOULDs too, which need the
``application/graphql-response+json`` media type (see docs/decisions.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.server import start_server, stop_server

pytestmark = pytest.mark.slow

AUDIT = Path(__file__).resolve().parents[2] / ".ci" / "graphql-http"
GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The /graphql of a server on the demo org, asked anonymously (reads are open on 127.0.0.1)."""
    process, base = start_server(tmp_path_factory.mktemp("http") / "buckstop.db", default_store=True)
    yield f"{base}/graphql"
    stop_server(process)


def node() -> str:
    """The node executable with the audit installed; a skip on a laptop without them, a failure in CI."""
    executable = shutil.which("node")
    missing = None
    if executable is None:
        missing = "node is not installed"
    elif not (AUDIT / "node_modules" / "graphql-http").is_dir():
        missing = f"the audit is not installed: run `make install` (or `npm ci` in {AUDIT.name})"
    if missing is None and executable is not None:
        return executable
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the GraphQL-over-HTTP audit, but {missing}")
    pytest.skip(missing)


def audit(url: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        [node(), str(AUDIT / "audit.mjs"), url], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"the audit did not run:\n{done.stderr}"
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def test_every_audit_of_the_spec_passes(url: str) -> None:
    results = audit(url)
    counts = Counter(result["status"] for result in results)
    print(
        f"graphql-http audit: {len(results)} audits, {counts['ok']} passed, "
        f"{counts['warn']} warnings, {counts['error']} errors, {counts['notice']} notices"
    )
    assert len(results) >= 61  # the audit of graphql-http 1.23.1; a newer one may add, never drop
    failed = [
        f"{r['status']} {r['id']} {r['name']}: {r['reason']} ({r['response']})" for r in results if r["status"] != "ok"
    ]
    assert not failed, "\n".join(failed)


def post(url: str, query: str, accept: str | None = None, **variables: Any) -> httpx.Response:
    headers = {"accept": accept} if accept is not None else {}
    return httpx.post(url, json={"query": query, "variables": variables}, headers=headers, timeout=10)


@pytest.mark.parametrize("accept", [None, "application/json", "*/*", f"application/json, {GRAPHQL_RESPONSE};q=0.5"])
def test_json_answers_are_as_before_for_clients_that_ask_for_json_or_nothing(url: str, accept: str | None) -> None:
    """Other tools rely on it: every GraphQL answer is a 200 with a data entry, request errors included."""
    for query in ("{ top { name } }", "{ top { ", "{ nope }"):
        response = post(url, query, accept)
        assert response.status_code == 200, query
        assert response.headers["content-type"] == "application/json"
        assert "data" in response.json()
    assert post(url, "{ nope }", accept).json()["data"] is None


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, f"{GRAPHQL_RESPONSE}, application/json;q=0.9"])
def test_graphql_response_json_says_a_request_error_by_its_status(url: str, accept: str) -> None:
    ok = post(url, "{ top { name } }", accept)
    assert (ok.status_code, ok.headers["content-type"]) == (200, f"{GRAPHQL_RESPONSE}; charset=utf-8")
    assert ok.json() == {"data": {"top": {"name": "Helena Marsh"}}}
    for query, variables in [
        ("{ top { ", {}),  # does not parse
        ("{ nope }", {}),  # does not validate
        ("query($p: ID!) { person(id: $p) { id } }", {"p": {"not": "an id"}}),  # a variable that does not coerce
    ]:
        response = post(url, query, accept, **variables)
        assert response.status_code == 400, query
        assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_graphql_response_json_keeps_200_and_data_for_an_error_of_a_field(url: str) -> None:
    response = post(url, '{ person(id: "p-nobody") { id } top { id } }', GRAPHQL_RESPONSE)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"person": None, "top": {"id": "p-helena-marsh"}}
    assert body["errors"][0]["extensions"]["code"] == "UNKNOWN_PERSON"


def test_answers_vary_by_accept(url: str) -> None:
    for accept in (None, GRAPHQL_RESPONSE):
        assert "accept" in post(url, "{ top { id } }", accept).headers["vary"].lower()


def test_get_queries_negotiate_too(url: str) -> None:
    response = httpx.get(url, params={"query": "{ nope }"}, headers={"accept": GRAPHQL_RESPONSE}, timeout=10)
    assert response.status_code == 400
    assert "data" not in response.json()


def test_the_audit_finds_errors_where_there_is_no_graphql(url: str) -> None:
    """The audit can fail: /healthz of the same server speaks no GraphQL, and the MUSTs say so."""
    results = audit(url.replace("/graphql", "/healthz"))
    assert Counter(result["status"] for result in results)["error"] > 0
