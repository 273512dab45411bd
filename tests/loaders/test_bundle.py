"""The org bundle: a folder of CSV files in, one change set applied whole (or every problem out)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from buckstop import seed
from buckstop.graph import BundleRefused, Kind
from buckstop.graph.model import (
    Absence,
    Account,
    Agency,
    Department,
    IssueType,
    Person,
    Ref,
    Role,
    Rule,
    Source,
    Status,
)
from buckstop.loaders import FILES, apply_bundle, read_bundle
from buckstop.queries import route

from tests.orgs import DAY, HEADERS, OrgBuilder, acme, ids, write_csv


def full_org() -> OrgBuilder:
    """Acme with something in all eight files."""
    org = acme().rule("r-billing", "it-billing", "organization", "role:role-billing")
    return org.absence("p-ann", date(2026, 11, 20), date(2026, 11, 27), delegate="p-dan")


def refusal(store, folder) -> list[str]:
    """The problems of refusing ``folder``, as ``file:row [column]: message`` lines."""
    with pytest.raises(BundleRefused) as caught:
        apply_bundle(store, folder)
    return [str(p) for p in caught.value.problems]


def refusal_of(tmp_path, org: OrgBuilder, open_store) -> list[str]:
    return refusal(open_store(), org.write(tmp_path / "bundle"))


# -- reading -----------------------------------------------------------------------------


def test_every_one_of_the_eight_files_is_read(tmp_path):
    bundle = read_bundle(full_org().write(tmp_path / "bundle"))
    assert bundle.problems == []
    assert set(FILES) == set(HEADERS)
    counts = {kind: len(records) for kind, records in bundle.changes.records.items()}
    assert counts == {
        Kind.DEPARTMENT: 5,
        Kind.PERSON: 9,
        Kind.ROLE: 3,
        Kind.AGENCY: 1,
        Kind.ACCOUNT: 4,
        Kind.ISSUE_TYPE: 5,
        Kind.RULE: 1,
        Kind.ABSENCE: 1,
    }
    assert bundle.notes == ["people.csv: read as the generic people format"]


def test_each_file_becomes_records_of_its_kind(tmp_path):
    records = read_bundle(full_org().write(tmp_path / "bundle")).changes.records
    first = {kind: items[0] for kind, items in records.items()}
    assert first[Kind.DEPARTMENT] == Department("d-acme", "Acme", head_id="p-cora")
    assert first[Kind.PERSON] == Person(
        "p-cora", "Cora Chen", email="cora@acme.example", title="CEO", department_id="d-acme", public=True
    )
    assert first[Kind.ROLE] == Role("role-billing", "Billing Specialist", "d-support", ("p-bob", "p-ann"))
    assert first[Kind.AGENCY] == Agency("ag-bright", "Brightside Social", "p-mia")
    assert first[Kind.ACCOUNT] == Account(
        "acc-help",
        "twitter",
        "@AcmeHelp",
        "@AcmeHelp",  # no name: the handle stands in
        owner_department_id="d-support",
        operated_by=Ref(Kind.DEPARTMENT, "d-support"),
        escalation_contact=Ref(Kind.ROLE, "role-social"),
    )
    assert first[Kind.ISSUE_TYPE] == IssueType("it-support", "Support", synonyms=("help", "question"))
    assert first[Kind.RULE] == Rule("r-billing", "it-billing", Ref(Kind.ROLE, "role-billing"))
    assert first[Kind.ABSENCE] == Absence("p-ann", date(2026, 11, 20), date(2026, 11, 27), delegate_id="p-dan")
    assert first[Kind.ABSENCE].source == Source("absences.csv", 2)


@pytest.mark.parametrize("scope", ["organization", "organisation", "Org"])
def test_the_organisation_scope_may_be_spelled_either_way(tmp_path, scope):
    org = acme().rule("r-1", "it-billing", scope, "person:p-ann")
    (rule,) = read_bundle(org.write(tmp_path / "bundle")).changes.records[Kind.RULE]
    assert rule.scope is None


def test_file_names_ignore_case_and_other_files_are_ignored(tmp_path):
    folder = tmp_path / "bundle"
    write_csv(folder / "People.CSV", ["id", "name"], [["p1", "Ann"]])
    (folder / "README.md").write_text("notes for HR")
    bundle = read_bundle(folder)
    assert bundle.problems == []
    assert [p.id for p in bundle.changes.records[Kind.PERSON]] == ["p1"]


# -- applying ----------------------------------------------------------------------------


def test_apply_bundle_loads_the_org_whole(tmp_path, open_store):
    store = open_store()
    bundle, applied = apply_bundle(store, full_org().write(tmp_path / "bundle"), actor="hr")
    assert applied.version == 1
    assert applied.records == len(bundle.changes) == 29
    assert ids(route(store, "@AcmeHelp", "billing", on=DAY).handlers) == ["p-bob", "p-dan"]


def test_a_bundle_with_some_files_replaces_only_those_kinds(tmp_path, open_store):
    store = open_store()
    apply_bundle(store, full_org().write(tmp_path / "all"))
    before = store.read()
    update = (
        full_org()
        .change("people.csv", "p-dan", name="Dan Díaz")
        .change("routing.csv", "r-billing", target="person:p-dan")
    )
    apply_bundle(store, update.write(tmp_path / "update", files=["people.csv", "routing.csv"]))
    after = store.read()
    assert after.people["p-dan"].name == "Dan Díaz"
    assert after.rules["r-billing"].target == Ref(Kind.PERSON, "p-dan")
    for kind in (Kind.DEPARTMENT, Kind.ROLE, Kind.AGENCY, Kind.ACCOUNT, Kind.ISSUE_TYPE, Kind.ABSENCE):
        assert after.of_kind(kind) == before.of_kind(kind)


def test_a_file_with_only_its_header_empties_its_kind(tmp_path, open_store):
    store = open_store()
    apply_bundle(store, full_org().write(tmp_path / "all"))
    apply_bundle(store, OrgBuilder().write(tmp_path / "clear", files=["absences.csv"]))
    assert not store.read().absences
    assert store.read().rules


def test_dry_run_checks_everything_and_changes_nothing(tmp_path, open_store):
    store = open_store()
    apply_bundle(store, acme().write(tmp_path / "first"))
    bundle, applied = apply_bundle(store, full_org().write(tmp_path / "second"), dry_run=True)
    assert applied is None
    assert len(bundle.changes) == 29
    assert store.read().version == 1 and not store.read().rules


def test_dry_run_of_a_bad_bundle_is_refused(tmp_path, open_store):
    store = open_store()
    bad = acme().change("people.csv", "p-ann", manager_id="p-ghost").write(tmp_path / "bad")
    with pytest.raises(BundleRefused, match="unknown person 'p-ghost'"):
        apply_bundle(store, bad, dry_run=True)


def test_a_refused_bundle_changes_nothing_even_after_reopening(tmp_path, open_store):
    store = open_store()
    apply_bundle(store, full_org().write(tmp_path / "good"))
    before = store.read()
    bad = full_org().change("routing.csv", "r-billing", target="person:p-dan").person("p-new", "New", manager="p-x")
    assert refusal(store, bad.write(tmp_path / "bad")) == ["people.csv:11 [manager_id]: unknown person 'p-x'"]
    assert store.read() is before and before.version == 1
    store.close()
    reopened = open_store()
    assert reopened.read().version == 1
    assert {k: dict(reopened.read().of_kind(k)) for k in Kind} == {k: dict(before.of_kind(k)) for k in Kind}
    assert ids(route(reopened, "@AcmeHelp", "billing", on=DAY).handlers) == ["p-bob", "p-dan"]


# -- every problem, located --------------------------------------------------------------


def test_every_problem_of_a_bundle_is_reported_at_once(tmp_path, open_store):
    org = full_org()
    org.change("people.csv", "p-ann", status="on leave")
    org.change("people.csv", "p-bob", public="maybe")
    org.change("people.csv", "p-max", manager_id="p-ghost")
    org.person("p-mia", "Mia Again")
    org.change("people.csv", "p-omar", manager_id="p-dan")
    org.change("departments.csv", "d-ops", parent_id="d-tier2")
    org.rule("r-billing-2", "it-billing", "organization", "person:p-bob")
    org.rule("r-bad", "it-refund", "team:x", "agency:ag-bright")
    org.absence("p-bob", date(2026, 11, 30), date(2026, 11, 20))
    org.absence("p-dan", "23/11/2026", date(2026, 11, 30))
    folder = org.write(tmp_path / "bundle")
    write_csv(folder / "agencies.csv", ["id", "name", "owner"], [["ag-bright", "Brightside", "p-mia"]])
    write_csv(folder / "peple.csv", ["id"])
    assert refusal(open_store(), folder) == [
        "absences.csv:3 [ends]: ends 2026-11-20 before it starts 2026-11-30",
        "absences.csv:4 [starts]: '23/11/2026' is not an ISO date such as 2026-12-31",
        "agencies.csv:1 [owner]: unknown column; expected id, name, contract_owner_id",
        "departments.csv:3 [parent_id]: department cycle: d-ops → d-tier2 → d-support → d-ops",
        "people.csv:5 [status]: 'on leave' is not a status; expected active, absent or left",
        "people.csv:6 [public]: 'maybe' is not true or false",
        "people.csv:8 [manager_id]: reporting cycle: p-dan → p-sue → p-omar → p-dan",
        "people.csv:10 [manager_id]: unknown person 'p-ghost'",
        "people.csv:11 [id]: duplicate person id 'p-mia' (first at row 9)",
        "peple.csv: is not a bundle file; did you mean people.csv?",
        "routing.csv:3 [scope]: ambiguous rules 'r-billing' and 'r-billing-2': both route 'it-billing' for "
        "organization; keep one",
        "routing.csv:4 [scope]: 'team:x' is not a reference; expected account:ID or department:ID",
        "routing.csv:4 [target]: 'agency:ag-bright' has kind 'agency'; expected role:ID or department:ID or person:ID",
    ]


def test_unknown_references(tmp_path, open_store):
    org = (
        acme()
        .change("roles.csv", "role-social", holder_ids="p-max;p-nobody")
        .rule("r", "it-nope", "organization", "person:p-ann")
    )
    assert refusal_of(tmp_path, org, open_store) == [
        "roles.csv:3 [holder_ids]: unknown person 'p-nobody'",
        "routing.csv:2 [issue_type_id]: unknown issue type 'it-nope'",
    ]


def test_references_to_kinds_the_bundle_does_not_replace_are_checked_against_the_store(tmp_path, open_store):
    store = open_store()
    apply_bundle(store, acme().write(tmp_path / "first"))
    rules = (
        acme()
        .rule("r-1", "it-billing", "account:acc-help", "person:p-ann")
        .rule("r-2", "it-billing", "organization", "role:role-gone")
    )
    assert refusal(store, rules.write(tmp_path / "rules", files=["routing.csv"])) == [
        "routing.csv:3 [target]: unknown role 'role-gone'"
    ]


def test_duplicate_ids(tmp_path, open_store):
    org = acme().department("d-mkt", "Marketing again")
    assert refusal_of(tmp_path, org, open_store) == [
        "departments.csv:7 [id]: duplicate department id 'd-mkt' (first at row 6)"
    ]


def test_reporting_cycles_name_every_member(tmp_path, open_store):
    org = acme().change("people.csv", "p-cora", manager_id="p-ann")
    assert refusal_of(tmp_path, org, open_store) == [
        "people.csv:5 [manager_id]: reporting cycle: p-ann → p-sue → p-omar → p-cora → p-ann"
    ]


def test_department_cycles_name_every_member(tmp_path, open_store):
    org = acme().change("departments.csv", "d-acme", parent_id="d-mkt")
    assert refusal_of(tmp_path, org, open_store) == [
        "departments.csv:2 [parent_id]: department cycle: d-acme → d-mkt → d-acme"
    ]


def test_ambiguous_rules_name_both_rules(tmp_path, open_store):
    org = acme().rule("r-b", "it-refund", "department:d-support", "person:p-ann")
    org.rule("r-a", "it-refund", "department:d-support", "person:p-bob")
    assert refusal_of(tmp_path, org, open_store) == [
        "routing.csv:2 [scope]: ambiguous rules 'r-a' and 'r-b': both route 'it-refund' for department:d-support; "
        "keep one"
    ]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("status", "retired", "'retired' is not a status; expected active, absent or left"),
        ("public", "sometimes", "'sometimes' is not true or false"),
    ],
)
def test_bad_people_values(tmp_path, open_store, column, value, message):
    org = acme().change("people.csv", "p-bob", **{column: value})
    assert refusal_of(tmp_path, org, open_store) == [f"people.csv:6 [{column}]: {message}"]


def test_issue_types_read_their_durations(tmp_path):
    org = acme().change("issue_types.csv", "it-support", respond_within="4h", escalate_every="1d12h")
    issue = read_bundle(org.write(tmp_path / "bundle")).changes.records[Kind.ISSUE_TYPE][0]
    assert (issue.respond_within, issue.escalate_every) == (timedelta(hours=4), timedelta(days=1, hours=12))


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("respond_within", "soon", "'soon' is not a duration; write it as 30m, 4h, 2d or 1d12h (m, h, d, w)"),
        ("escalate_every", "0m", "'0m' is no time at all; give a duration above zero such as 30m"),
    ],
)
def test_a_duration_that_does_not_parse_is_refused(tmp_path, open_store, column, value, message):
    org = acme().change("issue_types.csv", "it-billing", **{column: value})
    assert refusal_of(tmp_path, org, open_store) == [f"issue_types.csv:3 [{column}]: {message}"]


@pytest.mark.parametrize(
    ("starts", "ends", "problem"),
    [
        ("2026-11-31", "2026-12-02", "[starts]: '2026-11-31' is not an ISO date such as 2026-12-31"),
        ("2026-11-20", "next week", "[ends]: 'next week' is not an ISO date such as 2026-12-31"),
        ("2026-11-20", "", "[ends]: is required (an ISO date such as 2026-12-31)"),
        ("2026-11-20", "2026-11-19", "[ends]: ends 2026-11-19 before it starts 2026-11-20"),
    ],
)
def test_bad_absence_dates(tmp_path, open_store, starts, ends, problem):
    org = acme().absence("p-ann", starts, ends)
    assert refusal_of(tmp_path, org, open_store) == [f"absences.csv:2 {problem}"]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("operated_by", "ag-bright", "'ag-bright' is not a reference; expected agency:ID or department:ID"),
        (
            "operated_by",
            "vendor:ag-bright",
            "'vendor:ag-bright' is not a reference; expected agency:ID or department:ID",
        ),
        (
            "escalation_contact",
            "department:d-mkt",
            "'department:d-mkt' has kind 'department'; expected person:ID or role:ID",
        ),
    ],
)
def test_bad_kind_id_references(tmp_path, open_store, column, value, message):
    org = acme().change("accounts.csv", "acc-deals", **{column: value})
    assert refusal_of(tmp_path, org, open_store) == [f"accounts.csv:3 [{column}]: {message}"]


def test_missing_rule_cells(tmp_path, open_store):
    org = acme().rule("r-1", "", "", "")
    assert refusal_of(tmp_path, org, open_store) == [
        "routing.csv:2 [issue_type_id]: is required",
        "routing.csv:2 [scope]: is required: account:ID, department:ID or organization",
        "routing.csv:2 [target]: is required: role:ID, department:ID or person:ID",
    ]


def test_missing_and_unknown_columns(tmp_path, open_store):
    folder = acme().write(tmp_path / "bundle")
    write_csv(folder / "issue_types.csv", ["id", "parent_id", "synonym"], [["it-1", "", "x"]])
    assert refusal(open_store(), folder)[:2] == [
        "issue_types.csv:1 [name]: missing column",
        "issue_types.csv:1 [synonym]: unknown column; expected id, name, parent_id, synonyms, examples, "
        "respond_within, escalate_every",
    ]


def test_a_people_file_without_id_and_name_is_missing_columns(tmp_path, open_store):
    folder = tmp_path / "bundle"
    write_csv(folder / "people.csv", ["employee", "full name"], [["p1", "Ann"]])
    assert refusal(open_store(), folder) == [
        "people.csv:1: is not a people format we recognise (BambooHR, Workday, Google Workspace, Rippling, "
        "Personio, Entra ID, or ours); add columns.csv (field,column) to say which column holds what",
        "people.csv:1 [employee]: unknown column; expected id, name, email, title, department_id, manager_id, status, "
        "public, phone, location, effective_date",
        "people.csv:1 [full name]: unknown column; expected id, name, email, title, department_id, manager_id, "
        "status, public, phone, location, effective_date",
        "people.csv:1 [id]: missing column",
        "people.csv:1 [name]: missing column",
    ]


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("peoples.csv", "did you mean people.csv?"),
        ("absence.csv", "did you mean absences.csv?"),
        ("staff.csv", "expected"),
    ],
)
def test_unknown_file_names_are_refused_with_a_suggestion(tmp_path, open_store, name, hint):
    folder = acme().write(tmp_path / "bundle")
    write_csv(folder / name, ["id"])
    (problem,) = refusal(open_store(), folder)
    assert problem.startswith(f"{name}: is not a bundle file; ")
    assert hint in problem


def test_an_empty_folder_is_refused(tmp_path, open_store):
    (tmp_path / "empty").mkdir()
    (problem,) = refusal(open_store(), tmp_path / "empty")
    assert problem.endswith("empty: holds no bundle files; expected " + ", ".join(FILES))


def test_a_missing_folder_is_refused(tmp_path, open_store):
    (problem,) = refusal(open_store(), tmp_path / "nowhere")
    assert problem.endswith("nowhere: no such file or folder")


def test_an_empty_path_is_refused_not_read_as_this_folder(tmp_path, open_store, monkeypatch):
    monkeypatch.chdir(seed.FOLDER)  # a folder holding a whole bundle: "" must not load it
    (problem,) = refusal(open_store(), "")
    assert problem == "'': is an empty path; name a folder or a file"


def test_a_workbook_saved_as_csv_name_is_refused_with_the_fix(tmp_path, open_store):
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "people.csv").write_bytes(b"PK\x03\x04" + bytes(range(256)))
    assert refusal(open_store(), folder) == [
        "people.csv: is an Excel workbook, not CSV; in Excel use Save As › CSV UTF-8 and load that"
    ]


def test_an_empty_file_is_refused(tmp_path, open_store):
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "departments.csv").write_text("")
    assert refusal(open_store(), folder) == ["departments.csv: is empty; expected a header row"]


def test_status_values_are_read_in_any_case(tmp_path):
    org = acme().change("people.csv", "p-ann", status="ABSENT")
    people = read_bundle(org.write(tmp_path / "bundle")).changes.records[Kind.PERSON]
    assert next(p for p in people if p.id == "p-ann").status is Status.ABSENT
