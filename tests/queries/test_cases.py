"""Cases: opening one routes it, actions write events, and the sweep climbs the chain on time.

Every test runs on both backends (``backend``: memory, neo4j), which must give the same answers.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta

import pytest

from buckstop.graph import MemoryStore
from buckstop.graph.cases import TIMER, ActionOnResolved, CaseChanged, CaseStatus, EventKind, UnknownCase
from buckstop.graph.errors import UnknownAccount, UnknownIssueType, UnknownPerson
from buckstop.graph.neo4j import Neo4jStore
from buckstop.loaders import apply_bundle
from buckstop.queries.cases import (
    AtTheTop,
    HandOffToNobody,
    NotResolved,
    acknowledge,
    add_note,
    book_of,
    escalate,
    find_cases,
    hand_off,
    open_case,
    read_case,
    reopen,
    resolve,
    sweep,
)
from buckstop.queries.triage import BlankMessage

from tests.conftest import BACKENDS
from tests.orgs import acme

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def cases_org():
    """Acme, with Support answered within 30 minutes and each level above given an hour."""
    return acme().change("issue_types.csv", "it-support", respond_within="30m", escalate_every="1h")


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def store(request, backend, tmp_path):
    folder = cases_org().write(tmp_path / "bundle")
    if backend == "neo4j":
        store = request.getfixturevalue("neo4j_server").load(folder, holds="cases")
        store.cases.clear()
        yield store
        return
    store = MemoryStore(tmp_path / "org.db")
    apply_bundle(store, folder)
    yield store
    store.close()


def another(store, backend, tmp_path):
    """A second store on the same data, as another process or replica opens it."""
    if backend == "neo4j":
        return Neo4jStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD"))
    return MemoryStore(tmp_path / "org.db")


def opened(store, message="I want my money back", **options):
    return open_case(store, "@AcmeHelp", message, actor="cli:ann", now=T0, customer="@jo", **options)


# -- opening --------------------------------------------------------------------------------


def test_opening_triages_routes_and_sets_the_deadline_from_the_broader_type(store):
    case = opened(store)
    assert case.id == 1
    assert (case.account_id, case.issue_type_id, case.customer) == ("acc-help", "it-refund", "@jo")
    # No rule in Acme: the account's escalation contact (role-social: Max), then Max's chain.
    assert case.handler_ids == ("p-max",)
    assert case.chain_ids == ("p-max", "p-mia", "p-cora")
    assert case.respond_by == T0 + 30 * MIN  # Refund ⊂ Billing ⊂ Support, which says 30m
    assert case.escalate_every == timedelta(hours=1)
    assert "Refund" in case.explanation[0]  # how triage read the message, then why the route goes where it goes
    assert case.explanation[-1] == "Escalation: Max Müller → Mia Moreau → Cora Chen."
    assert [e.kind for e in case.events] == [EventKind.OPENED]
    assert case.events[0].actor == "cli:ann" and case.events[0].org_version == case.org_version
    assert read_case(store, 1) == case


def test_a_given_issue_type_is_routed_without_triage(store):
    case = opened(store, "hello", issue_type="sales enquiry")
    assert case.issue_type_id == "it-sales"
    assert case.respond_by is None  # Sales has no deadline


@pytest.mark.parametrize(
    ("account", "message", "issue_type", "error", "text"),
    [
        ("@AcmeHlp", "refund please", None, UnknownAccount, "did you mean '@AcmeHelp'"),
        ("@AcmeHelp", "refund please", "refnd", UnknownIssueType, "did you mean 'Refund'"),
        ("@AcmeHelp", "  ?! ", None, BlankMessage, "the message has no words"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_kept(store, account, message, issue_type, error, text):
    with pytest.raises(error, match=text):
        open_case(store, account, message, issue_type=issue_type, actor="cli:ann", now=T0)
    assert book_of(store).find() == []


# -- the climb ------------------------------------------------------------------------------


def test_the_sweep_climbs_one_level_per_deadline_up_to_the_top_who_keeps_it(store):
    case = opened(store)
    assert sweep(store, now=T0 + 29 * MIN) == []
    moved = sweep(store, now=T0 + 30 * MIN)
    assert [(i, e.kind, e.to_ids, e.actor) for i, e in moved] == [(1, EventKind.ESCALATED, ("p-mia",), TIMER)]
    assert sweep(store, now=T0 + 31 * MIN) == []  # once per deadline
    case = read_case(store, 1)
    assert (case.level, case.handler_ids, case.respond_by) == (1, ("p-mia",), T0 + 90 * MIN)
    sweep(store, now=T0 + 90 * MIN)
    case = read_case(store, 1)
    assert (case.level, case.handler_ids) == (2, ("p-cora",))
    assert sweep(store, now=T0 + timedelta(days=3)) == []  # the top keeps it
    assert [e.at for e in read_case(store, 1).events] == [T0, T0 + 30 * MIN, T0 + 90 * MIN]


def test_a_late_sweep_escalates_once_for_each_deadline_passed(store):
    opened(store)
    moved = sweep(store, now=T0 + timedelta(hours=5))
    assert [e.level for _, e in moved] == [1, 2]
    assert [e.at for _, e in moved] == [T0 + 30 * MIN, T0 + 90 * MIN]


def test_an_acknowledged_case_does_not_climb(store):
    opened(store)
    case = acknowledge(store, 1, actor="cli:max", now=T0 + 10 * MIN, note="on it")
    assert (case.status, case.respond_by) == (CaseStatus.ACKNOWLEDGED, None)
    assert sweep(store, now=T0 + timedelta(days=1)) == []
    assert find_cases(store, now=T0 + timedelta(days=1), overdue=True) == []


def test_two_sweeps_at_once_escalate_each_deadline_once(tmp_path, store, backend):
    for n in range(10):
        opened(store, f"refund number {n}")
    other = another(store, backend, tmp_path)
    results: list[int] = []
    barrier = threading.Barrier(2)

    def run(on):
        barrier.wait()
        results.append(len(sweep(on, now=T0 + 31 * MIN)))

    threads = [threading.Thread(target=run, args=(s,)) for s in (store, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert sum(results) == 10
    assert all([e.kind for e in c.events].count(EventKind.ESCALATED) == 1 for c in book_of(store).find())


def test_a_change_from_a_stale_revision_is_refused(store):
    case = opened(store)
    escalate(store, 1, actor="cli:a", now=T0)
    with pytest.raises(CaseChanged, match="case 1 was changed by someone else"):
        book_of(store).update(case.then(case.events[0]), revision=case.revision)
    assert read_case(store, 1).level == 1


def test_a_case_moved_meanwhile_is_skipped_by_the_sweep_s_batch_and_climbs_from_where_it_is(
    store, backend, tmp_path, monkeypatch
):
    for n in range(3):
        opened(store, f"refund number {n}")
    other = another(store, backend, tmp_path)
    book = book_of(store)
    write = book.update_many
    batches = []

    def meanwhile(changes):
        if not batches:  # a person escalates case 2 by hand after the sweep read it, before its batch lands
            escalate(other, 2, actor="cli:max", now=T0 + 20 * MIN)
        batches.append([case.id for case, _revision in changes])
        return write(changes)

    monkeypatch.setattr(book, "update_many", meanwhile)
    moved = sweep(store, now=T0 + 31 * MIN)
    other.close()
    assert batches == [[3, 2, 1]]  # one batch, one transaction, for the three
    assert [(i, e.level) for i, e in moved] == [(3, 1), (1, 1)]  # case 2 was not escalated again
    escalations = [e for e in read_case(store, 2).events if e.kind is EventKind.ESCALATED]
    assert [(e.actor, e.level) for e in escalations] == [("cli:max", 1)]
    assert read_case(store, 2).respond_by == T0 + 80 * MIN  # the person's escalation started its hour


def test_a_case_moved_meanwhile_climbs_for_the_deadlines_still_passed(store, backend, tmp_path, monkeypatch):
    opened(store)
    other = another(store, backend, tmp_path)
    book = book_of(store)
    write = book.update_many
    first = []

    def meanwhile(changes):
        if not first:  # by hand, to level 1, after the sweep read it at level 0
            first.append(escalate(other, 1, actor="cli:max", now=T0))
        return write(changes)

    monkeypatch.setattr(book, "update_many", meanwhile)
    moved = sweep(store, now=T0 + timedelta(hours=5))  # read at level 0; by hand to 1 meanwhile; then 2 by time
    other.close()
    assert [(i, e.level, e.actor) for i, e in moved] == [(1, 2, TIMER)]
    assert [e.actor for e in read_case(store, 1).events] == ["cli:ann", "cli:max", TIMER]


def test_cases_the_top_keeps_do_not_hide_the_others_from_the_sweep(store):
    opened(store, "the oldest refund")
    for case_id in (2, 3):  # newer cases, taken to the top by hand: overdue for ever, and nobody above
        opened(store, f"refund number {case_id}")
        escalate(store, case_id, actor="cli:max", now=T0)
        escalate(store, case_id, actor="cli:mia", now=T0)
    later = T0 + timedelta(hours=5)
    assert [c.id for c in find_cases(store, now=later, overdue=True)] == [3, 2, 1]  # still listed as overdue
    moved = sweep(store, now=later, limit=2)  # reads two: the newest overdue were the stuck ones
    assert [(i, e.level) for i, e in moved] == [(1, 1), (1, 2)]
    assert sweep(store, now=later, limit=2) == []


# -- actions --------------------------------------------------------------------------------


def test_notes_escalation_resolution_and_reopening_are_events(store):
    opened(store)
    add_note(store, 1, "asked for the order number", actor="tok:agent", now=T0 + MIN)
    escalate(store, 1, actor="cli:max", now=T0 + 2 * MIN, note="needs a manager")
    case = escalate(store, 1, actor="cli:mia", now=T0 + 3 * MIN)
    assert case.handler_ids == ("p-cora",) and case.respond_by == T0 + 63 * MIN
    with pytest.raises(AtTheTop, match="already with the top of its chain, Cora Chen"):
        escalate(store, 1, actor="cli:cora", now=T0 + 4 * MIN)
    resolve(store, 1, actor="cli:cora", now=T0 + 5 * MIN, note="refunded")
    for action in (
        lambda: add_note(store, 1, "more", actor="x", now=T0),
        lambda: acknowledge(store, 1, actor="x", now=T0),
        lambda: escalate(store, 1, actor="x", now=T0),
        lambda: hand_off(store, 1, "sales enquiry", actor="x", now=T0),
    ):
        with pytest.raises(ActionOnResolved, match=r"case 1 is resolved, so it cannot be .*; reopen it first"):
            action()
    case = reopen(store, 1, actor="cli:jo", now=T0 + timedelta(days=1))
    assert (case.status, case.respond_by) == (CaseStatus.OPEN, T0 + timedelta(days=1, minutes=30))
    with pytest.raises(NotResolved):
        reopen(store, 1, actor="cli:jo", now=T0)
    kinds = [e.kind.value for e in read_case(store, 1).events]
    assert kinds == ["opened", "noted", "escalated", "escalated", "resolved", "reopened"]


def test_a_hand_off_reroutes_and_keeps_the_history(store):
    opened(store)
    add_note(store, 1, "they want to buy more", actor="cli:max", now=T0 + MIN)
    case = hand_off(store, 1, "person:p-bob", actor="cli:max", now=T0 + 2 * MIN, note="Bob knows")
    assert (case.handler_ids, case.chain_ids, case.level) == (("p-bob",), ("p-bob", "p-sue", "p-omar", "p-cora"), 0)
    case = hand_off(store, 1, "sales enquiry", actor="cli:bob", now=T0 + 3 * MIN)
    assert (case.issue_type_id, case.respond_by) == ("it-sales", None)
    assert [e.kind.value for e in case.events] == ["opened", "noted", "handed_off", "handed_off"]
    assert case.events[2].from_ids == ("p-max",) and case.events[2].to_ids == ("p-bob",)


@pytest.mark.parametrize(
    ("to", "error", "text"),
    [
        ("", HandOffToNobody, "cannot hand off to nobody"),
        ("person:p-nobdy", UnknownPerson, "unknown person 'p-nobdy'"),
        ("team:x", HandOffToNobody, "not an issue type nor a reference"),
        ("department:d-nope", HandOffToNobody, "there is no department 'd-nope'"),
        ("refnd", UnknownIssueType, "did you mean 'Refund'"),
    ],
)
def test_a_hand_off_to_nobody_is_refused_and_changes_nothing(store, to, error, text):
    before = opened(store)
    with pytest.raises(error, match=text):
        hand_off(store, 1, to, actor="cli:max", now=T0)
    assert read_case(store, 1) == before


def test_unknown_cases_and_lists(store):
    with pytest.raises(UnknownCase, match="unknown case '7'"):
        read_case(store, 7)
    opened(store)
    opened(store, "pricing please", issue_type="sales enquiry")
    assert [c.id for c in find_cases(store, now=T0)] == [2, 1]
    assert [c.id for c in find_cases(store, now=T0 + 30 * MIN, overdue=True)] == [1]
    assert [c.id for c in find_cases(store, now=T0, status=CaseStatus.OPEN, first=1, offset=1)] == [1]
    assert find_cases(store, now=T0, account="acme-t2") == []
    with pytest.raises(UnknownAccount):
        find_cases(store, now=T0, account="@AcmeHlp")
