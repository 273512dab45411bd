"""People files: the generic people.csv format, recognised by its header."""

from __future__ import annotations

from buckstop.graph.model import Person, Source, Status
from buckstop.loaders.people import FORMATS, GENERIC
from buckstop.loaders.table import read_table

from tests.orgs import HEADERS, write_csv


def test_generic_is_tried_first_and_recognised_by_id_and_name():
    assert FORMATS[0] is GENERIC
    assert GENERIC.matches(("id", "name", "email"))
    assert not GENERIC.matches(("employee id", "full name"))


def test_every_column_of_the_design_is_read(tmp_path):
    row = ["p-ann", "Ann Lee", "ann@acme.example", "Agent", "d-support", "person:p-sue", "Absent", "yes"]
    row += ["+1-555-0100", "Lisbon"]
    table = read_table(write_csv(tmp_path / "people.csv", HEADERS["people.csv"], [row]))
    person = GENERIC.person(table.rows[0])
    assert person == Person(
        "p-ann",
        "Ann Lee",
        email="ann@acme.example",
        title="Agent",
        department_id="d-support",
        manager_id="p-sue",
        status=Status.ABSENT,
        public=True,
        phone="+1-555-0100",
        location="Lisbon",
    )
    assert person.source == Source("people.csv", 2)
    assert table.problems == []


def test_only_id_and_name_are_needed(tmp_path):
    table = read_table(write_csv(tmp_path / "people.csv", ["id", "name"], [["p1", "Ann"]]))
    assert table.check_columns(GENERIC.required, GENERIC.optional)
    assert GENERIC.person(table.rows[0]) == Person("p1", "Ann")


def test_a_row_without_id_is_dropped_and_both_missing_cells_reported(tmp_path):
    table = read_table(write_csv(tmp_path / "people.csv", ["id", "name", "title"], [["", "", "Agent"]]))
    assert GENERIC.person(table.rows[0]) is None
    assert [str(p) for p in table.problems] == ["people.csv:2 [id]: is required", "people.csv:2 [name]: is required"]
