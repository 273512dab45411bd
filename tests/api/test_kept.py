"""Kept answers over real HTTP: the response cache, ETags and 304, Cache-Control, persisted queries.

Every test talks to a real uvicorn: ``buckstop serve`` in a child process (:mod:`harness.server`),
or, where the test moves the store's clock to midnight, uvicorn serving ``create_app`` in a thread.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from buckstop.api.app import create_app
from buckstop.api.settings import Settings
from buckstop.graph.memory import MemoryStore
from buckstop.loaders import apply_bundle

from harness.server import free_port, make_token, start_server, stop_server
from tests.api.test_cli import buckstop
from tests.graph.test_time import new_ceo
from tests.orgs import acme

pytestmark = pytest.mark.slow  # real servers

ANN = '{ person(id: "p-ann") { name email } }'  # Ann is not public: her e-mail is withheld from the public view
TOP = "query Top { top { id name title } version { number } }"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """A server on Acme (anonymous reads on: loopback), its store file, and an admin token's secret."""
    folder = tmp_path_factory.mktemp("kept")
    db = folder / "org.db"
    assert buckstop("load", str(acme().write(folder / "acme")), db=db).returncode == 0
    secret = make_token(db, "ops", "admin")
    process, url = start_server(db, "--no-seed")
    yield f"{url}/graphql", db, secret
    stop_server(process)


def post(url: str, query: str, token: str | None = None, **variables: Any) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.post(url, json={"query": query, "variables": variables}, headers=headers, timeout=10)


def test_an_answer_asked_again_is_the_same_with_its_etag_and_a_get_with_it_is_not_modified(
    served: tuple[str, Path, str],
) -> None:
    url, _, _ = served
    first, again = post(url, TOP), post(url, TOP)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["data"]["top"]["id"] == "p-cora"
    assert first.headers["etag"] == again.headers["etag"]
    assert first.headers["cache-control"] == "public, no-cache"
    assert "authorization" in first.headers["vary"] and "accept" in first.headers["vary"]
    got = httpx.get(url, params={"query": TOP}, headers={"accept": "application/json"}, timeout=10)
    assert got.status_code == 200 and got.headers["etag"] == first.headers["etag"]
    tag = first.headers["etag"]
    unchanged = httpx.get(url, params={"query": TOP}, headers={"if-none-match": tag}, timeout=10)
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["etag"] == tag
    other = httpx.get(url, params={"query": TOP}, headers={"if-none-match": '"not-it"'}, timeout=10)
    assert other.status_code == 200 and other.json() == first.json()


def test_the_public_view_and_a_tokens_view_of_one_question_are_kept_apart(served: tuple[str, Path, str]) -> None:
    url, _, secret = served
    for _ in range(2):  # the second round is answered from what the first kept
        public, admin = post(url, ANN), post(url, ANN, token=secret)
        assert public.json() == {"data": {"person": {"name": "Ann Lee", "email": None}}}
        assert admin.json() == {"data": {"person": {"name": "Ann Lee", "email": "ann@acme.example"}}}
        assert public.headers["cache-control"] == "public, no-cache"
        assert admin.headers["cache-control"] == "private, no-cache"
        assert public.headers["etag"] != admin.headers["etag"]
    # The token's ETag does not make the public view answer 304 with the token's answer, nor the reverse.
    got = httpx.get(url, params={"query": ANN}, headers={"if-none-match": admin.headers["etag"]}, timeout=10)
    assert got.status_code == 200 and got.json()["data"]["person"]["email"] is None


def test_errors_mutations_and_the_cases_are_never_kept(served: tuple[str, Path, str]) -> None:
    url, _, secret = served
    miss = '{ route(account: "@Nobody", issueType: "refund") { fallback } }'
    for _ in range(2):
        answer = post(url, miss)
        assert answer.json()["errors"][0]["extensions"]["code"] == "UNKNOWN_ACCOUNT"
        assert "etag" not in answer.headers
    cases = "{ cases { id } }"
    assert "etag" not in post(url, cases, token=secret).headers
    opened = post(url, 'mutation { openCase(account: "@AcmeHelp", message: "my refund") { id } }', token=secret)
    assert opened.status_code == 200 and "errors" not in opened.json(), opened.text
    assert "etag" not in opened.headers
    mixed = "{ top { id } cases { id } }"  # one question that is not the org's: the whole answer is not kept
    assert post(url, mixed, token=secret).json()["data"]["cases"] == [{"id": opened.json()["data"]["openCase"]["id"]}]
    assert "etag" not in post(url, mixed, token=secret).headers


def test_a_persisted_query_is_asked_by_its_hash_once_the_server_has_its_text(served: tuple[str, Path, str]) -> None:
    url, _, _ = served
    query = "query Chain($p: ID!) { chainOfCommand(person: $p) { id } }"
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": _sha(query)}})
    variables = json.dumps({"p": "p-ann"})
    unknown = httpx.get(url, params={"extensions": extensions, "variables": variables}, timeout=10)
    assert unknown.status_code == 200
    assert unknown.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    sent = httpx.get(url, params={"query": query, "extensions": extensions, "variables": variables}, timeout=10)
    expected = {"data": {"chainOfCommand": [{"id": "p-sue"}, {"id": "p-omar"}, {"id": "p-cora"}]}}
    assert sent.json() == expected
    by_hash = httpx.get(url, params={"extensions": extensions, "variables": variables}, timeout=10)
    assert by_hash.status_code == 200 and by_hash.json() == expected
    assert by_hash.headers["etag"] == sent.headers["etag"]
    body = {"extensions": json.loads(extensions), "variables": {"p": "p-dan"}}  # a POST by hash too
    assert httpx.post(url, json=body, timeout=10).json() == expected  # Dan reports to Sue, as Ann does
    wrong = httpx.post(url, json={"query": "{ top { id } }", "extensions": json.loads(extensions)}, timeout=10)
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"


def test_a_version_loaded_while_the_server_runs_is_answered_at_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "org.db"
    assert buckstop("load", str(acme().write(tmp_path / "acme")), db=db).returncode == 0
    process, base = start_server(db, "--no-seed")
    try:
        url = f"{base}/graphql"
        before = post(url, TOP)
        assert before.json()["data"]["top"] == {"id": "p-cora", "name": "Cora Chen", "title": "CEO"}
        assert post(url, TOP).headers["etag"] == before.headers["etag"]  # kept
        assert buckstop("load", str(new_ceo().write(tmp_path / "next")), db=db).returncode == 0  # another process
        deadline = time.monotonic() + 10
        while (after := post(url, TOP)).json()["data"]["top"]["id"] == "p-cora" and time.monotonic() < deadline:
            time.sleep(0.1)  # the server notices another process's load within a second
        assert after.json()["data"]["top"] == {"id": "p-zed", "name": "Zed Zane", "title": "CEO"}
        assert after.json()["data"]["version"]["number"] == before.json()["data"]["version"]["number"] + 1
        assert after.headers["etag"] != before.headers["etag"]
        unchanged = httpx.get(url, params={"query": TOP}, headers={"if-none-match": before.headers["etag"]}, timeout=10)
        assert unchanged.status_code == 200 and unchanged.json() == after.json()
    finally:
        stop_server(process)


class _Clock:
    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def midnight(tmp_path: Path) -> Iterator[tuple[str, _Clock]]:
    """uvicorn serving a store whose clock the test moves: today, and a version scheduled for tomorrow."""
    clock = _Clock(date.today())
    store = MemoryStore(tmp_path / "org.db", clock=clock)
    apply_bundle(store, acme().write(tmp_path / "acme"), effective=clock.day - timedelta(days=1))
    apply_bundle(store, new_ceo().write(tmp_path / "next"), effective=clock.day + timedelta(days=1))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(), store), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}/graphql", clock
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()


def test_a_version_scheduled_for_tomorrow_answers_from_midnight(midnight: tuple[str, _Clock]) -> None:
    url, clock = midnight
    today = post(url, TOP)
    assert today.json()["data"]["top"]["id"] == "p-cora"
    assert post(url, TOP).headers["etag"] == today.headers["etag"]  # kept for today
    clock.day += timedelta(days=1)  # midnight: the day is part of every key
    tomorrow = post(url, TOP)
    assert tomorrow.json()["data"]["top"]["id"] == "p-zed"
    assert tomorrow.headers["etag"] != today.headers["etag"]


def test_with_the_cache_off_every_answer_is_answered_afresh_with_no_etag(tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    assert buckstop("load", str(acme().write(tmp_path / "acme")), db=db).returncode == 0
    process, base = start_server(db, "--no-seed", env={"BUCKSTOP_RESPONSE_CACHE": "off"})
    try:
        answers = [post(f"{base}/graphql", TOP) for _ in range(2)]
        assert all(a.json()["data"]["top"]["id"] == "p-cora" and "etag" not in a.headers for a in answers)
    finally:
        stop_server(process)


def test_a_kept_answer_is_still_behind_the_host_check_and_the_token_check(served: tuple[str, Path, str]) -> None:
    url, _, secret = served
    for token in (None, secret):  # kept in the public view and in the admin token's
        assert post(url, TOP, token=token).status_code == post(url, TOP, token=token).status_code == 200
    body = {"query": TOP, "variables": {}}
    other_host = httpx.post(url, json=body, headers={"host": "evil.example"}, timeout=10)
    assert other_host.status_code == 421 and "evil.example" in other_host.text
    for refused in ("Bearer not-a-token", "Basic abc", "Bearer"):
        answer = httpx.post(url, json=body, headers={"authorization": refused}, timeout=10)
        assert answer.status_code == 401 and "etag" not in answer.headers, refused


def test_kept_answers_are_counted_in_the_metrics(served: tuple[str, Path, str]) -> None:
    url, _, secret = served
    query = "query KeptCounted { top { id } }"
    series = 'buckstop_requests_total{endpoint="graphql",operation="KeptCounted",outcome="ok"}'

    def counted() -> float:
        text = httpx.get(url.removesuffix("/graphql") + "/metrics", headers={"authorization": f"Bearer {secret}"}).text
        return next((float(line.split()[-1]) for line in text.splitlines() if line.startswith(series)), 0.0)

    assert post(url, query).headers["etag"]  # answered by GraphQL, then kept
    before = counted()
    for _ in range(5):
        assert post(url, query).status_code == 200
    assert counted() == before + 5


def test_a_kept_answer_is_given_to_a_body_sent_in_pieces(served: tuple[str, Path, str]) -> None:
    # A body cut off at the deadline is answered 408, in the same time, however it is read: tests/api/test_edge.py.
    url, _, _ = served
    body = json.dumps({"query": TOP}).encode()
    headers = {"content-type": "application/json", "content-length": str(len(body))}
    first = httpx.post(url, content=body, headers=headers, timeout=10)
    assert first.headers["etag"]

    def pieces() -> Iterator[bytes]:
        yield body[:10]
        time.sleep(0.2)
        yield body[10:]

    again = httpx.post(url, content=pieces(), headers=headers, timeout=10)
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
