"""Records to JSON and back: one serialised form for every backend."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from buckstop.graph.codec import decode, dumps, encode, loads, parse_ref
from buckstop.graph.model import (
    Absence,
    Account,
    Agency,
    Department,
    IssueType,
    Kind,
    Person,
    Ref,
    Role,
    Rule,
    Source,
    Status,
)

RECORDS = [
    Department("d-ops", "Operations", parent_id="d-acme", head_id="p-omar", source=Source("departments.csv", 3)),
    Role("role-billing", "Billing Specialist", department_id="d-support", holder_ids=("p-bob", "p-ann")),
    Person("p-ann", "Ann Lée", email="ann@acme.example", status=Status.ABSENT, public=True, manager_id="p-sue"),
    Agency("ag-bright", "Brightside Social", contract_owner_id="p-mia"),
    Account(
        "acc-help",
        "twitter",
        "@AcmeHelp",
        "Acme Help",
        owner_department_id="d-support",
        operated_by=Ref(Kind.DEPARTMENT, "d-support"),
        escalation_contact=Ref(Kind.ROLE, "role-social"),
    ),
    IssueType(
        "it-refund",
        "Refund",
        parent_id="it-billing",
        synonyms=("money back", "remboursement"),
        respond_within=timedelta(hours=4),
        escalate_every=timedelta(minutes=30),
    ),
    Rule("r-1", "it-refund", Ref(Kind.PERSON, "p-ann"), scope=Ref(Kind.ACCOUNT, "acc-help")),
    Rule("r-2", "it-refund", Ref(Kind.ROLE, "role-billing")),
    Absence("p-ann", date(2026, 11, 20), date(2026, 11, 27), delegate_id="p-bob", source=Source("absences.csv", 2)),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.kind.value)
def test_every_kind_round_trips(record):
    back = loads(record.kind, dumps(record))
    assert back == record
    assert back.source == record.source


def test_none_and_empty_values_are_left_out_and_refs_dates_and_enums_are_text():
    assert encode(Rule("r-2", "it-refund", Ref(Kind.ROLE, "role-billing"))) == {
        "id": "r-2",
        "issue_type_id": "it-refund",
        "target": "role:role-billing",
    }
    assert encode(RECORDS[-1]) == {
        "person_id": "p-ann",
        "starts": "2026-11-20",
        "ends": "2026-11-27",
        "delegate_id": "p-bob",
        "source": ["absences.csv", 2],
    }
    assert encode(Person("p1", "Ann"))["status"] == "active"


def test_dumps_keeps_non_ascii_text_as_is():
    assert "Lée" in dumps(RECORDS[2])
    assert json.loads(dumps(RECORDS[2]))["name"] == "Ann Lée"


def test_decode_restores_tuples():
    assert decode(Kind.ROLE, {"id": "r", "title": "R", "holder_ids": ["a", "b"]}).holder_ids == ("a", "b")


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("role:billing", Ref(Kind.ROLE, "billing")),
        ("Person: p-ann ", Ref(Kind.PERSON, "p-ann")),
        ("issue_type:refund", Ref(Kind.ISSUE_TYPE, "refund")),
        ("account:twitter:x", Ref(Kind.ACCOUNT, "twitter:x")),
    ],
)
def test_parse_ref(text, ref):
    assert parse_ref(text) == ref


@pytest.mark.parametrize("text", ["billing", "role:", "team:billing", ":billing"])
def test_parse_ref_refuses_what_is_not_kind_colon_id(text):
    with pytest.raises(ValueError):
        parse_ref(text)


def test_durations_are_whole_seconds():
    encoded = encode(IssueType("it-x", "X", respond_within=timedelta(minutes=30)))
    assert encoded["respond_within"] == 1800
    assert decode(Kind.ISSUE_TYPE, encoded) == IssueType("it-x", "X", respond_within=timedelta(minutes=30))


@given(
    st.text(min_size=1),
    st.text(st.characters(exclude_categories=()), min_size=1),  # lone surrogates too
    st.text(),
    st.integers(-(2**70), 2**70),
)
def test_the_json_of_a_record_is_the_standard_librarys_text_and_reads_back(id, name, title, row):
    # orjson writes it; the standard library's compact text, non-ASCII as it is, is what stores hold and what
    # it falls back to (a lone surrogate, an integer over 64 bits).
    record = Person(id, name, title=title or None, source=Source("people.csv", row))
    assert dumps(record) == json.dumps(encode(record), ensure_ascii=False, separators=(",", ":"))
    assert loads(Kind.PERSON, dumps(record)) == record
