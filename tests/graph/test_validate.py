"""Whole-org integrity: every problem a change must not bring into a store."""

from __future__ import annotations

from datetime import date

import pytest

from buckstop.graph import BundleRefused, ChangeSet, Org
from buckstop.graph.model import Absence, Account, Department, IssueType, Kind, Person, Ref, Role, Rule, Source
from buckstop.graph.validate import check, check_changes, require_valid


def src(row: int, file: str = "people.csv") -> Source:
    return Source(file, row)


def messages(org: Org) -> list[str]:
    return [str(p) for p in check(org)]


def test_a_sound_org_has_no_problems():
    org = Org(
        [
            Department("d", "D", head_id="p1"),
            Person("p1", "A", department_id="d"),
            Person("p2", "B", manager_id="p1"),
            IssueType("it", "Support"),
            Rule("r", "it", Ref(Kind.PERSON, "p2"), scope=Ref(Kind.DEPARTMENT, "d")),
        ]
    )
    assert check(org) == []


def test_unknown_references_are_located_by_file_row_and_column():
    org = Org(
        [
            Person("p1", "A", manager_id="p-ghost", department_id="d-ghost", source=src(2)),
            Role("r1", "R", holder_ids=("p1", "p-x", "p-y"), source=src(3, "roles.csv")),
        ]
    )
    assert messages(org) == [
        "roles.csv:3 [holder_ids]: unknown person 'p-x'",
        "roles.csv:3 [holder_ids]: unknown person 'p-y'",
        "people.csv:2 [department_id]: unknown department 'd-ghost'",
        "people.csv:2 [manager_id]: unknown person 'p-ghost'",
    ]


def test_unknown_and_misplaced_open_references():
    org = Org(
        [
            IssueType("it", "Support"),
            Rule("r1", "it", Ref(Kind.ROLE, "role-ghost"), source=src(2, "routing.csv")),
            Rule("r2", "it", Ref(Kind.AGENCY, "ag"), scope=Ref(Kind.ACCOUNT, "a"), source=src(3, "routing.csv")),
        ]
    )
    assert messages(org) == [
        "routing.csv:2 [target]: unknown role 'role-ghost'",
        "routing.csv:3 [scope]: unknown account 'a'",
        "routing.csv:3 [target]: agency:ag is not allowed here; expected department:ID or person:ID or role:ID",
    ]


def test_records_without_a_source_are_located_by_kind():
    (problem,) = check(Org([Person("p1", "A", manager_id="p-ghost")]))
    assert (problem.file, problem.row, problem.column) == ("persons", None, "manager_id")


def test_reporting_to_oneself_is_refused():
    assert messages(Org([Person("p1", "A", manager_id="p1", source=src(2))])) == [
        "people.csv:2 [manager_id]: 'p1' cannot report to themselves"
    ]


def test_a_reporting_cycle_is_reported_once_with_every_member_in_order():
    org = Org(
        [
            Person("p-c", "C", manager_id="p-a", source=src(4)),
            Person("p-a", "A", manager_id="p-b", source=src(2)),
            Person("p-b", "B", manager_id="p-c", source=src(3)),
            Person("p-d", "D", manager_id="p-c", source=src(5)),  # hangs off the cycle, not in it
        ]
    )
    assert messages(org) == ["people.csv:2 [manager_id]: reporting cycle: p-a → p-b → p-c → p-a"]


def test_department_and_issue_type_cycles_are_refused():
    org = Org(
        [
            Department("d-1", "One", parent_id="d-2", source=src(2, "departments.csv")),
            Department("d-2", "Two", parent_id="d-1", source=src(3, "departments.csv")),
            IssueType("it-1", "One", parent_id="it-2", source=src(2, "issue_types.csv")),
            IssueType("it-2", "Two", parent_id="it-1", source=src(3, "issue_types.csv")),
        ]
    )
    assert messages(org) == [
        "departments.csv:2 [parent_id]: department cycle: d-1 → d-2 → d-1",
        "issue_types.csv:2 [parent_id]: issue type cycle: it-1 → it-2 → it-1",
    ]


def test_a_department_or_issue_type_cannot_be_its_own_parent():
    org = Org(
        [
            Department("d-1", "One", parent_id="d-1", source=src(2, "departments.csv")),
            IssueType("it-1", "One", parent_id="it-1", source=src(2, "issue_types.csv")),
        ]
    )
    assert messages(org) == [
        "departments.csv:2 [parent_id]: department cycle: d-1 → d-1",
        "issue_types.csv:2 [parent_id]: issue type cycle: it-1 → it-1",
    ]


def test_two_rules_for_the_same_issue_type_and_scope_are_ambiguous_naming_both():
    org = Org(
        [
            Person("p1", "A"),
            Department("d", "D"),
            IssueType("it", "Support"),
            Rule("r-b", "it", Ref(Kind.PERSON, "p1"), source=src(3, "routing.csv")),
            Rule("r-a", "it", Ref(Kind.DEPARTMENT, "d"), source=src(2, "routing.csv")),
            Rule("r-c", "it", Ref(Kind.PERSON, "p1"), scope=Ref(Kind.DEPARTMENT, "d"), source=src(4, "routing.csv")),
            Rule("r-d", "it", Ref(Kind.PERSON, "p1"), scope=Ref(Kind.DEPARTMENT, "d"), source=src(5, "routing.csv")),
        ]
    )
    assert messages(org) == [
        "routing.csv:3 [scope]: ambiguous rules 'r-a' and 'r-b': both route 'it' for organization; keep one",
        "routing.csv:5 [scope]: ambiguous rules 'r-c' and 'r-d': both route 'it' for department:d; keep one",
    ]


def test_rules_for_different_scopes_or_issue_types_are_not_ambiguous():
    org = Org(
        [
            Person("p1", "A"),
            Department("d", "D"),
            IssueType("it", "Support"),
            IssueType("it-2", "Billing", parent_id="it"),
            Rule("r-1", "it", Ref(Kind.PERSON, "p1")),
            Rule("r-2", "it", Ref(Kind.PERSON, "p1"), scope=Ref(Kind.DEPARTMENT, "d")),
            Rule("r-3", "it-2", Ref(Kind.PERSON, "p1")),
        ]
    )
    assert check(org) == []


def test_issue_type_names_and_synonyms_must_name_one_issue_type():
    org = Org(
        [
            IssueType("it-billing", "Billing", synonyms=("payment",), source=src(2, "issue_types.csv")),
            IssueType("it-pay", "Paiement", synonyms=("PAYMENT", "billing"), source=src(3, "issue_types.csv")),
        ]
    )
    assert messages(org) == [
        "issue_types.csv:3 [synonyms]: 'PAYMENT' already names issue type 'it-billing'; names must be unique",
        "issue_types.csv:3 [synonyms]: 'billing' already names issue type 'it-billing'; names must be unique",
    ]


@pytest.mark.parametrize("handle", ["@ACMEHELP", "AcmeHelp"])
def test_a_handle_names_one_account_per_platform(handle):
    org = Org(
        [
            Account("acc-1", "twitter", "@AcmeHelp", "One", source=src(2, "accounts.csv")),
            Account("acc-2", "Twitter", handle, "Two", source=src(3, "accounts.csv")),
            Account("acc-3", "facebook", "@AcmeHelp", "Three", source=src(4, "accounts.csv")),
        ]
    )
    assert messages(org) == [f"accounts.csv:3 [handle]: Twitter handle {handle!r} is also 'acc-1'"]


def test_absence_problems():
    org = Org(
        [
            Person("p1", "A"),
            Absence("p1", date(2026, 11, 27), date(2026, 11, 20), source=src(2, "absences.csv")),
            Absence("p1", date(2026, 12, 1), date(2026, 12, 2), delegate_id="p1", source=src(3, "absences.csv")),
        ]
    )
    assert messages(org) == [
        "absences.csv:2 [ends]: ends 2026-11-20 before it starts 2026-11-27",
        "absences.csv:3 [delegate_id]: 'p1' cannot delegate to themselves",
    ]


def test_duplicate_ids_in_a_change_set_name_the_first_row():
    changes = ChangeSet.of(
        [
            Person("p1", "A", source=src(2)),
            Person("p1", "B", source=src(5)),
            Absence("p1", date(2026, 1, 1), date(2026, 1, 2), source=src(2, "absences.csv")),
            Absence("p1", date(2026, 1, 1), date(2026, 1, 9), source=src(3, "absences.csv")),
        ]
    )
    _, problems = check_changes(Org(), changes)
    assert [str(p) for p in problems] == [
        "people.csv:5 [id]: duplicate person id 'p1' (first at row 2)",
        "absences.csv:3 [person_id]: duplicate absence id 'p1@2026-01-01' (first at row 2)",
    ]


def test_changes_are_checked_against_the_kinds_they_keep():
    current = Org([Department("d", "D", head_id="p1"), Person("p1", "A")], version=3)
    _, problems = check_changes(current, ChangeSet.of([Person("p2", "B")]))
    assert [str(p) for p in problems] == ["departments [head_id]: unknown person 'p1'"]


def test_require_valid_returns_the_merged_org_or_refuses_with_every_problem():
    current = Org([Person("p1", "A")], version=3)
    merged = require_valid(current, ChangeSet.of([Department("d", "D", head_id="p1")]))
    assert merged.version == 4 and set(merged.departments) == {"d"}
    with pytest.raises(BundleRefused) as caught:
        require_valid(current, ChangeSet.of([Department("d", "D", head_id="p-x", parent_id="d-x")]))
    assert len(caught.value.problems) == 2
