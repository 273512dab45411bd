"""HR systems' people exports, recognised by header, and the column map for any other file.

Vocabulary:

- A *preset* describes one HR system's export: the column *groups* its header
  always has (each group is satisfied by any one of its columns), and for each
  field of a person the columns it may come from, tried in order; the first
  non-empty cell wins. A person with no key column filled is reported.
- A *status table* maps the system's status values (case-insensitive) to
  ``active``, ``absent`` or ``left``; :data:`COMMON_STATUSES` holds the words
  every system shares, each preset adds or overrides its own.
- A *column map* (:func:`column_map`) is a small CSV file, ``field,column``,
  that names which column of any export holds which field; it makes a preset
  on the spot.
- References are left as written (a manager by id, email or full name; a
  department by id or name): :mod:`loaders.match` resolves them over the whole file.

docs/hr-formats.md lists every preset with its columns and statuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from buckstop.graph.errors import Problem
from buckstop.graph.model import Person, Status

from .entry import Entry
from .history import effective_of
from .table import Row, Table

__all__ = ["COMMON_STATUSES", "FIELDS", "PRESETS", "Preset", "column_map"]

#: Status words of every system (lower case).
COMMON_STATUSES: Mapping[str, Status] = {
    **dict.fromkeys(("active", "employed", "current", "enabled", "true", "yes", "1"), Status.ACTIVE),
    **dict.fromkeys(("absent", "leave", "on leave", "leave of absence", "parental leave", "sabbatical"), Status.ABSENT),
    # Hired but not started: in the org, but routing goes around them (docs/decisions.md, "Statuses").
    **dict.fromkeys(("onboarding", "hired", "accepted", "pending", "not started", "pre-hire"), Status.ABSENT),
    **dict.fromkeys(
        ("left", "inactive", "terminated", "former", "disabled", "false", "no", "0", "archived"), Status.LEFT
    ),
    **dict.fromkeys(("deleted", "resigned", "retired", "offboarded", "suspended"), Status.LEFT),
}

_LIST = re.compile(r"[;,|\n]")


def _columns(*names: str) -> tuple[str, ...]:
    return tuple(n.lower() for n in names)


@dataclass(frozen=True)
class Preset:
    """One HR system's export. Column names are lower case (the table lower-cases headers)."""

    name: str
    groups: tuple[tuple[str, ...], ...]  # the header has one column of each group
    id: tuple[str, ...]
    name_columns: tuple[str, ...] = ()
    first_name: tuple[str, ...] = ()
    last_name: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    manager: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    department: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    phone: tuple[str, ...] = ()
    location: tuple[str, ...] = ()
    public: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()  # other columns a manager reference may name the person by
    effective: tuple[str, ...] = ()  # the effective date of a dated export's row (loaders.history)
    statuses: Mapping[str, Status] = field(default_factory=dict)
    shown_statuses: str = "active, absent or left"
    manager_list: bool = False  # the manager cell may list several; the first is the line manager
    creates_departments: bool = True

    @property
    def required(self) -> tuple[str, ...]:
        return ()  # the groups are the requirement; see matches()

    @property
    def optional(self) -> tuple[str, ...]:
        fields: tuple[tuple[str, ...], ...] = (self.id, self.name_columns, self.first_name, self.last_name)
        fields += (self.email, self.manager, self.title, self.department, self.status, self.phone, self.location)
        fields += (self.public, self.keys, self.effective)
        return tuple(dict.fromkeys(c for columns in fields for c in columns))

    @property
    def manager_columns(self) -> tuple[str, ...]:
        return self.manager

    def matches(self, header: Sequence[str]) -> bool:
        return all(any(c in header for c in group) for group in self.groups)

    def entry(self, row: Row) -> Entry | None:
        cells = row.cells
        id, _ = _first(cells, self.id)
        if id is None:
            row.fail(self.id[0], f"is required (a person needs {' or '.join(self.id)})")
            return None
        if "@" in id:
            id = id.casefold()  # exports differ in an email's case; the person must not
        name = _first(cells, self.name_columns)[0] or _full_name(cells, self.first_name, self.last_name)
        title = _first(cells, self.title)[0]
        if name is None:
            row.fail((self.name_columns or self.first_name)[0], "is required (the person's name)")
            name = id
        manager, manager_column = _first(cells, self.manager)
        if manager is not None and self.manager_list:
            manager = next((m.strip() for m in _LIST.split(manager) if m.strip()), None)
        person = Person(
            id=id,
            name=" ".join(name.split()),  # a quoted newline or a double space is not part of a name
            email=_first(cells, self.email)[0],
            title=" ".join(title.split()) if title else None,
            department_id=_first(cells, self.department)[0],
            manager_id=manager,
            status=self._status(row),
            public=bool(self.public) and row.flag(self.public[0]),
            phone=_first(cells, self.phone)[0],
            location=_first(cells, self.location)[0],
            source=row.source,
        )
        keys = tuple(k for c in self.keys if (k := (cells.get(c) or "").strip()))
        column = manager_column or (self.manager[0] if self.manager else "manager")
        return Entry(person, keys, column, effective_of(row, self.effective))

    def _status(self, row: Row) -> Status:
        value, column = _first(row.cells, self.status)
        if value is None or column is None:
            return Status.ACTIVE
        word = " ".join(value.lower().split())
        found = self.statuses.get(word) or COMMON_STATUSES.get(word)
        if found is None:
            row.fail(column, f"{value!r} is not a {self.name} status; expected {self.shown_statuses}")
            return Status.ACTIVE
        return found


def _first(cells: Mapping[str, str], columns: Sequence[str]) -> tuple[str | None, str | None]:
    """The first non-empty cell among ``columns``, trimmed, and its column."""
    for column in columns:
        value = cells.get(column)
        if value and (value := value.strip()):
            return value, column
    return None, None


def _full_name(cells: Mapping[str, str], first: Sequence[str], last: Sequence[str]) -> str | None:
    name = " ".join(v for v in (_first(cells, first)[0], _first(cells, last)[0]) if v)
    return name or None


BAMBOOHR = Preset(
    "BambooHR",
    groups=(_columns("employeeNumber", "id"), _columns("firstName", "displayName"), _columns("jobTitle")),
    id=_columns("employeeNumber", "id"),
    name_columns=_columns("displayName", "fullName1"),
    first_name=_columns("preferredName", "firstName"),
    last_name=_columns("lastName"),
    email=_columns("workEmail", "email"),
    manager=_columns("supervisorEId", "supervisorEmail", "supervisor"),
    title=_columns("jobTitle"),
    department=_columns("department", "division"),
    status=_columns("status", "employmentHistoryStatus"),
    phone=_columns("workPhone", "mobilePhone"),
    location=_columns("location"),
    keys=_columns("employeeNumber"),
    effective=_columns("Effective Date", "effectiveDate"),
    statuses={"leave of absence": Status.ABSENT, "inactive": Status.LEFT, "terminated": Status.LEFT},
    shown_statuses="Active, Inactive (left), Leave of Absence (absent), Terminated (left)",
)

WORKDAY = Preset(
    "Workday",
    groups=(_columns("Employee_ID"), _columns("Business_Title", "Supervisory_Organization", "Manager_ID")),
    id=_columns("Employee_ID"),
    name_columns=_columns("Worker", "Preferred_Name", "Legal_Name", "Name"),
    first_name=_columns("First_Name"),
    last_name=_columns("Last_Name"),
    email=_columns("Email_-_Work", "Work_Email", "Primary_Work_Email", "Email"),
    manager=_columns("Manager_ID", "Manager"),
    title=_columns("Business_Title", "Job_Title"),
    department=_columns("Supervisory_Organization", "Cost_Center"),
    status=_columns("Worker_Status", "Employee_Status", "Status", "Active_Status"),
    phone=_columns("Phone_-_Work", "Work_Phone"),
    location=_columns("Location", "Work_Location"),
    manager_list=True,
    effective=_columns("Effective_Date", "Effective Date"),
    statuses={"on leave": Status.ABSENT, "leave of absence": Status.ABSENT, "terminated": Status.LEFT},
    shown_statuses="Active, On Leave (absent), Terminated (left)",
)

GOOGLE = Preset(
    "Google Workspace",
    groups=(_columns("Email Address [Required]"), _columns("First Name [Required]")),
    id=_columns("Employee ID", "Email Address [Required]"),
    first_name=_columns("First Name [Required]"),
    last_name=_columns("Last Name [Required]"),
    email=_columns("Email Address [Required]"),
    manager=_columns("Manager Email"),
    title=_columns("Employee Title"),
    department=_columns("Department"),
    status=_columns("Status [READ ONLY]"),
    phone=_columns("Work Phone", "Mobile Phone"),
    location=_columns("Building ID", "Work Address"),
    keys=_columns("Email Address [Required]"),
    # A suspended account cannot act on anything: for routing the person has left.
    statuses={"suspended": Status.LEFT, "archived": Status.LEFT},
    shown_statuses="Active, Suspended (left), Archived (left)",
)

RIPPLING = Preset(
    "Rippling",
    groups=(_columns("Work email"), _columns("Manager - Work email", "Employment status")),
    id=_columns("Work email"),
    name_columns=_columns("Full name", "Preferred full name", "Name", "Legal full name"),
    first_name=_columns("Preferred first name", "First name", "Legal first name"),
    last_name=_columns("Preferred last name", "Last name", "Legal last name"),
    email=_columns("Work email"),
    manager=_columns("Manager - Work email", "Manager"),
    title=_columns("Title", "Job title"),
    department=_columns("Department"),
    status=_columns("Employment status", "Status"),
    phone=_columns("Work phone", "Phone number"),
    location=_columns("Work location", "Location"),
    statuses={"terminated": Status.LEFT, "hired": Status.ABSENT, "accepted": Status.ABSENT, "on leave": Status.ABSENT},
    shown_statuses="Active, On leave (absent), Hired or Accepted (absent until they start), Terminated (left)",
)

PERSONIO = Preset(
    "Personio",
    groups=(_columns("ID", "Email"), _columns("Supervisor"), _columns("Position")),
    id=_columns("ID", "Email"),
    name_columns=_columns("Name", "Full name"),
    first_name=_columns("First name", "Preferred name"),
    last_name=_columns("Last name"),
    email=_columns("Email"),
    manager=_columns("Supervisor ID", "Supervisor email", "Supervisor"),
    title=_columns("Position"),
    department=_columns("Department", "Team"),
    status=_columns("Status"),
    phone=_columns("Phone", "Work phone"),
    location=_columns("Office", "Location"),
    keys=_columns("Email"),
    statuses={"leave": Status.ABSENT, "onboarding": Status.ABSENT, "inactive": Status.LEFT},
    shown_statuses="Active, Leave (absent), Onboarding (absent until they start), Inactive (left)",
)

ENTRA = Preset(
    "Entra ID",
    groups=(_columns("userPrincipalName"), _columns("displayName")),
    id=_columns("objectId", "id", "userPrincipalName"),
    name_columns=_columns("displayName"),
    first_name=_columns("givenName"),
    last_name=_columns("surname"),
    email=_columns("mail", "userPrincipalName"),
    # "Download users" has no manager column; a managers file (person, manager) adds them.
    manager=_columns("manager userPrincipalName", "manager"),
    title=_columns("jobTitle"),
    department=_columns("department"),
    status=_columns("accountEnabled"),
    phone=_columns("telephoneNumber", "mobilePhone"),
    location=_columns("officeLocation", "city"),
    keys=_columns("userPrincipalName"),
    statuses={"true": Status.ACTIVE, "false": Status.LEFT},
    shown_statuses="True (active) or False (left)",
)

#: The HR presets, after the generic format (see loaders.people.FORMATS).
PRESETS: tuple[Preset, ...] = (BAMBOOHR, WORKDAY, GOOGLE, RIPPLING, PERSONIO, ENTRA)

#: The fields a column map may name, and the Preset attribute each fills.
FIELDS: Mapping[str, str] = {
    "id": "id",
    "name": "name_columns",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "manager": "manager",
    "title": "title",
    "department": "department",
    "status": "status",
    "phone": "phone",
    "location": "location",
    "public": "public",
    "effective_date": "effective",
}


def column_map(table: Table) -> tuple[Preset | None, list[Problem]]:
    """A preset from a column-map file (columns ``field,column``); every problem of it."""
    problems = table.problems
    if table.columns[:2] != ("field", "column"):
        problems.append(Problem(table.name, 1, None, "a column map has the columns field,column"))
        table.close()
        return None, problems
    chosen: dict[str, list[str]] = {}
    for row in table.iter_rows():
        name = (row.text("field") or "").lower()
        column = row.text("column")
        if name not in FIELDS:
            row.fail("field", f"{name!r} is not a field; expected one of {', '.join(FIELDS)}")
        elif column is None:
            row.fail("column", "is required: the column of your file that holds this field")
        else:
            chosen.setdefault(FIELDS[name], []).append(column.strip().lower())
    if "id" not in chosen and "email" not in chosen:
        problems.append(Problem(table.name, None, "field", "maps neither id nor email: a person needs a key"))
    if not any(k in chosen for k in ("name_columns", "first_name")):
        problems.append(Problem(table.name, None, "field", "maps neither name nor first_name"))
    if problems:
        return None, problems
    ids = (*chosen.get("id", ()), *chosen.get("email", ()))
    values = {attribute: tuple(columns) for attribute, columns in chosen.items() if attribute != "id"}
    return Preset("mapped", groups=(ids,), id=ids, **values), problems  # type: ignore[arg-type]
