"""The org bundle: a folder of CSV files in, one change set (or every problem) out.

Vocabulary:

- A *bundle* is a folder holding any of the eight files of :data:`FILES`.
  Each file present replaces all records of its kind; a kind whose file is
  absent is left as it is. ``people.csv`` may be an HR system's export, read
  as a snapshot of the whole company (:mod:`loaders.snapshot`), helped by the
  :data:`AUXILIARY` files. One people file on its own is a bundle of one.
- An :class:`Input` is one file to read, from disk or from bytes (an upload).
- *Reading* a bundle checks each value (a status, a date, a ``kind:id``
  reference) and collects every problem; *checking* it against the current
  org adds the whole-org problems (unknown references, cycles, ambiguous
  rules). A bundle with any problem is refused whole.
- A file that cannot be read whole (not CSV, cut short, missing a required
  column) leaves its kind out of the change set, so the whole-org check does not
  add a problem for every reference to the records it could not read: the
  refusal names the file's own problem, and the real ones of the other files.
- A bundle whose people file is *dated* (:mod:`loaders.history`) is a *history*: one change
  set per day the file names, the bundle's other files taking effect with the first.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from buckstop.graph.errors import Problem
from buckstop.graph.model import Absence, Account, Agency, Department, IssueType, Kind, Person, Record, Role, Rule
from buckstop.graph.org import ChangeSet, Org

from .snapshot import read_people
from .table import Row, Table, open_table

__all__ = ["AUXILIARY", "FILES", "IN_FOLDER", "Bundle", "Input", "Progress", "read_bundle", "read_files"]


@dataclass
class Bundle:
    """What a bundle folder holds: the change set, problems of form, and notes."""

    folder: Path
    changes: ChangeSet
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: By file: the file's own column for a field, where it differs (an HR export's ``supervisor``).
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    #: A history: the change set of each day a dated people file names, in order; empty otherwise.
    history: list[tuple[ChangeSet, date]] = field(default_factory=list)
    #: Where a history's days come from: the people file and its effective date column.
    dated: tuple[str, str] | None = None


def _department(row: Row) -> Department | None:
    record = Department(
        row.required("id"),
        row.required("name"),
        parent_id=row.id("parent_id", Kind.DEPARTMENT),
        head_id=row.id("head_id", Kind.PERSON),
        source=row.source,
    )
    return record if record.id else None


def _role(row: Row) -> Role | None:
    record = Role(
        row.required("id"),
        row.required("title"),
        department_id=row.id("department_id", Kind.DEPARTMENT),
        holder_ids=row.ids("holder_ids", Kind.PERSON),
        source=row.source,
    )
    return record if record.id else None


def _agency(row: Row) -> Agency | None:
    record = Agency(
        row.required("id"),
        row.required("name"),
        contract_owner_id=row.id("contract_owner_id", Kind.PERSON),
        source=row.source,
    )
    return record if record.id else None


def _account(row: Row) -> Account | None:
    record = Account(
        row.required("id"),
        platform=row.required("platform"),
        handle=row.required("handle"),
        name=row.text("name") or row.text("handle") or "",
        owner_department_id=row.id("owner_department_id", Kind.DEPARTMENT),
        operated_by=row.ref("operated_by", (Kind.AGENCY, Kind.DEPARTMENT)),
        escalation_contact=row.ref("escalation_contact", (Kind.PERSON, Kind.ROLE)),
        source=row.source,
    )
    return record if record.id else None


def _issue_type(row: Row) -> IssueType | None:
    record = IssueType(
        row.required("id"),
        row.required("name"),
        parent_id=row.id("parent_id", Kind.ISSUE_TYPE),
        synonyms=row.values("synonyms"),
        examples=row.values("examples"),
        respond_within=row.duration("respond_within"),
        escalate_every=row.duration("escalate_every"),
        source=row.source,
    )
    return record if record.id else None


def _rule(row: Row) -> Rule | None:
    id = row.required("id")
    issue = row.id("issue_type_id", Kind.ISSUE_TYPE)
    if issue is None:
        row.fail("issue_type_id", "is required")
    scope_text = (row.text("scope") or "").lower()
    if scope_text in ("organization", "organisation", "org"):
        scope = None
    elif not scope_text:
        row.fail("scope", "is required: account:ID, department:ID or organization")
        scope = None
    else:
        scope = row.ref("scope", (Kind.ACCOUNT, Kind.DEPARTMENT))
    target = row.ref("target", (Kind.ROLE, Kind.DEPARTMENT, Kind.PERSON))
    if row.text("target") is None:
        row.fail("target", "is required: role:ID, department:ID or person:ID")
    if not id or issue is None or target is None:
        return None
    return Rule(id, issue, target, scope=scope, source=row.source)


def _absence(row: Row) -> Absence | None:
    person = row.id("person_id", Kind.PERSON)
    if person is None:
        row.fail("person_id", "is required")
    starts, ends = row.date("starts"), row.date("ends")
    if person is None or starts is None or ends is None:
        return None
    return Absence(person, starts, ends, delegate_id=row.id("delegate_id", Kind.PERSON), source=row.source)


@dataclass(frozen=True)
class FileSpec:
    kind: Kind
    required: tuple[str, ...]
    optional: tuple[str, ...]
    read: Callable[[Row], Record | None]


#: The files of a bundle, by name.
FILES: dict[str, FileSpec] = {
    "departments.csv": FileSpec(Kind.DEPARTMENT, ("id", "name"), ("parent_id", "head_id"), _department),
    "people.csv": FileSpec(Kind.PERSON, (), (), lambda row: None),  # read by a people format
    "roles.csv": FileSpec(Kind.ROLE, ("id", "title"), ("department_id", "holder_ids"), _role),
    "agencies.csv": FileSpec(Kind.AGENCY, ("id", "name"), ("contract_owner_id",), _agency),
    "accounts.csv": FileSpec(
        Kind.ACCOUNT,
        ("id", "platform", "handle"),
        ("name", "owner_department_id", "operated_by", "escalation_contact"),
        _account,
    ),
    "issue_types.csv": FileSpec(
        Kind.ISSUE_TYPE,
        ("id", "name"),
        ("parent_id", "synonyms", "examples", "respond_within", "escalate_every"),
        _issue_type,
    ),
    "routing.csv": FileSpec(Kind.RULE, ("id", "issue_type_id", "scope", "target"), (), _rule),
    "absences.csv": FileSpec(Kind.ABSENCE, ("person_id", "starts", "ends"), ("delegate_id",), _absence),
}


#: Files that help read ``people.csv`` rather than hold records of a kind.
AUXILIARY = {
    "managers.csv": "managers for an export that has none: two columns, person and manager",
    "columns.csv": "a column map for a people export of any other header: field,column",
}

#: How a bundle folder supplies each auxiliary file, for hints; a one-file load names its own way
#: (``buckstop load``'s ``--managers FILE``, the ``managers`` argument of an upload).
IN_FOLDER = {name: name for name in AUXILIARY}

#: A progress callback: the phase (``"reading people.csv"``), the bytes read so far, and the size.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Input:
    """One file to read: its name as problems and sources show it, and its bytes (a path or data)."""

    name: str
    path: Path | None = None
    data: bytes | None = None

    def open(self, progress: Progress | None = None) -> Table:
        tick = None if progress is None else (lambda done, size: progress(f"reading {self.name}", done, size))
        return open_table(self.path or self.name, self.data, progress=tick)


def read_bundle(
    path: str | Path,
    current: Org | None = None,
    *,
    progress: Progress | None = None,
    supply: Mapping[str, str] | None = None,
    org_on: Callable[[date], Org] | None = None,
) -> Bundle:
    """Read a bundle folder (or one people export file) into one change set, noting every problem.

    ``current`` is the org the bundle will replace: a people file is a snapshot of
    the whole company, so whoever ``current`` has and the file lacks is kept as left.
    ``supply`` says how the auxiliary files of one people file are given (see :data:`IN_FOLDER`).
    ``org_on`` gives the org in force on a day, which a dated people file is read against.
    """
    if not str(path).strip():
        # Path("") is the current folder: an empty argument must not load whatever is here.
        return Bundle(Path(), ChangeSet(), [Problem("''", None, None, "is an empty path; name a folder or a file")])
    folder = Path(path)
    if folder.is_file():
        inputs = {"people.csv": Input(folder.name, folder)}
        return read_files(inputs, current, folder=folder, progress=progress, supply=supply, org_on=org_on)
    if not folder.exists():
        problem = Problem(str(folder), None, None, "no such file or folder")
        return Bundle(folder, ChangeSet(), [problem])
    if not folder.is_dir():
        problem = Problem(str(folder), None, None, "is not a file or a folder; expected a folder of CSV files")
        return Bundle(folder, ChangeSet(), [problem])
    problems: list[Problem] = []
    present = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    known = [*FILES, *AUXILIARY]
    for file in present:
        if file.name.lower() not in known:
            near = difflib.get_close_matches(file.name.lower(), known, n=1)
            hint = f"; did you mean {near[0]}?" if near else f"; expected one of {', '.join(known)}"
            problems.append(Problem(file.name, None, None, f"is not a bundle file{hint}"))
    if not present:
        problems.append(Problem(str(folder), None, None, f"holds no bundle files; expected {', '.join(FILES)}"))
    inputs = {p.name.lower(): Input(p.name, p) for p in present if p.name.lower() in known}
    bundle = read_files(inputs, current, folder=folder, progress=progress, org_on=org_on)
    bundle.problems[:0] = problems
    return bundle


def read_files(
    inputs: Mapping[str, Input],
    current: Org | None = None,
    *,
    folder: Path,
    progress: Progress | None = None,
    supply: Mapping[str, str] | None = None,
    org_on: Callable[[date], Org] | None = None,
) -> Bundle:
    """Read bundle files (by their bundle name: ``people.csv``…) into one change set; see :func:`read_bundle`."""
    current = current if current is not None else Org()
    bundle = Bundle(folder, ChangeSet())
    records: dict[Kind, list[Record]] = {}
    history: list[tuple[date, list[Person]]] = []
    for name, spec in FILES.items():
        if name not in inputs:
            continue
        if spec.kind is Kind.PERSON:
            departments = records.get(Kind.DEPARTMENT)
            known = {d.id: d for d in departments if isinstance(d, Department)} if departments is not None else None
            aux = {n: inputs[n].open() for n in AUXILIARY if n in inputs}
            unreadable = [t for t in aux.values() if not t.complete]
            if unreadable:  # its own problem says why; reading people without it would only add wrong ones
                bundle.problems += [p for t in unreadable for p in t.problems]
                for t in aux.values():
                    t.close()
                continue
            table = inputs[name].open(progress)
            read = read_people(
                table,
                current,
                known if known is not None else current.departments,
                managers=aux.get("managers.csv"),
                columns=aux.get("columns.csv"),
                supply=supply or IN_FOLDER,
                org_on=org_on,
            )
            if table.complete and (read.people or not read.problems):
                records[Kind.PERSON] = list(read.people)
            if read.dated is not None:
                history, bundle.dated = read.history, (table.name, read.dated)
            if read.new_departments:
                records.setdefault(Kind.DEPARTMENT, list(current.departments.values())).extend(read.new_departments)
            bundle.problems += read.problems
            bundle.notes += read.notes
            bundle.columns[table.name] = read.columns
            continue
        table = inputs[name].open(progress)
        found = _read(table, spec) if table.complete else None
        if found is not None and table.complete:
            records[spec.kind] = found
        bundle.problems += table.problems
    for name in AUXILIARY:
        if name in inputs and "people.csv" not in inputs:
            bundle.problems.append(Problem(inputs[name].name, None, None, "helps read people.csv, which is missing"))
    bundle.changes = ChangeSet({kind: tuple(items) for kind, items in records.items()})
    if history:
        # The other files take effect with the first day; each later day changes only the people.
        first = ChangeSet({**bundle.changes.records, Kind.PERSON: tuple(history[0][1])})
        later = [(ChangeSet({Kind.PERSON: tuple(people)}), day) for day, people in history[1:]]
        bundle.history = [(first, history[0][0]), *later]
    return bundle


def _read(table: Table, spec: FileSpec) -> list[Record] | None:
    """The records of a file, or None when it lacks a required column."""
    if not table.check_columns(spec.required, spec.optional):
        table.close()
        return None
    read = spec.read
    return [record for row in table.iter_rows() if (record := read(row))]
