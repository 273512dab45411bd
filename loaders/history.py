"""A people export whose rows are dated: the history of the people it lists, as versions of the org.

Vocabulary:

- A *dated export* has an *effective date column* (BambooHR's job information ``Effective Date``,
  Workday's job history ``Effective_Date``, our own ``effective_date``, a column map's
  ``effective_date``): each row says what one person is from that day on. One person may have
  several rows; their rows, by day, are their *history*.
- The export implies one *version* per distinct effective date (:mod:`graph.timeline`): on that
  day the org's people are each listed person's latest row on or before it. Someone whose first
  row is later is not yet in the org; a row with a leaving status (``Terminated``) makes them a
  leaver from its day.
- Two rows of one person on one day that say different things *contradict*: the file is refused,
  naming both rows and the day. Two that say the same thing are one.

>>> from buckstop.graph.model import Person
>>> ann, bo = Person("p1", "Ann"), Person("p2", "Bo")
>>> rows = [Entry(ann, effective=date(2026, 1, 1)), Entry(bo, effective=date(2026, 6, 1))]
>>> [(day, [e.person.id for e in entries]) for day, entries in versions(rows, "hr.csv", "effective_date")[0]]
[(datetime.date(2026, 1, 1), ['p1']), (datetime.date(2026, 6, 1), ['p1', 'p2'])]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import fields
from datetime import date

from buckstop.graph.errors import Problem
from buckstop.graph.timeline import BadDate, parse_day

from .entry import Entry
from .table import Row

__all__ = ["dated_column", "effective_of", "versions"]


def dated_column(columns: Sequence[str], header: Sequence[str]) -> str | None:
    """The first of a format's effective date ``columns`` in this (lower-cased) header; None: the file is undated."""
    return next((c for c in columns if c in header), None)


def effective_of(row: Row, columns: Sequence[str]) -> date | None:
    """The day ``row`` takes effect, from the first of ``columns`` its file has; None if it has none.

    An empty or unreadable date is a problem of the row, naming the value and the forms accepted.
    """
    column = dated_column(columns, tuple(row.cells))
    if column is None:
        return None
    value = (row.cells.get(column) or "").strip()
    if not value:
        row.fail(column, "is empty: every row of a dated export needs the day it takes effect (YYYY-MM-DD)")
        return None
    try:
        return parse_day(value, "the effective date")
    except BadDate as err:
        row.fail(column, str(err))
        return None


def versions(entries: Sequence[Entry], file: str, column: str) -> tuple[list[tuple[date, list[Entry]]], list[Problem]]:
    """The versions a dated export implies, by day, each with the entries in force that day; contradictions.

    Entries without a day (their date was a problem of their row) are left out.
    """
    problems: list[Problem] = []
    by_day: dict[tuple[str, date], Entry] = {}
    starting: dict[date, list[Entry]] = defaultdict(list)
    for entry in entries:
        day = entry.effective
        if day is None:
            continue
        first = by_day.setdefault((entry.person.id, day), entry)
        if first is entry:
            starting[day].append(entry)
        elif first.person != entry.person:
            problems.append(_contradiction(first, entry, day, file, column))
    out: list[tuple[date, list[Entry]]] = []
    in_force: dict[str, Entry] = {}  # by person, in the order the file first names them
    for day in sorted(starting):
        for entry in starting[day]:
            in_force[entry.person.id] = entry
        out.append((day, list(in_force.values())))
    return out, problems


def _contradiction(first: Entry, later: Entry, day: date, file: str, column: str) -> Problem:
    row = first.person.source.row
    differ = [
        f"{f.name} {getattr(first.person, f.name)!r} in row {row}, {getattr(later.person, f.name)!r} here"
        for f in fields(first.person)
        if f.compare and getattr(first.person, f.name) != getattr(later.person, f.name)
    ]
    return Problem(
        file,
        later.person.source.row,
        column,
        f"{later.person.id!r} has two rows effective {day} that disagree ({'; '.join(differ)}); "
        "keep one, or date them apart",
    )
