"""Reading one CSV file: header, numbered rows, and each cell's value checked where it stands."""

from __future__ import annotations

from datetime import date

import pytest

from buckstop.graph.model import Kind, Ref, Status
from buckstop.loaders.table import Row, read_table

from tests.orgs import write_csv


def row(**cells: str) -> Row:
    return Row("people.csv", 4, dict(cells), [])


def where(problems) -> list[tuple[str, int | None, str | None]]:
    return [(p.file, p.row, p.column) for p in problems]


# -- the file --------------------------------------------------------------------


def test_header_is_trimmed_and_lower_cased_and_rows_numbered_as_a_spreadsheet_shows_them(tmp_path):
    path = write_csv(tmp_path / "people.csv", [" ID ", "Name"], [["p1", "Ann"], ["", " "], ["p2", "Bob"]])
    table = read_table(path)
    assert table.columns == ("id", "name")
    assert [(r.number, r.cells["id"]) for r in table.rows] == [(2, "p1"), (4, "p2")]  # the blank row 3 is skipped
    assert table.problems == []


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes("id,name\np1,Ann\n".encode("utf-8-sig"))
    assert read_table(path).columns == ("id", "name")


def test_a_file_that_is_not_text_is_a_problem(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"id,name\x00\x00\x00\x01\x02")
    table = read_table(path)
    assert where(table.problems) == [("people.csv", None, None)]
    assert table.problems[0].message.startswith("is not a text or CSV file: it holds NUL bytes")


def test_an_empty_file_is_a_problem(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("")
    assert [str(p) for p in read_table(path).problems] == ["people.csv: is empty; expected a header row"]


def test_broken_quoting_is_a_problem_with_its_line(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text('id,name\np1,"Ann" Lee\n')
    (problem,) = read_table(path).problems
    assert (problem.row, problem.message.startswith("is not valid CSV")) == (2, True)


def test_a_row_with_more_cells_than_the_header_is_a_problem(tmp_path):
    path = write_csv(tmp_path / "people.csv", ["id", "name"], [["p1", "Ann", "extra"]])
    assert [str(p) for p in read_table(path).problems] == ["people.csv:2: has 3 cells but the header has 2 columns"]


def test_check_columns_notes_missing_and_unknown_columns(tmp_path):
    table = read_table(write_csv(tmp_path / "roles.csv", ["id", "titel", ""], []))
    assert table.check_columns(["id", "title"], ["department_id"]) is False
    assert [str(p) for p in table.problems] == [
        "roles.csv:1 [title]: missing column",
        "roles.csv:1 [titel]: unknown column; expected id, title, department_id",
    ]


# -- the cells ---------------------------------------------------------------------


def test_text_is_trimmed_and_empty_is_none():
    r = row(name="  Ann ", title="   ")
    assert (r.text("name"), r.text("title"), r.text("absent")) == ("Ann", None, None)


def test_required_cells_fail_when_empty():
    r = row(id="")
    assert r.required("id") == ""
    assert [str(p) for p in r.problems] == ["people.csv:4 [id]: is required"]


def test_ids_accept_their_kind_as_prefix():
    assert row(manager_id="person:p1").id("manager_id", Kind.PERSON) == "p1"
    assert row(manager_id="p1").id("manager_id", Kind.PERSON) == "p1"


def test_several_ids_are_split_trimmed_and_deduplicated_in_order():
    r = row(holder_ids=" p2; person:p1 ;;p2 ")
    assert r.ids("holder_ids", Kind.PERSON) == ("p2", "p1")


def test_values_are_split_on_semicolons():
    assert row(synonyms="money back; refund ;; money back").values("synonyms") == ("money back", "refund")


def test_refs_are_kind_colon_id():
    r = row(target="Role: billing")
    assert r.ref("target", (Kind.ROLE, Kind.PERSON)) == Ref(Kind.ROLE, "billing")
    assert r.problems == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("billing", "'billing' is not a reference; expected role:ID or person:ID"),
        ("team:billing", "'team:billing' is not a reference; expected role:ID or person:ID"),
        ("agency:ag", "'agency:ag' has kind 'agency'; expected role:ID or person:ID"),
    ],
)
def test_bad_refs_are_problems(text, message):
    r = row(target=text)
    assert r.ref("target", (Kind.ROLE, Kind.PERSON)) is None
    assert [str(p) for p in r.problems] == [f"people.csv:4 [target]: {message}"]


@pytest.mark.parametrize(("text", "status"), [("", Status.ACTIVE), ("Absent", Status.ABSENT), ("left", Status.LEFT)])
def test_status(text, status):
    assert row(status=text).status("status") is status


def test_a_bad_status_is_a_problem():
    r = row(status="on leave")
    r.status("status")
    assert [str(p) for p in r.problems] == [
        "people.csv:4 [status]: 'on leave' is not a status; expected active, absent or left"
    ]


@pytest.mark.parametrize(("text", "flag"), [("true", True), ("Yes", True), ("1", True), ("", False), ("no", False)])
def test_flags(text, flag):
    assert row(public=text).flag("public") is flag


def test_a_bad_flag_is_a_problem():
    r = row(public="maybe")
    assert r.flag("public") is False
    assert [str(p) for p in r.problems] == ["people.csv:4 [public]: 'maybe' is not true or false"]


def test_dates_are_iso():
    assert row(starts="2026-11-20").date("starts") == date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("20/11/2026", "'20/11/2026' is not an ISO date such as 2026-12-31"),
        ("2026-02-30", "'2026-02-30' is not an ISO date such as 2026-12-31"),
        ("", "is required (an ISO date such as 2026-12-31)"),
    ],
)
def test_bad_dates_are_problems(text, message):
    r = row(starts=text)
    assert r.date("starts") is None
    assert [str(p) for p in r.problems] == [f"people.csv:4 [starts]: {message}"]
