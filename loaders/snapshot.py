"""Reading a people file as a snapshot of the whole company.

Vocabulary:

- A people file (our ``people.csv`` or an HR export) lists *everyone*: it is a
  *snapshot*. Whoever the current org has and the snapshot lacks has *left*:
  they are kept, with status ``left``, so history, chains and routing
  explanations still find them, and the load's diff names them.
- The file's format is recognised by its header (:func:`loaders.people.detect`),
  or given by a column map; its references are resolved by :mod:`loaders.match`.
- A *dated* people file (an effective date on each row) is the people's history: one
  snapshot per day it names (:mod:`loaders.history`), each read against the one before it,
  the first against the org in force on its day. A reference is resolved among the people
  of the row's day, so a manager must be there on that day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from buckstop.graph.errors import Problem
from buckstop.graph.model import Department, Person, Status
from buckstop.graph.org import Org

from .entry import Entry
from .history import dated_column, versions
from .hr import Preset, column_map
from .match import match_people
from .people import FORMATS, GENERIC, PeopleFormat, detect
from .table import Table

__all__ = ["People", "carried_leavers", "read_people"]


@dataclass
class People:
    """What a people file gives: every person (leavers carried over included), new departments, problems, notes."""

    people: list[Person] = field(default_factory=list)
    new_departments: list[Department] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The file's own name of each field a whole-org problem may name (``manager_id``: ``supervisor``).
    columns: dict[str, str] = field(default_factory=dict)
    #: A dated file's snapshots, by day (each with its leavers); empty for an undated one, whose are ``people``.
    history: list[tuple[date, list[Person]]] = field(default_factory=list)
    #: A dated file's effective date column.
    dated: str | None = None


def carried_leavers(current: Org, listed: set[str]) -> list[Person]:
    """The people of ``current`` that a snapshot does not list, as leavers (those who had left, as they were)."""
    return [
        person if person.status is Status.LEFT else replace(person, status=Status.LEFT)
        for id, person in current.people.items()
        if id not in listed
    ]


def read_people(
    table: Table,
    current: Org,
    departments: Mapping[str, Department],
    *,
    managers: Table | None = None,
    columns: Table | None = None,
    supply: Mapping[str, str] | None = None,
    org_on: Callable[[date], Org] | None = None,
) -> People:
    """Read a people file against ``current``; see the module vocabulary.

    ``supply`` names how the user gives ``managers.csv`` and ``columns.csv``, for the hints
    (in a bundle folder, the files themselves; in ``buckstop load FILE``, its flags). ``org_on``
    gives the org in force on a day, which a dated file is read against (default ``current``).
    """
    how = {"managers.csv": "managers.csv", "columns.csv": "columns.csv", **(supply or {})}
    out = People()
    try:
        fmt = _format(table, columns, out, how)
        if fmt is None:
            return out
        entries = [entry for row in table.iter_rows() if (entry := fmt.entry(row))]
        out.problems += table.problems
        if not any(c in table.columns for c in fmt.manager_columns) and managers is None:
            out.notes.append(
                f"{table.name}: the {fmt.name} file names no managers, so nobody reports to anyone; "
                f"add {how['managers.csv']} (two columns: person, manager) to set them"
            )
        if isinstance(fmt, Preset):
            out.columns = _own_columns(fmt, table.columns)
        out.dated = dated_column(fmt.effective, table.columns)
        if out.dated is not None:
            base = org_on(min((e.effective for e in entries if e.effective), default=date.min)) if org_on else current
            says_public = any(
                c in table.columns for c in (("public",) if fmt is GENERIC else getattr(fmt, "public", ()))
            )
            _read_history(out, entries, fmt, table.name, base, departments, managers, says_public=says_public)
            return out
        listed = {e.person.id for e in entries}
        leavers = carried_leavers(current, listed)
        staying = sum(1 for p in current.people.values() if p.status is not Status.LEFT)
        if not entries and not table.problems and staying:
            # An export of nobody is an export that went wrong, not a company where everyone left.
            out.problems.append(
                Problem(
                    table.name,
                    None,
                    None,
                    f"lists nobody (a header and no rows), which would mark all {staying:,} people of the org as "
                    "left; export the file again",
                )
            )
        matched = match_people(entries, fmt, table.name, departments, leavers, managers)
        public = ("public",) if fmt is GENERIC else getattr(fmt, "public", ())
        says_public = any(c in table.columns for c in public)
        people = matched.people if says_public else _keep_public(matched.people, current)
        out.people = people + leavers
        out.new_departments = matched.new_departments
        out.problems += matched.problems
        out.notes += matched.notes
        newly_left = sum(1 for p in leavers if current.people[p.id].status is not Status.LEFT)
        if newly_left:
            out.notes.append(f"{table.name}: {newly_left:,} people of the current org are not in it; kept as left")
        return out
    finally:
        for open_table in (table, managers, columns):
            if open_table is not None:
                open_table.close()


def _read_history(
    out: People,
    entries: list[Entry],
    fmt: PeopleFormat,
    file: str,
    base: Org,
    departments: Mapping[str, Department],
    managers: Table | None,
    *,
    says_public: bool,
) -> None:
    """The snapshots of a dated file, each day's read against the day before's (the first against ``base``)."""
    assert out.dated is not None
    if managers is not None:
        out.problems.append(
            Problem(managers.name, None, None, f"a dated export ({file}) takes its managers from its own rows")
        )
        return
    dated, contradictions = versions(entries, file, out.dated)
    out.problems += contradictions
    before: dict[str, Person] = dict(base.people)
    known = dict(departments)
    seen: set[tuple[str, int | None, str | None, str]] = set()
    for day, in_force in dated:
        listed = {e.person.id for e in in_force}
        leavers = [
            p if p.status is Status.LEFT else replace(p, status=Status.LEFT)
            for id, p in before.items()
            if id not in listed
        ]
        matched = match_people(in_force, fmt, file, known, leavers)
        for made in matched.new_departments:
            known[made.id] = made
            out.new_departments.append(made)
        for problem in matched.problems:
            # A row in force on several days has the same problem on each: named once, on its first day.
            if (key := (problem.file, problem.row, problem.column, problem.message)) not in seen:
                seen.add(key)
                out.problems.append(replace(problem, message=f"effective {day}: {problem.message}"))
        out.notes += [note for note in matched.notes if note not in out.notes]
        people = matched.people if says_public else _keep_public(matched.people, base)
        out.history.append((day, people + leavers))
        before = {p.id: p for p in out.history[-1][1]}
    out.people = out.history[-1][1] if out.history else []
    days = [day for day, _ in out.history]
    if days:
        out.notes.append(
            f"{file}: dated by {out.dated}: the history of {len(out.people):,} people, "
            f"{len(days)} version{'s' if len(days) > 1 else ''} from {days[0]} to {days[-1]}"
        )


def _own_columns(fmt: Preset, header: tuple[str, ...]) -> dict[str, str]:
    fields = {"id": fmt.id, "manager_id": fmt.manager, "department_id": fmt.department}
    return {f: column for f, columns in fields.items() if (column := next((c for c in columns if c in header), None))}


def _keep_public(people: list[Person], current: Org) -> list[Person]:
    """HR exports do not say who is public: whoever the current org marks public stays so."""
    known = current.people
    return [replace(p, public=True) if (before := known.get(p.id)) is not None and before.public else p for p in people]


def _format(table: Table, columns: Table | None, out: People, how: Mapping[str, str]) -> PeopleFormat | None:
    """The format that reads ``table`` (given by a column map, or recognised), noting how."""
    if not table.complete:  # no header, or one that already says why the file cannot be read
        out.problems += table.problems
        return None
    fmt: PeopleFormat | None
    if columns is not None:
        fmt, problems = column_map(columns)
        out.problems += problems
        if fmt is None:
            return None
        missing = [c for c in (*fmt.id, *fmt.manager_columns) if c not in table.columns]
        for column in missing:
            out.problems.append(Problem(table.name, 1, column, f"missing column (named in {columns.name})"))
        if missing:
            return None
    else:
        fmt = detect(table.columns, FORMATS)
    if fmt is None:
        table.check_columns(GENERIC.required, GENERIC.optional)
        out.problems += table.problems
        out.problems.append(
            Problem(
                table.name,
                1,
                None,
                "is not a people format we recognise (BambooHR, Workday, Google Workspace, Rippling, Personio, "
                f"Entra ID, or ours); add {how['columns.csv']} (field,column) to say which column holds what",
            )
        )
        return None
    out.notes.append(f"{table.name}: read as the {fmt.name} people format")
    sniffed = table.sniffed
    if sniffed is not None and (sniffed.encoding != "utf-8" or sniffed.delimiter != ","):
        out.notes.append(f"{table.name}: {sniffed.describe()}")
    if fmt is GENERIC:
        if not table.check_columns(GENERIC.required, GENERIC.optional):
            out.problems += table.problems
            return None
        return fmt
    ignored = [c for c in table.columns if c and c not in fmt.optional]
    if ignored:
        shown = ", ".join(ignored[:8]) + (f" and {len(ignored) - 8} more" if len(ignored) > 8 else "")
        out.notes.append(f"{table.name}: ignored columns {shown}")
    return fmt
