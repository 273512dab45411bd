"""Tokens and scopes over real HTTP: the public view, read and admin tokens, refusals, the log of changes.

Each server here is our own, on a file of its own, with its tokens made in the
store file before it starts (as ``buckstop token create`` makes them).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from buckstop import seed
from buckstop.api.settings import Settings
from buckstop.graph.tokens import digest, new_secret

from harness.server import demo_store, make_token, start_server, stop_server
from tests.api.test_mcp import over_http
from tests.loaders.samples import export_bytes

pytestmark = pytest.mark.slow

PEOPLE = "{ people(limit: 500) { id name title public email phone location source } }"
# Carmen Ortiz is not public; Helena Marsh (the top) is.
CARMEN = '{ person(id: "p-carmen-ortiz") { name title email phone location source } }'


class Org:
    """A server on the demo org with one token of each scope."""

    def __init__(self, url: str, db: Path, read: str, admin: str) -> None:
        self.url, self.db, self.read, self.admin = url, db, read, admin

    def post(self, query: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return httpx.post(f"{self.url}/graphql", json={"query": query}, headers=headers, timeout=10, **kwargs)

    def data(self, query: str, token: str | None = None) -> Any:
        response = self.post(query, token)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


@contextlib.contextmanager
def _org(tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[Org]:
    db = tmp_path / "buckstop.db"
    read, admin = make_token(demo_store(db), "support-desk"), make_token(db, "hr-pipeline", "admin")
    process, url = start_server(
        db, *extra, env={"BUCKSTOP_TOKEN_CACHE_SECONDS": "0", **(env or {})}, default_store=True
    )
    try:
        yield Org(url, db, read, admin)
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    with _org(tmp_path_factory.mktemp("access")) as started:
        yield started


# -- the public view ------------------------------------------------------------------------


def test_without_a_token_everyone_has_a_name_and_title_but_no_contact_details(org: Org) -> None:
    people = org.data(PEOPLE)["people"]
    private = [p for p in people if not p["public"]]
    assert private and all(p["name"] and p["title"] for p in people)
    for p in private:
        assert (p["email"], p["phone"], p["location"], p["source"]) == (None, None, None, None), p


def test_people_marked_public_are_never_withheld(org: Org) -> None:
    public = [p for p in org.data(PEOPLE)["people"] if p["public"]]
    assert public and all(p["email"] and p["source"] for p in public)
    top = org.data("{ top { name email source } }")["top"]
    assert top == {"name": "Helena Marsh", "email": "helena.marsh@corvid.example", "source": "people.csv:2"}


def test_routing_answers_and_the_name_at_the_top_need_no_token(org: Org) -> None:
    answer = org.data('{ route(account: "@CorvidHelp", issueType: "refund") { handlers { name } top { name } } }')
    assert answer["route"]["handlers"] and answer["route"]["top"]["name"] == "Helena Marsh"


def test_a_read_token_sees_contact_details_and_provenance(org: Org) -> None:
    carmen = org.data(CARMEN, org.read)["person"]
    assert carmen["email"] == "carmen.ortiz@corvid.example" and carmen["source"].startswith("people.csv:")
    assert org.data(CARMEN)["person"]["email"] is None


def test_search_by_e_mail_does_not_confirm_an_address_in_the_public_view(org: Org) -> None:
    query = '{ search(text: "carmen.ortiz@corvid.example") { id matched } }'
    assert org.data(query) == {"search": []}
    assert [hit["id"] for hit in org.data(query, org.read)["search"]] == ["p-carmen-ortiz"]


# -- refusals -------------------------------------------------------------------------------


def test_a_wrong_token_is_refused_even_where_anonymous_reads_are_allowed(org: Org) -> None:
    for header in ("Bearer bst_made-up", "Basic dXNlcjpwYXNz", "Bearer"):
        response = httpx.post(
            f"{org.url}/graphql", json={"query": "{ top { name } }"}, headers={"authorization": header}
        )
        assert response.status_code == 401, header
        assert response.headers["www-authenticate"].startswith('Bearer realm="buckstop"')
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("token", [None, "read"])
def test_loading_needs_an_admin_token(org: Org, token: str | None) -> None:
    secret = org.read if token else None
    response = _upload(org, secret)
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "scope admin" in error["message"]
    assert org.data("{ top { name } }")["top"]["name"] == "Helena Marsh"  # nothing was loaded


def test_an_admin_load_is_logged_with_the_token_name(tmp_path: Path) -> None:
    with _org(tmp_path) as org:
        response = _upload(org, org.admin)
        assert response.json()["data"]["loadPeople"]["applied"] is True, response.text
        changes = org.data("{ changes { version actor summary at records } }", org.admin)["changes"]
        # the demo's scheduled version (3) is dropped, and its number is not given again
        assert [(c["version"], c["actor"]) for c in changes] == [(4, "hr-pipeline"), (2, "seed"), (1, "seed")]
        # the upload is the first real load into the demo org: it replaces all of it, and the log says so
        assert changes[0]["summary"] == "bundle upload: 4 department, 7 person; replaced the demo org; 6 joiners"


@pytest.mark.parametrize("token", [None, "read"])
def test_the_log_of_changes_needs_an_admin_token(org: Org, token: str | None) -> None:
    response = org.post("{ changes { actor } }", org.read if token else None)
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_revoked_token_is_refused_at_once(tmp_path: Path) -> None:
    with _org(tmp_path) as org:
        assert org.post("{ top { name } }", org.read).status_code == 200
        revoked = _cli(org.db, "token", "revoke", "--name", "support-desk")
        assert revoked.returncode == 0, revoked.stderr
        assert org.post("{ top { name } }", org.read).status_code == 401


@pytest.mark.parametrize(
    ("name", "scope", "created"),
    [("", "read", "2026-12-01T09:30:00+00:00"), ("ci", "root", "2026-12-01T09:30:00+00:00"), ("ci", "read", "soon")],
)
def test_a_broken_token_row_in_the_store_is_a_401_never_a_500(
    tmp_path: Path, name: str, scope: str, created: str
) -> None:
    """A row written by hand (or by an older version) is refused, in the JSON shape of every 401."""
    db = tmp_path / "buckstop.db"
    make_token(db, "support-desk")  # makes the store file and its tables
    secret = new_secret()
    with contextlib.closing(sqlite3.connect(db)) as con, con:
        con.execute(
            "INSERT INTO tokens (digest, name, scope, created, revoked) VALUES (?, ?, ?, ?, NULL)",
            (digest(secret), name, scope, created),
        )
    process, url = start_server(db)
    try:
        response = httpx.post(
            f"{url}/graphql", json={"query": "{ top { name } }"}, headers={"authorization": f"Bearer {secret}"}
        )
    finally:
        stop_server(process)
    assert response.status_code == 401, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    listed = _cli(db, "token", "list")
    assert listed.returncode == 2 and listed.stderr.startswith("buckstop: error: a stored token (digest ")
    assert "is broken" in listed.stderr and "internal error" not in listed.stderr


def test_off_loopback_a_token_is_needed_to_ask_anything(tmp_path: Path) -> None:
    with _org(tmp_path, env={"BUCKSTOP_ANONYMOUS_READS": "off"}) as org:
        refused = org.post("{ top { name } }")
        assert refused.status_code == 401 and "needs a token" in refused.json()["errors"][0]["message"]
        assert org.data("{ top { name } }", org.read)["top"]["name"] == "Helena Marsh"
        assert httpx.get(f"{org.url}/healthz").status_code == 200  # health checks need no token
        assert httpx.post(f"{org.url}/mcp", json={}).status_code == 401


def test_anonymous_reads_default_to_on_only_on_loopback() -> None:
    assert Settings(host="127.0.0.1").anonymous_allowed and Settings(host="::1").anonymous_allowed
    assert not Settings(host="0.0.0.0").anonymous_allowed
    assert not Settings(host="10.1.2.3").anonymous_allowed
    assert Settings(host="0.0.0.0", anonymous_reads="on").anonymous_allowed
    assert not Settings(host="127.0.0.1", anonymous_reads="off").anonymous_allowed


# -- MCP behind the same tokens ---------------------------------------------------------------


def _mcp_route(org: Org, token: str | None) -> Any:
    async def body(client: Any) -> Any:
        return await client.call_tool("route", {"account": "@CorvidHelp", "issue": "sales enquiry"})

    return over_http(org.url, token)(body).structured_content


def test_mcp_answers_the_public_view_without_a_token(org: Org) -> None:
    public = _mcp_route(org, None)
    carmen = next(h for h in public["handlers"] if h["id"] == "p-carmen-ortiz")
    assert carmen["name"] == "Carmen Ortiz" and carmen["email"] is None
    assert public["top"]["email"] == "helena.marsh@corvid.example"  # public: never withheld
    sources = {f["node"]: f["source"] for f in public["provenance"]}
    assert sources["person:p-carmen-ortiz"] is None and sources["rule:r-sales-org"] is None
    assert sources["person:p-helena-marsh"] == "people.csv:2"

    full = _mcp_route(org, org.read)
    assert next(h for h in full["handlers"] if h["id"] == "p-carmen-ortiz")["email"] == "carmen.ortiz@corvid.example"
    assert {f["node"]: f["source"] for f in full["provenance"]}["rule:r-sales-org"] == "routing.csv:10"


def test_mcp_refuses_a_wrong_token(org: Org) -> None:
    response = httpx.post(
        f"{org.url}/mcp",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}},
        headers={"authorization": "Bearer bst_nope", "accept": "application/json, text/event-stream"},
    )
    assert response.status_code == 401


# -- the command --------------------------------------------------------------------------------


def test_buckstop_token_creates_lists_and_revokes(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    refused = _cli(db, "token", "create", "--name", "grafana", "--scope", "read")
    assert refused.returncode == 2 and "no such store" in refused.stderr  # only load and serve make a store
    assert not db.exists()
    assert _cli(db, "load", str(seed.FOLDER)).returncode == 0
    made = _cli(db, "token", "create", "--name", "grafana", "--scope", "read")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("bst_") and "shown once" in made.stderr
    assert secret not in db.read_bytes().decode("latin-1")  # only its digest is kept
    again = _cli(db, "token", "create", "--name", "grafana")
    assert again.returncode == 2 and "'grafana' is in use" in again.stderr
    listed = json.loads(_cli(db, "token", "list", "--json").stdout)
    assert [(t["name"], t["scope"], t["revoked"]) for t in listed] == [("grafana", "read", None)]
    typo = _cli(db, "token", "revoke", "--name", "grafna")
    assert typo.returncode == 2 and "did you mean 'grafana'" in typo.stderr and "Traceback" not in typo.stderr
    assert _cli(db, "token", "revoke", "--name", "grafana").returncode == 0
    assert json.loads(_cli(db, "token", "list", "--json").stdout)[0]["revoked"] is not None


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "buckstop.api.cli", *args, "--db", str(db)], capture_output=True, text=True, timeout=60
    )


def _upload(org: Org, token: str | None) -> httpx.Response:
    query = "mutation($file: Upload!) { loadPeople(file: $file) { applied version } }"
    form = {
        "operations": json.dumps({"query": query, "variables": {"file": None}}),
        "map": json.dumps({"file": ["variables.file"]}),
    }
    headers = {"x-buckstop-upload": "1", **({"authorization": f"Bearer {token}"} if token else {})}
    files = {"file": ("bamboohr.csv", export_bytes("BambooHR"))}
    return httpx.post(f"{org.url}/graphql", data=form, files=files, headers=headers, timeout=60)
