"""Webhooks in the store: hooks checked at the door, the outbox written with the events, claims by
compare-and-set, in order per case. Every test runs on both backends (``backend``: memory, neo4j)."""

from __future__ import annotations

import os
import random
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from buckstop.graph import MemoryStore
from buckstop.graph.cases import EventKind
from buckstop.graph.neo4j import Neo4jStore
from buckstop.graph.webhooks import DeliveryState, UnknownWebhook
from buckstop.queries.cases import acknowledge, escalate, open_case, read_case, resolve
from buckstop.queries.cases import book_of as cases_book_of
from buckstop.queries.webhooks import (
    RETRY_FOR,
    BadWebhookUrl,
    UnknownEventPattern,
    add_hook,
    book_of,
    deliveries,
    next_try,
    remove_hook,
)

from tests.conftest import BACKENDS, case_store
from tests.orgs import acme

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=1)


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def store(request, backend, tmp_path):
    yield from case_store(request, backend, acme().write(tmp_path / "bundle"), holds="webhooks", db=tmp_path / "org.db")


def another(backend, tmp_path):
    """A second store on the same data, as another process or replica opens it."""
    if backend == "neo4j":
        return Neo4jStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD"))
    return MemoryStore(tmp_path / "org.db")


def hook(store, events=("case.*",), url="http://127.0.0.1:9/in"):
    return add_hook(store, url, list(events), actor="cli:ann", now=T0, own=("127.0.0.1", 8000))


def opened(store, at=T0):
    return open_case(store, "@AcmeHelp", "I want my money back", actor="cli:ann", now=at, customer="@jo")


# -- hooks, checked at the door ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "events", "error", "says"),
    [
        ("ftp://tickets.example.com/in", ["case.*"], BadWebhookUrl, "only http:// and https://"),
        ("tickets.example.com/in", ["case.*"], BadWebhookUrl, "only http:// and https://"),
        ("http:///in", ["case.*"], BadWebhookUrl, "names no host"),
        ("http://localhost:8000/hooks", ["case.*"], BadWebhookUrl, "this server itself (127.0.0.1:8000)"),
        ("http://[::1]:8000/hooks", ["case.*"], BadWebhookUrl, "this server itself"),
        ("http://127.0.0.1:80x/hooks", ["case.*"], BadWebhookUrl, "does not parse"),
        ("http://127.0.0.1:9/in", ["case.escalatd"], UnknownEventPattern, "did you mean 'case.escalated'"),
        ("http://127.0.0.1:9/in", ["ticket.*"], UnknownEventPattern, "matches no event type"),
        ("http://127.0.0.1:9/in", [" "], UnknownEventPattern, "matches no event type"),
    ],
)
def test_a_bad_hook_is_one_clear_error_and_nothing_is_kept(store, url, events, error, says):
    with pytest.raises(error, match=says.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        hook(store, events, url)
    assert book_of(store).hooks() == []


def test_a_hook_is_kept_with_a_standard_webhooks_secret_and_can_be_removed(store):
    added = hook(store, ["case.esc*", "case.opened"])
    assert added.id == 1 and added.events == ("case.esc*", "case.opened")
    assert added.secret.startswith("whsec_") and len(added.secret) == len("whsec_") + 32
    assert [h.url for h in book_of(store).hooks()] == ["http://127.0.0.1:9/in"]
    assert remove_hook(store, "1").id == 1
    assert book_of(store).hooks() == []
    with pytest.raises(UnknownWebhook, match="unknown webhook '1'"):
        remove_hook(store, 1)
    with pytest.raises(UnknownWebhook):
        remove_hook(store, "one")


# -- the outbox -------------------------------------------------------------------------------


def test_each_event_is_enqueued_with_it_for_the_hooks_that_want_it(store):
    opened(store)  # before any hook: nobody wants it
    everything, escalations = hook(store), hook(store, ["case.escalated"])
    case = opened(store)
    escalate(store, case.id, actor="cli:ann", now=T0 + timedelta(minutes=1))
    resolve(store, case.id, actor="cli:ann", now=T0 + timedelta(minutes=2))
    made = {(d.hook_id, d.type, d.seq) for d in deliveries(store)}
    assert made == {
        (everything.id, "case.opened", 0),
        (everything.id, "case.escalated", 1),
        (everything.id, "case.resolved", 2),
        (escalations.id, "case.escalated", 1),
    }
    assert {d.id for d in deliveries(store, escalations.id)} == {f"msg_{escalations.id}_{case.id}_1"}
    assert all(d.state is DeliveryState.PENDING and d.attempt == 0 for d in deliveries(store))


def test_a_batch_writes_the_cases_still_at_their_revision_with_their_outbox_and_skips_the_others(store):
    hook(store)
    cases = [opened(store) for _ in range(3)]
    escalate(store, cases[1].id, actor="cli:max", now=T0 + timedelta(minutes=1))  # moved after it was read
    noted = [
        case.then(replace(case.events[0], kind=EventKind.NOTED, note="batched", at=T0 + timedelta(minutes=2)))
        for case in cases
    ]
    landed = cases_book_of(store).update_many([(case, 1) for case in noted])
    assert [case.id for case in landed] == [cases[0].id, cases[2].id]
    kinds = {c.id: [e.kind for e in read_case(store, c.id).events] for c in cases}
    assert kinds == {
        cases[0].id: [EventKind.OPENED, EventKind.NOTED],
        cases[1].id: [EventKind.OPENED, EventKind.ESCALATED],
        cases[2].id: [EventKind.OPENED, EventKind.NOTED],
    }
    made = sorted((d.case_id, d.seq, d.type) for d in deliveries(store))
    assert made == [
        (cases[0].id, 0, "case.opened"),
        (cases[0].id, 1, "case.noted"),
        (cases[1].id, 0, "case.opened"),
        (cases[1].id, 1, "case.escalated"),
        (cases[2].id, 0, "case.opened"),
        (cases[2].id, 1, "case.noted"),
    ]


def test_an_attempt_is_claimed_once_however_many_claim_at_once(store, backend, tmp_path):
    hook(store)
    for i in range(20):
        opened(store, T0 + timedelta(seconds=i))
    others = [another(backend, tmp_path) for _ in range(3)]
    claimed: list[str] = []
    start = threading.Barrier(len(others))

    def claim(other):
        start.wait()
        claims = book_of(other).claim(T0 + timedelta(minutes=1), T0 + timedelta(minutes=2), limit=20)
        claimed.extend(c.delivery.id for c in claims)

    threads = [threading.Thread(target=claim, args=(o,)) for o in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for other in others:
        other.close()
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 20
    # Claimed: none is due again until its lease ends.
    assert book_of(store).claim(T0 + timedelta(minutes=1), T0 + timedelta(minutes=3)) == []
    assert len(book_of(store).claim(T0 + timedelta(minutes=2), T0 + timedelta(minutes=3))) == 20


def test_a_case_s_events_are_due_in_order(store):
    hook(store)
    case = opened(store)
    acknowledge(store, case.id, actor="cli:ann", now=T0 + timedelta(minutes=1))
    resolve(store, case.id, actor="cli:ann", now=T0 + timedelta(minutes=2))
    book, now = book_of(store), T0 + timedelta(minutes=5)
    first = book.claim(now, now + LEASE)
    assert [c.delivery.seq for c in first] == [0]  # the later two wait for it
    failed = first[0].delivery
    retry = next_try(1, failed.enqueued, now, random.Random(1))
    assert book.record([_outcome(failed, DeliveryState.PENDING, retry, 500)]) == 1
    assert book.claim(now, now + LEASE) == []  # still waiting for the first, which waits for its retry
    again = book.claim(retry, retry + LEASE)
    assert [c.delivery.seq for c in again] == [0] and again[0].delivery.attempt == 2
    book.record([_outcome(again[0].delivery, DeliveryState.DELIVERED, None, 204)])
    assert [c.delivery.seq for c in book.claim(retry, retry + LEASE)] == [1]


def test_an_outcome_is_written_only_by_the_attempt_that_claimed_it(store):
    hook(store)
    opened(store)
    book, now = book_of(store), T0 + timedelta(minutes=1)
    (slow,) = book.claim(now, now + LEASE)
    (late,) = book.claim(now + LEASE, now + 2 * LEASE)  # the first worker's lease ran out: another claims it
    assert book.record([_outcome(slow.delivery, DeliveryState.DELIVERED, None, 204)]) == 0
    assert book.record([_outcome(late.delivery, DeliveryState.DELIVERED, None, 204)]) == 1
    (kept,) = deliveries(store)
    assert (kept.state, kept.attempt, kept.status) == (DeliveryState.DELIVERED, 2, 204)


def test_removing_a_hook_fails_its_pending_deliveries(store):
    added = hook(store)
    opened(store)
    remove_hook(store, added.id)
    (failed,) = deliveries(store, added.id)  # a removed hook's log is still listed
    assert failed.state is DeliveryState.FAILED and failed.error == "the webhook was removed"
    assert book_of(store).claim(T0 + timedelta(days=1), T0 + timedelta(days=2)) == []
    with pytest.raises(UnknownWebhook):
        deliveries(store, 99)


def test_retries_back_off_with_jitter_for_a_day_then_stop():
    rng = random.Random(7)
    waits = {n: next_try(n, T0, T0, rng) - T0 for n in range(1, 12)}
    assert all(timedelta(seconds=2**n / 2) <= w <= timedelta(seconds=2**n) for n, w in waits.items())
    assert len({w.total_seconds() / 2**n for n, w in waits.items()}) > 1  # jittered, not a fixed factor
    assert next_try(40, T0, T0 + timedelta(hours=23, minutes=59), rng) == T0 + RETRY_FOR  # one last try
    assert next_try(41, T0, T0 + RETRY_FOR, rng) is None


def _outcome(delivery, state, again, status):
    return replace(delivery, state=state, next_try=again, last_try=T0, status=status)
