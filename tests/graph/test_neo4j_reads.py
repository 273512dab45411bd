"""Neo4j reads: one round trip per question, the commit gate inside it, a whole version held in memory not fetched.

Each test runs on the session's real Neo4j (``neo4j_server``); without ``NEO4J_URI`` they skip with the reason
(and fail under CI, tests/conftest.py).
"""

from __future__ import annotations

import logging
import threading
import time

import pytest

from buckstop.graph import WHOLE, ChangeSet, Focus
from buckstop.graph.errors import StoreUnavailable
from buckstop.graph.model import Person, Source
from buckstop.graph.reach import Reach

pytestmark = pytest.mark.neo4j


def people(*ids: str) -> ChangeSet:
    boss, *rest = ids
    records = [Person(boss, boss.upper(), source=Source("people.csv", 2))]
    records += [Person(id, id.upper(), manager_id=boss, source=Source("people.csv", n)) for n, id in enumerate(rest, 3)]
    return ChangeSet.of(records)


@pytest.fixture
def store(neo4j_server):
    store = neo4j_server.fresh()
    store.apply(people("p-ann", "p-bob", "p-cat"), actor="test")
    return store


def set_gate(store, pending_above_done: int) -> None:
    store._run(
        "MATCH (g:Meta {id: 'commit'}) SET g.pending = g.done + $up, g.since = timestamp()",
        "w",
        up=pending_above_done,
    )


def test_a_question_is_one_query_in_one_round_trip(store, caplog) -> None:
    store.read(Focus(Reach.PERSON, ("p-bob",)))  # a connection in the pool
    with caplog.at_level(logging.DEBUG, logger="neo4j.io"):
        org = store.read(Focus(Reach.PERSON, ("p-bob",)))
    sent = [r.getMessage() for r in caplog.records if "C: " in r.getMessage()]
    assert org.people["p-bob"].manager_id == "p-ann"
    assert sum("C: RUN" in m for m in sent) == 1, sent
    assert not any("C: BEGIN" in m or "C: COMMIT" in m for m in sent), sent


def test_a_question_asked_while_a_commit_is_applied_waits_for_it(store) -> None:
    set_gate(store, 1)  # a load's commit under way
    closed = threading.Timer(0.5, set_gate, (store, 0))
    started = time.monotonic()
    closed.start()
    try:
        org = store.read(Focus(Reach.PERSON, ("p-cat",)))
    finally:
        closed.join()
    assert time.monotonic() - started >= 0.5
    assert org.people["p-cat"].manager_id == "p-ann"


def test_a_gate_left_open_gives_up_with_store_unavailable(store, monkeypatch) -> None:
    import buckstop.graph.neo4j.store as module

    monkeypatch.setattr(module, "COMMIT_WAIT", 0.3)
    set_gate(store, 1)
    try:
        with pytest.raises(StoreUnavailable, match="committing a load"):
            store.read(Focus(Reach.PERSON, ("p-cat",)))
    finally:
        set_gate(store, 0)


def test_a_whole_read_of_a_version_this_store_holds_fetches_no_node(store) -> None:
    applied = store.apply(people("p-ann", "p-bob", "p-dan"), actor="test")
    assert store.read(WHOLE) is applied.after
    store._cache.clear()  # another replica: it reads the nodes
    fetched = store.read(WHOLE)
    assert fetched is not applied.after and sorted(fetched.people) == ["p-ann", "p-bob", "p-dan"]
