"""A people export whose rows are dated is the people's history: the versions it implies, all or none.

Each test runs on every backend (the ``backend`` fixture through ``empty``), with the clock at
2026-12-03, so a row effective 2027-03-01 makes a scheduled version.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from buckstop.graph import BundleRefused, Status, Store
from buckstop.graph.dated import as_of
from buckstop.loaders import load
from buckstop.queries import boss, chain_of_command, top

from tests.orgs import write_csv

JANUARY, JUNE, MARCH = date(2026, 1, 1), date(2026, 6, 1), date(2027, 3, 1)

BAMBOO = ("employeeNumber", "firstName", "lastName", "jobTitle", "department", "supervisorEId", "status")
BAMBOO += ("Effective Date",)
BAMBOO_ROWS = [
    # Ann is the CEO throughout; Bob reports to her, and is promoted in June; Cy joins in June under Bob;
    # from March 2027 (scheduled) Bob has left and Cy reports to Ann.
    ("1", "Ann", "Lee", "CEO", "Executive", "", "Active", "2026-01-01"),
    ("2", "Bob", "Ray", "Engineer", "Engineering", "1", "Active", "2026-01-01"),
    ("2", "Bob", "Ray", "Head of Engineering", "Engineering", "1", "Active", "2026-06-01"),
    ("3", "Cy", "Oh", "Engineer", "Engineering", "2", "Active", "2026-06-01"),
    ("2", "Bob", "Ray", "Head of Engineering", "Engineering", "1", "Terminated", "2027-03-01"),
    ("3", "Cy", "Oh", "Head of Engineering", "Engineering", "1", "Active", "2027-03-01"),
]


def bamboo(folder: Path, rows: list[tuple[str, ...]] = BAMBOO_ROWS) -> Path:
    folder.mkdir(exist_ok=True)
    return write_csv(folder / "bamboohr.csv", BAMBOO, rows)


def assert_history(store: Store, ids: dict[str, str]) -> None:
    """Ann, Bob and Cy (by these ids) answer as BAMBOO_ROWS dates them."""
    ann, bob, cy = ids["ann"], ids["bob"], ids["cy"]
    assert [v.effective for v in store.timeline().versions] == [JANUARY, JUNE, MARCH]
    january = as_of(store, date(2026, 3, 15))
    assert sorted(january.read().people) == sorted([ann, bob])
    assert january.read().people[bob].title == "Engineer"
    june = as_of(store, JUNE)
    person, _ = boss(june, cy)
    assert person is not None and person.id == bob
    assert [p.id for p in chain_of_command(june, cy).above] == [bob, ann]
    assert june.read().people[bob].title == "Head of Engineering"
    today, _ = boss(store, cy)  # the clock is at 2026-12-03: March is scheduled
    assert today is not None and today.id == bob
    march = as_of(store, MARCH)
    assert march.read().people[bob].status is Status.LEFT
    person, _ = boss(march, cy)
    assert person is not None and person.id == ann
    chief, _ = top(march)
    assert chief is not None and chief.id == ann


def test_a_bamboohr_job_information_export_becomes_the_versions_it_implies(empty: Store, tmp_path: Path) -> None:
    done = load(empty, bamboo(tmp_path / "hr"))
    assert [a.effective for a in done.history] == [JANUARY, JUNE, MARCH]
    assert done.applied is not None and done.applied.effective == MARCH
    note = "bamboohr.csv: dated by effective date: the history of 3 people, 3 versions from 2026-01-01 to 2027-03-01"
    assert note in done.notes
    assert any(n.startswith("version effective 2026-06-01: 1 joiner") for n in done.notes), done.notes
    assert_history(empty, {"ann": "1", "bob": "2", "cy": "3"})


def test_a_workday_job_history_export_becomes_versions(empty: Store, tmp_path: Path) -> None:
    header = ("Employee_ID", "Worker", "Business_Title", "Supervisory_Organization", "Manager_ID", "Worker_Status")
    rows = [(r[0], f"{r[1]} {r[2]}", r[3], r[4], r[5], r[6], r[7]) for r in BAMBOO_ROWS]
    (tmp_path / "hr").mkdir()
    load(empty, write_csv(tmp_path / "hr" / "workday.csv", (*header, "Effective_Date"), rows))
    assert_history(empty, {"ann": "1", "bob": "2", "cy": "3"})


def test_our_people_csv_with_an_effective_date_column_becomes_versions(empty: Store, tmp_path: Path) -> None:
    header = ("id", "name", "title", "manager_id", "status", "effective_date")
    status = {"Active": "active", "Terminated": "left"}
    rows = [(f"p{r[0]}", r[1], r[3], f"p{r[5]}" if r[5] else "", status[r[6]], r[7]) for r in BAMBOO_ROWS]
    (tmp_path / "org").mkdir()
    load(empty, write_csv(tmp_path / "org" / "people.csv", header, rows))
    assert_history(empty, {"ann": "p1", "bob": "p2", "cy": "p3"})


def test_a_dry_run_checks_every_version_and_applies_none(empty: Store, tmp_path: Path) -> None:
    done = load(empty, bamboo(tmp_path / "hr"), dry_run=True)
    assert done.problems == [] and done.applied is None
    assert [p.id for p in done.diff.joiners] == ["1", "3"]  # from before the first day to the last: Bob has left
    assert empty.changes() == [] and len(empty.timeline()) == 0


def refused(store: Store, path: Path) -> BundleRefused:
    before = store.changes()
    with pytest.raises(BundleRefused) as caught:
        load(store, path)
    assert store.changes() == before and len(store.timeline()) == len(before)
    return caught.value


def test_an_effective_date_that_does_not_parse_is_refused_by_file_row_and_column(empty: Store, tmp_path: Path) -> None:
    us_date = ("3", "Cy", "Oh", "Engineer", "Engineering", "2", "Active", "06/01/2026")
    rows = [*BAMBOO_ROWS[:3], us_date, *BAMBOO_ROWS[4:]]
    err = refused(empty, bamboo(tmp_path / "hr", rows))
    assert [str(p) for p in err.problems] == [
        "bamboohr.csv:5 [effective date]: the effective date '06/01/2026' is not a date: give YYYY-MM-DD "
        "(e.g. 2026-06-01) or an ISO 8601 date-time (e.g. 2026-06-01T09:30:00+02:00)"
    ]


def test_an_empty_effective_date_is_refused(empty: Store, tmp_path: Path) -> None:
    rows = [*BAMBOO_ROWS[:3], ("3", "Cy", "Oh", "Engineer", "Engineering", "2", "Active", " ")]
    err = refused(empty, bamboo(tmp_path / "hr", rows))
    assert [(p.row, p.column) for p in err.problems] == [(5, "effective date")]
    assert "needs the day it takes effect" in err.problems[0].message


def test_two_rows_of_one_person_on_one_day_that_disagree_are_refused(empty: Store, tmp_path: Path) -> None:
    rows = [*BAMBOO_ROWS, ("2", "Bob", "Ray", "Staff Engineer", "Engineering", "1", "Active", "2026-06-01")]
    err = refused(empty, bamboo(tmp_path / "hr", rows))
    assert [str(p) for p in err.problems] == [
        "bamboohr.csv:8 [effective date]: '2' has two rows effective 2026-06-01 that disagree "
        "(title 'Head of Engineering' in row 4, 'Staff Engineer' here); keep one, or date them apart"
    ]


def test_two_rows_that_say_the_same_on_one_day_are_one(empty: Store, tmp_path: Path) -> None:
    load(empty, bamboo(tmp_path / "hr", [*BAMBOO_ROWS, BAMBOO_ROWS[2]]))
    assert_history(empty, {"ann": "1", "bob": "2", "cy": "3"})


def test_a_reporting_cycle_on_one_day_refuses_the_whole_file_naming_the_day(empty: Store, tmp_path: Path) -> None:
    # From June, Ann reports to Cy: Cy reports to Bob, who reports to Ann, until March; then Cy reports to Ann.
    rows = [*BAMBOO_ROWS, ("1", "Ann", "Lee", "CEO", "Executive", "3", "Active", "2026-06-01")]
    err = refused(empty, bamboo(tmp_path / "hr", rows))
    assert [str(p) for p in err.problems] == [
        "bamboohr.csv:8 [supervisoreid]: from 2026-06-01 until 2027-03-01: reporting cycle: 1 → 3 → 2 → 1",
        "bamboohr.csv:8 [supervisoreid]: from 2027-03-01 on: reporting cycle: 1 → 3 → 1",
    ]


def test_a_manager_not_yet_there_on_the_rows_day_is_refused_naming_the_day(empty: Store, tmp_path: Path) -> None:
    intern = ("4", "Di", "Vo", "Intern", "Engineering", "3", "Active", "2026-02-01")  # Cy comes only in June
    rows = [*BAMBOO_ROWS[:2], intern, *BAMBOO_ROWS[2:]]
    err = refused(empty, bamboo(tmp_path / "hr", rows))
    assert [(p.row, p.column) for p in err.problems] == [(4, "supervisoreid")]
    assert err.problems[0].message.startswith("effective 2026-02-01: manager '3' matches no one"), err.problems


def test_a_dated_export_with_an_effective_date_of_its_own_is_refused(empty: Store, tmp_path: Path) -> None:
    before = empty.changes()
    with pytest.raises(BundleRefused, match=r"dates its own rows \(2026-01-01 to 2027-03-01\); load it without"):
        load(empty, bamboo(tmp_path / "hr"), effective=JUNE)
    assert empty.changes() == before
