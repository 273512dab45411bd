"""Managers matched by id, then email, then full name; departments by id, then name, else made."""

from __future__ import annotations

from buckstop.graph.model import Department, Person, Source, Status
from buckstop.loaders.entry import Entry
from buckstop.loaders.hr import PERSONIO
from buckstop.loaders.match import match_people
from buckstop.loaders.people import GENERIC

DEPARTMENTS = {"d-sup": Department("d-sup", "Customer Support")}


def entry(id: str, name: str, manager: str | None = None, email: str | None = None, dept: str | None = None) -> Entry:
    person = Person(id, name, email=email, manager_id=manager, department_id=dept, source=Source("x.csv", int(id[1:])))
    return Entry(person, manager_column="supervisor")


def managers(*entries: Entry, fmt=PERSONIO, leavers=()) -> tuple[dict[str, str | None], list[str]]:
    matched = match_people(list(entries), fmt, "x.csv", DEPARTMENTS, leavers)
    return {p.id: p.manager_id for p in matched.people}, [str(p) for p in matched.problems]


def test_id_then_email_then_name_ignoring_case_and_accents():
    found, problems = managers(
        entry("p1", "José Álvarez", email="Jose@Corvid.example"),
        entry("p2", "Ann", manager="p1"),
        entry("p3", "Bob", manager="JOSE@corvid.EXAMPLE"),
        entry("p4", "Cy", manager="jose   alvarez"),
        entry("p5", "Di", manager="Álvarez, José"),
    )
    assert found == {"p1": None, "p2": "p1", "p3": "p1", "p4": "p1", "p5": "p1"}
    assert problems == []


def test_an_id_wins_over_a_name_that_happens_to_match():
    found, _ = managers(entry("p1", "p2"), entry("p2", "Ann"), entry("p3", "Bob", manager="p2"))
    assert found["p3"] == "p2"


def test_an_ambiguous_name_names_every_candidate_and_their_rows():
    _, problems = managers(entry("p1", "Sam Lee"), entry("p2", "Sam Lee"), entry("p3", "Bob", manager="sam lee"))
    assert problems == [
        "x.csv:3 [supervisor]: manager 'sam lee' is ambiguous: it names Sam Lee (p1, row 1); Sam Lee (p2, row 2); "
        "write their id or email instead"
    ]


def test_an_unmatched_manager_suggests_near_names():
    _, problems = managers(entry("p1", "Samantha Lee"), entry("p3", "Bob", manager="Samanta Lee"))
    assert problems == [
        "x.csv:3 [supervisor]: manager 'Samanta Lee' matches no one's id, email or full name in this file; "
        "did you mean Samantha Lee (p1, row 1)?"
    ]


def test_our_own_file_leaves_unknown_ids_to_the_whole_org_checks():
    found, problems = managers(entry("p1", "Ann", manager="p-ghost"), fmt=GENERIC)
    assert found == {"p1": "p-ghost"} and problems == []


def test_people_who_left_are_matched_last():
    gone = Person("p9", "Old Boss", status=Status.LEFT, source=Source("people.csv", 4))
    found, problems = managers(entry("p1", "Ann", manager="old boss"), leavers=[gone])
    assert found == {"p1": "p9"} and problems == []


def test_departments_by_id_then_name_else_made_once():
    matched = match_people(
        [
            entry("p1", "A", dept="d-sup"),
            entry("p2", "B", dept="customer  SUPPORT"),
            entry("p3", "C", dept="Field Ops"),
            entry("p4", "D", dept="field ops"),
        ],
        PERSONIO,
        "x.csv",
        DEPARTMENTS,
    )
    assert [p.department_id for p in matched.people] == ["d-sup", "d-sup", "dept-field-ops", "dept-field-ops"]
    assert matched.new_departments == [Department("dept-field-ops", "Field Ops")]
    assert matched.notes == [
        "x.csv: 1 department names matched no department and became new departments (no parent, no head): "
        "'Field Ops' (dept-field-ops); add them to departments.csv to place them"
    ]
