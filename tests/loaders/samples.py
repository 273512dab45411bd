"""One small company written as every people format, each with the quirks its system has.

:data:`PEOPLE` is the company; :func:`write_sample` writes it as one format into a
bundle folder (``departments.csv`` plus the export as ``people.csv``, and for Entra
ID a ``managers.csv``). Loaded, every sample must give the same org:
:func:`canonical` is that org with ids left out (Rippling keys people by email).

The quirks, one or more per format: Windows-1252 with CRLF and trailing empty
rows (BambooHR); a byte-order mark, a manager list and a quoted newline (Workday);
UTF-16 and tabs, as Excel's "Unicode text" (Google Workspace); semicolons and
emails in another case (Rippling); managers by full name, written "Last, First",
in capitals and without accents (Personio); no managers at all, given in a second
file (Entra ID).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from buckstop.graph.org import Org

from tests.orgs import write_csv

__all__ = ["DEPARTMENTS", "FORMATS", "PEOPLE", "Sample", "canonical", "write_sample"]

DEPARTMENTS = [
    ("d-exec", "Executive"),
    ("d-ops", "Operations"),
    ("d-support", "Customer Support"),
    ("d-mkt", "Marketing"),
]


@dataclass(frozen=True)
class Sample:
    id: str
    first: str
    last: str
    email: str
    title: str
    department: str  # a name
    manager: str | None  # an id
    left: bool = False

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


PEOPLE = [
    Sample("1001", "Cora", "Chén", "cora.chen@corvid.example", "CEO", "Executive", None),
    Sample("1002", "Omar", "Ortiz", "omar.ortiz@corvid.example", "COO", "Operations", "1001"),
    Sample("1003", "Sue", "Park", "sue.park@corvid.example", "Head of Support", "Customer Support", "1002"),
    Sample("1004", "Ann", "Lee", "ann.lee@corvid.example", "Agent", "Customer Support", "1003"),
    Sample("1005", "José", "Álvarez", "jose.alvarez@corvid.example", "Agent “Tier 2”", "Customer Support", "1003"),
    Sample("1006", "Zoë", "Müller", "zoe.muller@corvid.example", "Head of Marketing", "Marketing", "1001"),
    Sample("1007", "Lou", "Lane", "lou.lane@corvid.example", "Agent", "Customer Support", "1003", left=True),
]
_BY_ID = {p.id: p for p in PEOPLE}


def _manager(p: Sample) -> Sample | None:
    return _BY_ID[p.manager] if p.manager else None


def _bamboohr(p: Sample) -> list[str]:
    m = _manager(p)
    status = "Inactive" if p.left else "Active"
    return [p.id, p.first, p.last, p.email, p.title, p.department, m.id if m else "", status]


def _workday(p: Sample) -> list[str]:
    m = _manager(p)
    managers = f"{m.id}; {m.manager}" if m and m.manager else m.id if m else ""  # line manager first
    status = "Terminated" if p.left else "Active"
    return [p.id, p.name, p.email, p.title, p.department, managers, status, "Lisbon\nBuilding 2"]


def _google(p: Sample) -> list[str]:
    m = _manager(p)
    status = "Suspended" if p.left else "Active"
    return [p.first, p.last, p.email, p.id, p.title, m.email if m else "", p.department, status, "/"]


def _rippling(p: Sample) -> list[str]:
    m = _manager(p)
    status = "Terminated" if p.left else "Active"
    return [p.name, p.email.title(), p.title, p.department, m.email if m else "", status]


def _personio(p: Sample) -> list[str]:
    m = _manager(p)
    supervisor = ""
    if m is not None:  # "Last, First", upper case, accents dropped: as people retype names
        supervisor = f"{m.last}, {m.first}".upper().replace("É", "E")
    status = "Inactive" if p.left else "Active"
    return [p.id, p.first, p.last, p.email, p.title, p.department, supervisor, status]


def _entra(p: Sample) -> list[str]:
    enabled = "FALSE" if p.left else "TRUE"
    upn = p.email
    return [f"0000-{p.id}", upn, p.name, p.email, p.title, p.department, enabled, "Member"]


def _generic(p: Sample) -> list[str]:
    dept = next(i for i, n in DEPARTMENTS if n == p.department)
    return [p.id, p.name, p.email, p.title, dept, p.manager or "", "left" if p.left else "active"]


@dataclass(frozen=True)
class Format:
    header: tuple[str, ...]
    row: Callable[[Sample], list[str]]
    delimiter: str
    encoding: str
    newline: str = "\n"
    trailing: int = 0  # empty rows a spreadsheet leaves at the end


FORMATS: dict[str, Format] = {
    "generic": Format(
        ("id", "name", "email", "title", "department_id", "manager_id", "status"), _generic, ",", "utf-8"
    ),
    "BambooHR": Format(
        ("employeeNumber", "firstName", "lastName", "workEmail", "jobTitle", "department", "supervisorEId", "status"),
        _bamboohr,
        ",",
        "cp1252",
        "\r\n",
        trailing=3,
    ),
    "Workday": Format(
        (
            "Employee_ID",
            "Legal_Name",
            "Email_-_Work",
            "Business_Title",
            "Supervisory_Organization",
            "Manager_ID",
            "Worker_Status",
            "Location",
        ),
        _workday,
        ",",
        "utf-8-sig",
    ),
    "Google Workspace": Format(
        (
            "First Name [Required]",
            "Last Name [Required]",
            "Email Address [Required]",
            "Employee ID",
            "Employee Title",
            "Manager Email",
            "Department",
            "Status [READ ONLY]",
            "Org Unit Path [Required]",
        ),
        _google,
        "\t",
        "utf-16",
        "\r\n",
    ),
    "Rippling": Format(
        ("Full name", "Work email", "Title", "Department", "Manager - Work email", "Employment status"),
        _rippling,
        ";",
        "utf-8",
    ),
    "Personio": Format(
        ("ID", "First name", "Last name", "Email", "Position", "Department", "Supervisor", "Status"),
        _personio,
        "\t",
        "utf-8",
        trailing=1,
    ),
    "Entra ID": Format(
        (
            "objectId",
            "userPrincipalName",
            "displayName",
            "mail",
            "jobTitle",
            "department",
            "accountEnabled",
            "userType",
        ),
        _entra,
        ",",
        "utf-8",
    ),
}


def export_bytes(fmt: str, people: list[Sample] = PEOPLE) -> bytes:
    """The export of ``people`` in ``fmt``, as the HR system writes it."""
    spec = FORMATS[fmt]
    text = io.StringIO()
    writer = csv.writer(text, delimiter=spec.delimiter, lineterminator=spec.newline)
    writer.writerow(spec.header)
    writer.writerows(spec.row(p) for p in people)
    for _ in range(spec.trailing):
        writer.writerow([""] * len(spec.header))
    return text.getvalue().encode(spec.encoding)


def write_sample(fmt: str, folder: Path, people: list[Sample] = PEOPLE, *, departments: bool = True) -> Path:
    """A bundle folder: departments.csv and the ``fmt`` export as people.csv (plus managers.csv for Entra ID)."""
    folder.mkdir(parents=True, exist_ok=True)
    if departments:
        write_csv(folder / "departments.csv", ("id", "name"), DEPARTMENTS)
    (folder / "people.csv").write_bytes(export_bytes(fmt, people))
    if fmt == "Entra ID":
        rows = [(p.email, m.email) for p in people if (m := _manager(p))]
        write_csv(folder / "managers.csv", ("userPrincipalName", "manager userPrincipalName"), rows)
    return folder


def canonical(org: Org) -> set[tuple[str, str | None, str | None, str | None, str | None, str]]:
    """The people of ``org`` without ids: name, email, title, department name, manager's name, status."""
    out = set()
    for p in org.people.values():
        department = org.departments[p.department_id].name if p.department_id else None
        manager = org.people[p.manager_id].name if p.manager_id else None
        out.add((p.name, (p.email or "").lower() or None, p.title, department, manager, p.status.value))
    return out


#: What every sample loads as.
EXPECTED = {
    (p.name, p.email, p.title, p.department, _BY_ID[p.manager].name if p.manager else None, "left" * p.left or "active")
    for p in PEOPLE
}
