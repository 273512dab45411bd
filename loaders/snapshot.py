"""Reading a people file as a snapshot of the whole company.

Vocabulary:

- A people file (our ``people.csv`` or an HR export) lists *everyone*: it is a
  *snapshot*. Whoever the current org has and the snapshot lacks has *left*:
  they are kept, with status ``left``, so history, chains and routing
  explanations still find them, and the load's diff names them.
- The file's format is recognised by its header (:func:`loaders.people.detect`),
  or given by a column map; its references are resolved by :mod:`loaders.match`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from buckstop.graph.errors import Problem
from buckstop.graph.model import Department, Person, Status
from buckstop.graph.org import Org

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
) -> People:
    """Read a people file against ``current``; see the module vocabulary.

    ``supply`` names how the user gives ``managers.csv`` and ``columns.csv``, for the hints
    (in a bundle folder, the files themselves; in ``buckstop load FILE``, its flags).
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
