"""Cases, continued (issue #14): the filters, the customer's personal data, and cases that follow a load.

Every test runs on both backends (the fixtures of ``test_cases``), which must give the same answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from buckstop.graph.cases import TIMER, CaseStatus, EventKind
from buckstop.graph.errors import UnknownPerson
from buckstop.loaders import apply_bundle
from buckstop.queries.case_data import BlankCustomer, changes_with_cases, customer_ref, export, forget, purge
from buckstop.queries.cases import acknowledge, book_of, escalate, find_cases, hand_off, open_case, read_case, resolve

from tests.queries.test_cases import MIN, T0, backend, cases_org, opened, store  # noqa: F401  (fixtures)

DAY = timedelta(days=1)


def test_cases_are_found_by_handler_and_customer(store):  # noqa: F811
    opened(store)  # with Max
    open_case(store, "@AcmeHelp", "pricing please", issue_type="sales enquiry", actor="x", now=T0, customer="@al")
    escalate(store, 1, actor="cli:max", now=T0)  # now with Mia
    assert [c.id for c in find_cases(store, now=T0, handler="p-mia")] == [1]
    assert [c.id for c in find_cases(store, now=T0, handler="Mia Moreau")] == [1]  # by name, as elsewhere
    assert [c.id for c in find_cases(store, now=T0, handler="p-max")] == [2]  # whom it is with now, not before
    assert [c.id for c in find_cases(store, now=T0, customer="@al")] == [2]
    assert [c.id for c in find_cases(store, now=T0, customer=" @jo ", handler="p-mia")] == [1]
    assert find_cases(store, now=T0, customer="@nobody") == []
    with pytest.raises(UnknownPerson, match="unknown person 'p-mai'"):
        find_cases(store, now=T0, handler="p-mai")


def test_retention_purges_resolved_cases_older_than_it_and_logs_the_count(store):  # noqa: F811
    for n in range(3):
        opened(store, f"refund number {n}")
    resolve(store, 1, actor="cli:max", now=T0 + MIN)
    resolve(store, 2, actor="cli:max", now=T0 + 5 * DAY)
    assert purge(store, days=30, actor=TIMER, now=T0 + 20 * DAY) == 0
    assert [c.kind for c in changes_with_cases(store)] == ["load"]  # nothing went: no line
    assert purge(store, days=30, actor=TIMER, now=T0 + 31 * DAY) == 1
    assert [c.id for c in book_of(store).find()] == [3, 2]  # the open one is kept however old
    line = changes_with_cases(store)[0]
    assert (line.kind, line.actor, line.records) == ("cases", TIMER, 1)
    assert line.summary == "purged 1 case resolved more than 30 days ago (retention)"
    assert book_of(store).get(1) is None


def test_a_customers_data_is_exported_then_forgotten_and_the_log_never_names_them(store):  # noqa: F811
    opened(store)
    opened(store, "and my other order")
    open_case(store, "@AcmeHelp", "refund", actor="x", now=T0, customer="@al")
    acknowledge(store, 1, actor="cli:max", now=T0 + MIN, note="on it")
    now = datetime.now(UTC)  # after the load, which the log lists with them
    held = export(store, "@jo", actor="cli:dpo", now=now)
    assert [(c.id, c.customer, len(c.events)) for c in held] == [(2, "@jo", 1), (1, "@jo", 2)]
    assert forget(store, "@jo", actor="cli:dpo", now=now + MIN) == 2
    assert find_cases(store, now=T0, customer="@jo") == [] and book_of(store).get(1) is None
    assert [c.customer for c in book_of(store).find()] == ["@al"]
    forgot, exported = changes_with_cases(store)[:2]
    assert forgot.summary == f"forgot {customer_ref('@jo')}: 2 cases" and forgot.records == 2
    assert exported.summary == f"exported 2 cases of {customer_ref('@jo')}"
    assert all("@jo" not in c.summary for c in changes_with_cases(store))
    with pytest.raises(BlankCustomer):
        forget(store, "  ", actor="cli:dpo", now=T0)
    assert len(book_of(store).find()) == 1


@pytest.fixture
def load(request, store, backend, tmp_path):  # noqa: F811
    """Load another org into ``store``: every load is followed by the cases."""
    count = 0

    def loading(org):
        nonlocal count
        count += 1
        apply_bundle(store, org.write(tmp_path / f"load{count}"))

    yield loading
    if backend == "neo4j" and count:
        request.getfixturevalue("neo4j_server").holds = None  # the next test loads its own org again


def test_a_load_that_makes_the_handler_a_leaver_reassigns_the_case(store, load):  # noqa: F811
    opened(store)  # with Max, who holds role-social, @AcmeHelp's escalation contact
    acknowledge(store, 1, actor="cli:max", now=T0 + MIN)
    opened(store, "pricing please", issue_type="sales enquiry")
    load(cases_org().change("people.csv", "p-max", status="left"))
    case = read_case(store, 1)
    event = case.events[-1]
    assert (event.kind, event.actor, event.from_ids) == (EventKind.REASSIGNED, TIMER, ("p-max",))
    assert "Max Müller (p-max) left" in event.note
    assert case.handler_ids == event.to_ids and "p-max" not in case.handler_ids and case.level == 0
    assert case.chain_ids[0] == case.handler_ids[0]
    # Its new handlers have not acknowledged it: open again, with Support's 30 minutes from the move.
    assert case.status is CaseStatus.OPEN and case.respond_by == event.at + 30 * MIN
    assert read_case(store, 2).events[-1].kind is EventKind.REASSIGNED
    before = [len(read_case(store, n).events) for n in (1, 2)]
    load(cases_org().change("people.csv", "p-max", status="left"))
    assert [len(read_case(store, n).events) for n in (1, 2)] == before  # nothing changed: nothing moves


def test_an_absent_handler_hands_over_to_the_delegate_and_a_resolved_case_stays(store, load):  # noqa: F811
    opened(store)
    opened(store, "another refund")
    resolve(store, 2, actor="cli:max", now=T0)
    today = datetime.now(UTC).date()
    away = cases_org().absence("p-max", today - timedelta(days=1), today + timedelta(days=9), delegate="p-ann")
    load(away)
    case = read_case(store, 1)
    assert case.handler_ids == ("p-ann",) and "Max Müller (p-max) is away" in case.events[-1].note
    assert [e.kind for e in read_case(store, 2).events][-1] is EventKind.RESOLVED


def test_an_escalated_case_moves_up_when_its_handler_leaves(store, load):  # noqa: F811
    opened(store)
    escalate(store, 1, actor="cli:max", now=T0)  # level 1: Mia
    load(cases_org().change("people.csv", "p-mia", status="left"))
    case = read_case(store, 1)
    assert case.events[-1].kind is EventKind.REASSIGNED and "Mia Moreau (p-mia) left" in case.events[-1].note
    assert "p-mia" not in case.handler_ids and case.handler_ids == (case.chain_ids[case.level],)


def test_a_case_handed_off_to_a_person_stays_with_them_until_they_leave(store, load):  # noqa: F811
    opened(store)
    hand_off(store, 1, "person:p-bob", actor="cli:max", now=T0)
    load(cases_org().change("people.csv", "p-max", status="left"))
    assert read_case(store, 1).handler_ids == ("p-bob",)  # not the route's answer, but whom it was handed to
    load(cases_org().change("people.csv", "p-bob", status="left"))
    case = read_case(store, 1)
    # The leaver rule of routing: a person who left is answered for by their manager.
    assert case.events[-1].kind is EventKind.REASSIGNED and case.handler_ids == ("p-sue",)
