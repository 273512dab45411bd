"""HR exports: every preset, recognised by header, gives the same org; statuses map; broken files say why."""

from __future__ import annotations

import pytest

from buckstop.graph import BundleRefused, Status
from buckstop.loaders import apply_bundle, load, read_bundle
from buckstop.loaders.hr import BAMBOOHR, ENTRA, GOOGLE, PERSONIO, RIPPLING, WORKDAY
from buckstop.loaders.people import GENERIC, detect
from buckstop.loaders.table import Row

from tests.loaders.samples import EXPECTED, FORMATS, PEOPLE, Sample, canonical, export_bytes, write_sample
from tests.orgs import write_csv


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_loads_as_the_same_org(tmp_path, open_store, fmt):
    store = open_store()
    bundle, _ = apply_bundle(store, write_sample(fmt, tmp_path / "bundle"))
    assert f"people.csv: read as the {fmt} people format" in bundle.notes
    assert canonical(store.read()) == EXPECTED
    ann = next(p for p in store.read().people.values() if p.name == "Ann Lee")
    assert (ann.source.file, ann.source.row) == ("people.csv", 5)  # the row HR sees in a spreadsheet


def test_each_sample_says_how_it_was_written(tmp_path):
    notes = {fmt: read_bundle(write_sample(fmt, tmp_path / fmt)).notes for fmt in FORMATS}
    assert "people.csv: Windows-1252, comma-delimited" in notes["BambooHR"]
    assert "people.csv: UTF-8 with BOM, comma-delimited" in notes["Workday"]
    assert "people.csv: UTF-16, tab-delimited" in notes["Google Workspace"]
    assert "people.csv: UTF-8, semicolon-delimited" in notes["Rippling"]
    assert "people.csv: ignored columns org unit path [required]" in notes["Google Workspace"]
    assert "managers.csv: managers for 6 people" in notes["Entra ID"]


@pytest.mark.parametrize(
    ("preset", "header"),
    [
        (GENERIC, ("id", "name", "manager_id")),
        (BAMBOOHR, ("id", "firstname", "lastname", "jobtitle", "supervisoremail")),
        (WORKDAY, ("employee_id", "worker", "manager_id", "business_title")),
        (GOOGLE, ("first name [required]", "last name [required]", "email address [required]")),
        (RIPPLING, ("full name", "work email", "manager - work email")),
        (PERSONIO, ("id", "first name", "last name", "position", "supervisor")),
        (ENTRA, ("id", "userprincipalname", "displayname", "jobtitle", "accountenabled")),
    ],
)
def test_formats_are_recognised_by_header(preset, header):
    assert detect(header) is preset


def row(**cells: str) -> Row:
    return Row("people.csv", 2, dict(cells), [])


@pytest.mark.parametrize(
    ("preset", "column", "word", "status"),
    [
        (BAMBOOHR, "status", "Leave of Absence", Status.ABSENT),
        (BAMBOOHR, "status", "Inactive", Status.LEFT),
        (WORKDAY, "worker_status", "On Leave", Status.ABSENT),
        (WORKDAY, "worker_status", "Terminated", Status.LEFT),
        (GOOGLE, "status [read only]", "Suspended", Status.LEFT),
        (RIPPLING, "employment status", "Hired", Status.ABSENT),
        (PERSONIO, "status", "Leave", Status.ABSENT),
        (PERSONIO, "status", "Onboarding", Status.ABSENT),
        (PERSONIO, "status", "inactive", Status.LEFT),
        (ENTRA, "accountenabled", "False", Status.LEFT),
        (ENTRA, "accountenabled", "True", Status.ACTIVE),
    ],
)
def test_each_system_s_statuses_map_to_ours(preset, column, word, status):
    cells = {preset.id[0]: "p1", (preset.name_columns or preset.first_name)[0]: "Ann", column: word}
    r = row(**cells)
    entry = preset.entry(r)
    assert entry is not None and entry.person.status is status
    assert r.problems == []


def test_an_unknown_status_names_the_system_s_words():
    r = row(employeenumber="7", firstname="Ann", status="Contractor")
    BAMBOOHR.entry(r)
    assert [str(p) for p in r.problems] == [
        "people.csv:2 [status]: 'Contractor' is not a BambooHR status; expected Active, Inactive (left), "
        "Leave of Absence (absent), Terminated (left)"
    ]


def refusal(tmp_path, open_store, fmt: str, people: list[Sample], **edit: bytes) -> list[str]:
    folder = write_sample(fmt, tmp_path / "bundle", people)
    for name, data in edit.items():
        (folder / name.replace("_", ".")).write_bytes(data)
    with pytest.raises(BundleRefused) as caught:
        apply_bundle(open_store(), folder)
    return [str(p) for p in caught.value.problems]


def test_bamboohr_unknown_supervisor_is_named_with_the_row(tmp_path, open_store):
    export = export_bytes("BambooHR").replace(b"Agent,Customer Support,1003", b"Agent,Customer Support,1099", 1)
    assert refusal(tmp_path, open_store, "BambooHR", PEOPLE, people_csv=export) == [
        "people.csv:5 [supervisoreid]: manager '1099' matches no one's id, email or full name in this file"
    ]


def test_personio_ambiguous_supervisor_names_both_candidates(tmp_path, open_store):
    people = [*PEOPLE, Sample("1008", "Sue", "Park", "sue.park2@corvid.example", "Agent", "Marketing", "1006")]
    assert refusal(tmp_path, open_store, "Personio", people) == [
        "people.csv:5 [supervisor]: manager 'PARK, SUE' is ambiguous: it names Sue Park (1003, row 4); "
        "Sue Park (1008, row 9); write their id or email instead",
        "people.csv:6 [supervisor]: manager 'PARK, SUE' is ambiguous: it names Sue Park (1003, row 4); "
        "Sue Park (1008, row 9); write their id or email instead",
        "people.csv:8 [supervisor]: manager 'PARK, SUE' is ambiguous: it names Sue Park (1003, row 4); "
        "Sue Park (1008, row 9); write their id or email instead",
    ]


def test_rippling_misspelt_manager_email_gets_a_suggestion(tmp_path, open_store):
    folder = write_sample("Rippling", tmp_path / "bundle")
    text = (folder / "people.csv").read_text().replace(";sue.park@corvid.example;", ";sue.prak@corvid.example;", 1)
    (folder / "people.csv").write_text(text)
    with pytest.raises(BundleRefused) as caught:
        apply_bundle(open_store(), folder)
    (problem,) = caught.value.problems
    assert str(problem) == (
        "people.csv:5 [manager - work email]: manager 'sue.prak@corvid.example' matches no one's id, email or "
        "full name in this file; did you mean Sue Park (sue.park@corvid.example, row 4)?"
    )


def test_workday_bad_status_and_google_missing_email_are_located(tmp_path, open_store):
    workday = export_bytes("Workday").replace(b"Terminated", b"Contingent")
    assert refusal(tmp_path / "w", open_store, "Workday", PEOPLE, people_csv=workday) == [
        "people.csv:8 [worker_status]: 'Contingent' is not a Workday status; expected Active, On Leave (absent), "
        "Terminated (left)"
    ]
    google = export_bytes("Google Workspace").decode("utf-16").replace("zoe.muller@corvid.example\t1006", "\t")
    problems = refusal(tmp_path / "g", open_store, "Google Workspace", PEOPLE, people_csv=google.encode("utf-16"))
    assert problems == [
        "people.csv:7 [employee id]: is required (a person needs employee id or email address [required])"
    ]


def test_entra_without_managers_says_so_plainly(tmp_path, open_store):
    folder = write_sample("Entra ID", tmp_path / "bundle")
    (folder / "managers.csv").unlink()
    done = load(open_store(), folder)
    assert (
        "people.csv: the Entra ID file names no managers, so nobody reports to anyone; add managers.csv "
        "(two columns: person, manager) to set them"
    ) in done.notes
    assert all(p.manager_id is None for p in done.applied.after.people.values())


def test_entra_managers_file_with_an_unknown_person_is_located(tmp_path, open_store):
    managers = b"userPrincipalName,manager\nnobody@corvid.example,cora.chen@corvid.example\n"
    assert refusal(tmp_path, open_store, "Entra ID", PEOPLE, managers_csv=managers) == [
        "managers.csv:2 [userprincipalname]: 'nobody@corvid.example' matches no one in the people file; "
        "write their id or email"
    ]


def test_department_names_nobody_defines_become_departments_and_are_reported(tmp_path, open_store):
    folder = write_sample("BambooHR", tmp_path / "bundle", departments=False)
    done = load(open_store(), folder / "people.csv")  # the export alone, as HR has it
    assert done.notes[-1] == (
        "people.csv: 4 department names matched no department and became new departments (no parent, no head): "
        "'Executive' (dept-executive), 'Operations' (dept-operations), 'Customer Support' (dept-customer-support), "
        "'Marketing' (dept-marketing); add them to departments.csv to place them"
    )
    assert canonical(done.applied.after) == EXPECTED


def test_a_column_map_reads_any_header(tmp_path, open_store):
    folder = tmp_path / "bundle"
    rows = [(p.id, p.name, p.email, p.manager or "", p.department, "gone" if p.left else "here") for p in PEOPLE]
    write_csv(folder / "people.csv", ("Staff No", "Full Name", "Mail", "Reports To", "Unit", "State"), rows)
    maps = [("id", "Staff No"), ("name", "Full Name"), ("email", "Mail"), ("manager", "Reports To")]
    maps += [("department", "Unit"), ("status", "State")]
    write_csv(folder / "columns.csv", ("field", "column"), maps)
    with pytest.raises(BundleRefused) as caught:
        apply_bundle(open_store(), folder)
    assert str(caught.value.problems[0]) == (
        "people.csv:2 [state]: 'here' is not a mapped status; expected active, absent or left"
    )
    write_csv(
        folder / "people.csv",
        ("Staff No", "Full Name", "Mail", "Reports To", "Unit", "State"),
        [(*r[:5], "inactive" if r[5] == "gone" else "active") for r in rows],
    )
    store = open_store("mapped.db")
    bundle, _ = apply_bundle(store, folder)
    assert "people.csv: read as the mapped people format" in bundle.notes
    assert {(n, e, d, m, s) for n, e, _, d, m, s in canonical(store.read())} == {
        (n, e, d, m, s) for n, e, _, d, m, s in EXPECTED
    }


def test_a_column_map_with_an_unknown_field_is_refused(tmp_path, open_store):
    folder = tmp_path / "bundle"
    write_csv(folder / "people.csv", ("No", "Who"), [("1", "Ann")])
    write_csv(folder / "columns.csv", ("field", "column"), [("id", "No"), ("fullname", "Who")])
    with pytest.raises(BundleRefused) as caught:
        apply_bundle(open_store(), folder)
    assert [str(p) for p in caught.value.problems] == [
        "columns.csv [field]: maps neither name nor first_name",
        "columns.csv:3 [field]: 'fullname' is not a field; expected one of id, name, first_name, last_name, email, "
        "manager, title, department, status, phone, location, public, effective_date",
    ]


def test_docs_list_every_column_and_status_of_every_preset():
    from pathlib import Path

    from buckstop.loaders.hr import PRESETS

    doc = (Path(__file__).parents[2] / "docs" / "hr-formats.md").read_text().lower()
    for preset in PRESETS:
        assert f"## {preset.name.lower()}" in doc
        for column in preset.optional:
            assert f"`{column}`" in doc, (preset.name, column)
        for word in preset.statuses:
            assert word in doc, (preset.name, word)
