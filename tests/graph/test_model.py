"""The records: keys, references, sources, absences."""

from __future__ import annotations

from datetime import date

import pytest

from buckstop.graph.model import Absence, Kind, Person, Ref, Source, Status, key


def test_key_is_kind_colon_id():
    assert key(Kind.PERSON, "p1") == "person:p1"
    assert key(Kind.ISSUE_TYPE, "refund") == "issue_type:refund"


def test_ref_reads_as_its_key_and_orders_by_kind_then_id():
    assert str(Ref(Kind.ROLE, "billing")) == "role:billing"
    assert sorted([Ref(Kind.ROLE, "b"), Ref(Kind.DEPARTMENT, "z"), Ref(Kind.ROLE, "a")]) == [
        Ref(Kind.DEPARTMENT, "z"),
        Ref(Kind.ROLE, "a"),
        Ref(Kind.ROLE, "b"),
    ]


def test_source_reads_as_file_and_row():
    assert str(Source("people.csv", 7)) == "people.csv:7"


def test_records_are_frozen_and_compare_without_their_source():
    one = Person("p1", "Ann", source=Source("people.csv", 2))
    other = Person("p1", "Ann", source=Source("export.csv", 9))
    assert one == other
    assert one.status is Status.ACTIVE and one.public is False
    with pytest.raises(AttributeError):
        one.name = "Bob"  # type: ignore[misc]


def test_absence_is_identified_by_person_and_first_day():
    absence = Absence("p1", date(2026, 11, 20), date(2026, 11, 27))
    assert absence.id == "p1@2026-11-20"
    assert absence.kind is Kind.ABSENCE


@pytest.mark.parametrize(
    ("day", "covered"),
    [(date(2026, 11, 19), False), (date(2026, 11, 20), True), (date(2026, 11, 27), True), (date(2026, 11, 28), False)],
)
def test_absence_covers_its_first_and_last_day(day, covered):
    assert Absence("p1", date(2026, 11, 20), date(2026, 11, 27)).covers(day) is covered
