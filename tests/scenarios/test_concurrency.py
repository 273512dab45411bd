"""Clients ask continuously while ``buckstop load`` runs again and again: no answer mixes two orgs.

A real ``buckstop serve`` on each backend, real HTTP clients in threads, and
real ``buckstop load`` processes applying versions A and B of a small org in
turn (B, A, B…). A and B differ in the rule (billing goes to Ann, or to Bob),
in the people (B moves Bob under Omar) and in the title at the top (CEO, or
Chief Executive). One GraphQL document asks two questions: ``route`` reads
all three differences at once, and ``top`` reads the title again, so an
answer put together from both versions matches neither.

The scenario runs once per backend (:func:`run`); the tests then judge its
answers: each question from one whole version, and the whole document from one.
The memory backend notices another process's commit within its refresh time
(one second), Neo4j at once; the loads wait until clients have seen each one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from buckstop.graph import MemoryStore
from buckstop.loaders import apply_bundle

from harness.server import start_server, stop_server
from tests.conftest import BACKENDS
from tests.orgs import OrgBuilder, acme

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LOADS = 6  # B, A, B, A, B, A
CLIENTS = 3
SEEN_WITHIN = 15.0  # seconds a load may take to show in the answers

QUERY = """{
  route(account: "@AcmeHelp", issueType: "billing", on: "2026-11-23") {
    handlers { id manager { id } }
    escalation { person { id title } }
  }
  top { id title }
}"""


def version_a() -> OrgBuilder:
    return acme().rule("r-billing", "it-billing", "organization", "person:p-ann")


def version_b() -> OrgBuilder:
    return (
        acme()
        .rule("r-billing", "it-billing", "organization", "person:p-bob")
        .change("people.csv", "p-bob", manager_id="p-omar")
        .change("people.csv", "p-cora", title="Chief Executive")
    )


def step(id: str, title: str | None) -> dict[str, Any]:
    return {"person": {"id": id, "title": title}}


#: What each question answers in each version (the public view: no token).
EXPECTED: dict[str, dict[str, Any]] = {
    "A": {
        "route": {
            "handlers": [{"id": "p-ann", "manager": {"id": "p-sue"}}],
            "escalation": [
                step("p-ann", None),
                step("p-sue", "Head of Support"),
                step("p-omar", "COO"),
                step("p-cora", "CEO"),
            ],
        },
        "top": {"id": "p-cora", "title": "CEO"},
    },
    "B": {
        "route": {
            "handlers": [{"id": "p-bob", "manager": {"id": "p-omar"}}],
            "escalation": [step("p-bob", None), step("p-omar", "COO"), step("p-cora", "Chief Executive")],
        },
        "top": {"id": "p-cora", "title": "Chief Executive"},
    },
}
QUESTIONS = ("route", "top")


@dataclass(frozen=True)
class Answer:
    """One response: which version each question's part matches ("A", "B" or "neither"), or what failed."""

    sent: float  # time.monotonic() when the request went out
    took: float
    parts: tuple[str, ...] = ()
    failure: str = ""  # an HTTP status, a GraphQL error or a transport error; then ``body`` says more
    body: str = ""

    @property
    def version(self) -> str:
        """The version of the whole answer ("A" or "B"), else "mixed", or what failed."""
        if self.failure:
            return self.failure
        return self.parts[0] if len(set(self.parts)) == 1 and self.parts[0] in EXPECTED else "mixed"


def judge(sent: float, response: httpx.Response) -> Answer:
    took = time.monotonic() - sent
    if response.status_code != 200:
        return Answer(sent, took, failure=f"HTTP {response.status_code}", body=response.text)
    body = response.json()
    if body.get("errors") or not body.get("data"):
        return Answer(sent, took, failure="GraphQL error", body=response.text)
    data = body["data"]
    parts = tuple(
        next((label for label, expected in EXPECTED.items() if data[q] == expected[q]), "neither") for q in QUESTIONS
    )
    return Answer(sent, took, parts, body=response.text if "neither" in parts or len(set(parts)) > 1 else "")


@dataclass
class Run:
    """What the clients got while the loads ran."""

    backend: str
    answers: list[Answer] = field(default_factory=list)
    loads_began: float = 0.0
    seconds: float = 0.0

    def summary(self) -> str:
        counts = dict(Counter(a.version for a in self.answers))
        slowest = max((a.took for a in self.answers), default=0.0)
        return (
            f"{len(self.answers)} answers from {CLIENTS} clients in {self.seconds:.1f} s over {LOADS} loads "
            f"on {self.backend} (slowest {slowest:.2f} s): {counts}"
        )

    def example(self, answers: list[Answer]) -> str:
        first = answers[0]
        return f"{first.version} {first.parts}: {json.dumps(json.loads(first.body))[:1500] if first.body else ''}"


def ask_until(url: str, done: threading.Event, answers: list[Answer]) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        while not done.is_set():
            sent = time.monotonic()
            try:
                answers.append(judge(sent, client.post("/graphql", json={"query": QUERY})))
            except httpx.HTTPError as err:
                answers.append(Answer(sent, time.monotonic() - sent, failure=type(err).__name__, body=repr(err)))


def load(env: dict[str, str], folder: Path) -> float:
    """``buckstop load FOLDER`` in its own process; when it finished."""
    command = [sys.executable, "-m", "buckstop.api.cli", "load", str(folder)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"buckstop load {folder.name} failed:\n{result.stdout}\n{result.stderr}")
    return time.monotonic()


def wait_for(answers: list[Answer], version: str, since: float) -> None:
    """Wait until a request sent after ``since`` got ``version`` whole (or failed: the tests say what)."""
    deadline = time.monotonic() + SEEN_WITHIN
    while time.monotonic() < deadline:
        recent = answers[-100:]
        if any(a.sent > since and a.version == version for a in recent) or any(a.failure for a in recent):
            return
        time.sleep(0.05)
    raise RuntimeError(f"no answer of version {version} within {SEEN_WITHIN} s ({len(answers)} answers so far)")


@pytest.fixture(scope="module", params=BACKENDS)
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The scenario, once per backend: serve version A, ask continuously, load B, A, B… and stop."""
    tmp = tmp_path_factory.mktemp("concurrency")
    folders = {"A": version_a().write(tmp / "a"), "B": version_b().write(tmp / "b")}
    db = tmp / "buckstop.db"
    neo4j = request.getfixturevalue("neo4j_server") if request.param == "neo4j" else None
    if neo4j is not None:
        neo4j.load(folders["A"])  # fresh, then A; `holds` stays None, so whoever comes next reloads
    else:
        store = MemoryStore(db)
        apply_bundle(store, folders["A"])
        store.close()
    process, url = start_server(db, backend=request.param)
    env = {**os.environ, "BUCKSTOP_DB": str(db), "BUCKSTOP_BACKEND": request.param, "BUCKSTOP_LOG_LEVEL": "warning"}
    result = Run(request.param)
    done = threading.Event()
    clients = [threading.Thread(target=ask_until, args=(url, done, result.answers)) for _ in range(CLIENTS)]
    started = time.monotonic()
    try:
        # One question first, on its own: Neo4j plans a query the first time it sees it, slowly.
        httpx.post(f"{url}/graphql", json={"query": QUERY}, timeout=60).raise_for_status()
        for client in clients:
            client.start()
        wait_for(result.answers, "A", started)
        result.loads_began = time.monotonic()
        for n in range(LOADS):
            version = "BA"[n % 2]
            wait_for(result.answers, version, load(env, folders[version]))
    finally:
        done.set()
        for client in clients:
            client.join()
        result.seconds = time.monotonic() - started
        stop_server(process)
        if neo4j is not None:
            neo4j.fresh()  # leave Neo4j empty: the next fixture loads what it needs
    return result


def meant_something(run: Run) -> None:
    print(run.summary())  # shown with -rP
    during = Counter(v for a in run.answers if a.sent >= run.loads_began for v in a.parts)
    assert during["A"] and during["B"], f"the clients did not see both versions once the loads began: {run.summary()}"
    assert len(run.answers) >= 200, f"too few answers to mean much: {run.summary()}"


def test_each_question_is_answered_from_one_whole_version(run: Run) -> None:
    meant_something(run)
    failed = [a for a in run.answers if a.failure]
    assert not failed, f"{len(failed)} failed, of {run.summary()}; e.g. {failed[0].failure}: {failed[0].body[:1500]}"
    torn = [a for a in run.answers if "neither" in a.parts]
    assert not torn, f"{len(torn)} answers had a question of neither version, of {run.summary()}; {run.example(torn)}"


def test_one_document_is_answered_from_one_version(run: Run) -> None:
    meant_something(run)
    mixed = [a for a in run.answers if len(set(a.parts)) > 1 and set(a.parts) <= set(EXPECTED)]
    assert not mixed, f"{len(mixed)} answers mixed A and B, of {run.summary()}; {run.example(mixed)}"
