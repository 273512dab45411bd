"""Synthetic people written as HR systems export them, for the load benchmark.

``write_export(people, fmt, path)`` writes the people of a :func:`harness.synth.synth`
org as one HR system's export (see docs/hr-formats.md): its header, its status
words, managers by id, email or full name as that system names them, and
departments by name. :data:`EXPORTS` names the formats; ``generic`` is our own
``people.csv``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from buckstop.graph.model import Department, Person, Status

__all__ = ["EXPORTS", "write_export"]

Row = Callable[[Person, Mapping[str, Person], Mapping[str, str]], list[str]]


def _split(name: str) -> tuple[str, str]:
    first, _, last = name.partition(" ")
    return first, last


def _status(person: Person, active: str, absent: str, left: str) -> str:
    return {Status.ACTIVE: active, Status.ABSENT: absent, Status.LEFT: left}[person.status]


def _manager(person: Person, people: Mapping[str, Person]) -> Person | None:
    return people.get(person.manager_id) if person.manager_id else None


def _bamboohr(p: Person, people: Mapping[str, Person], depts: Mapping[str, str]) -> list[str]:
    first, last = _split(p.name)
    m = _manager(p, people)
    status = _status(p, "Active", "Leave of Absence", "Inactive")
    dept = depts.get(p.department_id or "", "")
    return [p.id, first, last, p.email or "", p.title or "", dept, m.id if m else "", status]


def _workday(p: Person, people: Mapping[str, Person], depts: Mapping[str, str]) -> list[str]:
    m = _manager(p, people)
    status = _status(p, "Active", "On Leave", "Terminated")
    return [p.id, p.name, p.email or "", p.title or "", depts.get(p.department_id or "", ""), m.id if m else "", status]


def _google(p: Person, people: Mapping[str, Person], depts: Mapping[str, str]) -> list[str]:
    first, last = _split(p.name)
    m = _manager(p, people)
    status = _status(p, "Active", "Active", "Suspended")  # Google has no word for a leave
    dept = depts.get(p.department_id or "", "")
    return [first, last, p.email or "", p.id, p.title or "", (m.email or "") if m else "", dept, status]


def _rippling(p: Person, people: Mapping[str, Person], depts: Mapping[str, str]) -> list[str]:
    m = _manager(p, people)
    status = _status(p, "Active", "On leave", "Terminated")
    dept = depts.get(p.department_id or "", "")
    return [p.name, p.email or "", p.title or "", dept, (m.email or "") if m else "", status]


def _personio(p: Person, people: Mapping[str, Person], depts: Mapping[str, str]) -> list[str]:
    first, last = _split(p.name)
    m = _manager(p, people)
    status = _status(p, "Active", "Leave", "Inactive")
    dept = depts.get(p.department_id or "", "")
    return [p.id, first, last, p.email or "", p.title or "", dept, m.name if m else "", status]


def _entra(p: Person, people: Mapping[str, Person], depts: Mapping[str, str]) -> list[str]:
    enabled = "False" if p.status is Status.LEFT else "True"
    return [p.id, p.email or "", p.name, p.email or "", p.title or "", depts.get(p.department_id or "", ""), enabled]


def _generic(p: Person, people: Mapping[str, Person], depts: Mapping[str, str]) -> list[str]:
    flag = "true" if p.public else "false"
    return [p.id, p.name, p.email or "", p.title or "", p.department_id or "", p.manager_id or "", p.status.value, flag]


#: Format name → (header, row writer, delimiter, encoding).
EXPORTS: dict[str, tuple[tuple[str, ...], Row, str, str]] = {
    "generic": (
        ("id", "name", "email", "title", "department_id", "manager_id", "status", "public"),
        _generic,
        ",",
        "utf-8",
    ),
    "bamboohr": (
        ("employeeNumber", "firstName", "lastName", "workEmail", "jobTitle", "department", "supervisorEId", "status"),
        _bamboohr,
        ",",
        "utf-8",
    ),
    "workday": (
        (
            "Employee_ID",
            "Legal_Name",
            "Email_-_Work",
            "Business_Title",
            "Supervisory_Organization",
            "Manager_ID",
            "Worker_Status",
        ),
        _workday,
        ",",
        "utf-8-sig",
    ),
    "google": (
        (
            "First Name [Required]",
            "Last Name [Required]",
            "Email Address [Required]",
            "Employee ID",
            "Employee Title",
            "Manager Email",
            "Department",
            "Status [READ ONLY]",
        ),
        _google,
        ",",
        "utf-8",
    ),
    "rippling": (
        ("Full name", "Work email", "Title", "Department", "Manager - Work email", "Employment status"),
        _rippling,
        ",",
        "utf-8",
    ),
    "personio": (
        ("ID", "First name", "Last name", "Email", "Position", "Department", "Supervisor", "Status"),
        _personio,
        ";",
        "utf-8",
    ),
    "entra": (
        ("objectId", "userPrincipalName", "displayName", "mail", "jobTitle", "department", "accountEnabled"),
        _entra,
        ",",
        "utf-8",
    ),
}


def write_export(people: Iterable[Person], departments: Iterable[Department], fmt: str, path: Path) -> Path:
    """Write ``people`` as the ``fmt`` export (departments by name, except in ``generic``) to ``path``."""
    header, row, delimiter, encoding = EXPORTS[fmt]
    everyone = {p.id: p for p in people}
    names = {d.id: d.name for d in departments}
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(row(p, everyone, names) for p in everyone.values())
    if fmt == "entra":  # an Entra ID download names no managers: they come in a second file
        with (path.parent / "managers.csv").open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(("userPrincipalName", "manager userPrincipalName"))
            for p in everyone.values():
                manager = everyone.get(p.manager_id) if p.manager_id else None
                if manager is not None:
                    writer.writerow((p.email, manager.email))
    return path
