"""The org bundle: a folder of CSV files in, one change set (or every problem) out.

Vocabulary:

- A *bundle* is a folder holding any of the eight files of :data:`FILES`.
  Each file present replaces all records of its kind; a kind whose file is
  absent is left as it is.
- *Reading* a bundle checks each value (a status, a date, a ``kind:id``
  reference) and collects every problem; *checking* it against the current
  org adds the whole-org problems (unknown references, cycles, ambiguous
  rules). A bundle with any problem is refused whole.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import BundleRefused, Problem
from graph.model import Absence, Account, Agency, Department, IssueType, Kind, Record, Role, Rule
from graph.org import ChangeSet
from graph.store import WHOLE, Applied, Store
from graph.validate import check_changes

from .people import FORMATS
from .table import Row, Table, read_table

__all__ = ["FILES", "Bundle", "apply_bundle", "read_bundle"]


@dataclass
class Bundle:
    """What a bundle folder holds: the change set, problems of form, and notes."""

    folder: Path
    changes: ChangeSet
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


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
    "issue_types.csv": FileSpec(Kind.ISSUE_TYPE, ("id", "name"), ("parent_id", "synonyms"), _issue_type),
    "routing.csv": FileSpec(Kind.RULE, ("id", "issue_type_id", "scope", "target"), (), _rule),
    "absences.csv": FileSpec(Kind.ABSENCE, ("person_id", "starts", "ends"), ("delegate_id",), _absence),
}


def read_bundle(folder: str | Path) -> Bundle:
    """Read every bundle file in ``folder`` into one change set, noting every problem."""
    folder = Path(folder)
    problems: list[Problem] = []
    notes: list[str] = []
    if not folder.is_dir():
        problems.append(Problem(str(folder), None, None, "is not a folder; expected a folder of CSV files"))
        return Bundle(folder, ChangeSet(), problems, notes)
    present = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    for path in present:
        if path.name.lower() not in FILES:
            near = difflib.get_close_matches(path.name.lower(), FILES, n=1)
            hint = f"; did you mean {near[0]}?" if near else f"; expected one of {', '.join(FILES)}"
            problems.append(Problem(path.name, None, None, f"is not a bundle file{hint}"))
    by_name = {p.name.lower(): p for p in present}
    records: list[Record] = []
    kinds: list[Kind] = []
    for name, spec in FILES.items():
        if name not in by_name:
            continue
        table = read_table(by_name[name])
        kinds.append(spec.kind)
        records += _read(table, spec, notes) if table.columns else []
        problems += table.problems
    if not present:
        problems.append(Problem(str(folder), None, None, f"holds no bundle files; expected {', '.join(FILES)}"))
    return Bundle(folder, ChangeSet.of(records, kinds), problems, notes)


def _read(table: Table, spec: FileSpec, notes: list[str]) -> list[Record]:
    read = spec.read
    if spec.kind is Kind.PERSON:
        fmt = next((f for f in FORMATS if f.matches(table.columns)), None)
        if fmt is None:
            table.check_columns(FORMATS[0].required, FORMATS[0].optional)
            return []
        notes.append(f"{table.name}: read as the {fmt.name} people format")
        ok = table.check_columns(fmt.required, fmt.optional)
        read = fmt.person
    else:
        ok = table.check_columns(spec.required, spec.optional)
    if not ok:
        return []
    return [record for row in table.rows if (record := read(row))]


def apply_bundle(
    store: Store, folder: str | Path, *, dry_run: bool = False, actor: str = ""
) -> tuple[Bundle, Applied | None]:
    """Read ``folder`` and apply it to ``store`` whole; raise BundleRefused with every problem.

    With ``dry_run`` everything is checked and nothing is applied.
    """
    bundle = read_bundle(folder)
    if bundle.problems or dry_run:
        _, whole = check_changes(store.read(WHOLE), bundle.changes)
        problems = bundle.problems + whole
        if problems:
            raise BundleRefused(problems)
        return bundle, None
    summary = f"bundle {Path(folder).name}: " + ", ".join(
        f"{len(items)} {kind.value.replace('_', ' ')}" for kind, items in sorted(bundle.changes.records.items())
    )
    return bundle, store.apply(bundle.changes, actor=actor, summary=summary)
