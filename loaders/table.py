"""Reading one CSV file of a bundle: rows, columns and values, every problem located.

Vocabulary:

- A *table* is one CSV file: a header row, then data rows. Rows are numbered
  as a spreadsheet shows them (the header is row 1), so a problem's row is the
  one HR sees when they open the file.
- A *cell* is read through a :class:`Row`, which knows its file and number, so
  a bad value becomes a :class:`~graph.errors.Problem` naming file, row and
  column, and the loader carries on to find the next one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from graph.codec import parse_ref
from graph.errors import Problem
from graph.model import Kind, Ref, Source, Status

__all__ = ["Row", "Table", "read_table"]

_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}


@dataclass
class Table:
    """A CSV file's rows, plus the problems found while reading it."""

    name: str
    columns: tuple[str, ...]
    rows: list[Row]
    problems: list[Problem] = field(default_factory=list)

    def check_columns(self, required: Sequence[str], optional: Sequence[str] = ()) -> bool:
        """Note missing and unknown columns; whether every required column is there."""
        missing = [c for c in required if c not in self.columns]
        for column in missing:
            self.problems.append(Problem(self.name, 1, column, "missing column"))
        expected = [*required, *optional]
        for column in self.columns:
            if column and column not in expected:
                self.problems.append(Problem(self.name, 1, column, f"unknown column; expected {', '.join(expected)}"))
        return not missing


@dataclass
class Row:
    """One data row: its cells by column, and a sink for the problems of its values."""

    table: str
    number: int
    cells: dict[str, str]
    problems: list[Problem]

    @property
    def source(self) -> Source:
        return Source(self.table, self.number)

    def fail(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.table, self.number, column, message))

    def text(self, column: str) -> str | None:
        """The trimmed cell, or None when empty or absent."""
        value = (self.cells.get(column) or "").strip()
        return value or None

    def required(self, column: str) -> str:
        value = self.text(column)
        if value is None:
            self.fail(column, "is required")
            return ""
        return value

    def id(self, column: str, kind: Kind) -> str | None:
        """A plain reference to a node of a fixed kind (``kind:`` prefix tolerated)."""
        value = self.text(column)
        if value is not None and value.lower().startswith(f"{kind}:"):
            value = value[len(kind) + 1 :].strip() or None
        return value

    def ids(self, column: str, kind: Kind) -> tuple[str, ...]:
        """Several ids separated by ``;``, in order, without blanks or repeats."""
        found: list[str] = []
        for part in (self.text(column) or "").split(";"):
            value = part.strip()
            if value.lower().startswith(f"{kind}:"):
                value = value[len(kind) + 1 :].strip()
            if value and value not in found:
                found.append(value)
        return tuple(found)

    def values(self, column: str) -> tuple[str, ...]:
        parts = (p.strip() for p in (self.text(column) or "").split(";"))
        return tuple(dict.fromkeys(p for p in parts if p))

    def ref(self, column: str, allowed: Sequence[Kind]) -> Ref | None:
        """A reference of an open kind, ``kind:id``."""
        value = self.text(column)
        if value is None:
            return None
        expected = " or ".join(f"{k}:ID" for k in allowed)
        try:
            ref = parse_ref(value)
        except ValueError:
            self.fail(column, f"{value!r} is not a reference; expected {expected}")
            return None
        if ref.kind not in allowed:
            self.fail(column, f"{value!r} has kind {ref.kind.value!r}; expected {expected}")
            return None
        return ref

    def status(self, column: str) -> Status:
        value = (self.text(column) or "active").lower()
        try:
            return Status(value)
        except ValueError:
            self.fail(column, f"{value!r} is not a status; expected active, absent or left")
            return Status.ACTIVE

    def flag(self, column: str) -> bool:
        value = (self.text(column) or "").lower()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self.fail(column, f"{value!r} is not true or false")
        return False

    def date(self, column: str) -> date | None:
        value = self.text(column)
        if value is None:
            self.fail(column, "is required (an ISO date such as 2026-12-31)")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(column, f"{value!r} is not an ISO date such as 2026-12-31")
            return None


def read_table(path: Path) -> Table:
    """Read ``path``: its header and non-blank rows, noting every problem of form."""
    name = path.name
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        problems.append(Problem(name, None, None, f"is not UTF-8 text ({err.reason} at byte {err.start})"))
        return Table(name, (), [], problems)
    except OSError as err:
        problems.append(Problem(name, None, None, f"cannot be read: {err.strerror}"))
        return Table(name, (), [], problems)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as err:
        problems.append(Problem(name, reader.line_num, None, f"is not valid CSV: {err}"))
        return Table(name, (), [], problems)
    if not records:
        problems.append(Problem(name, None, None, "is empty; expected a header row"))
        return Table(name, (), [], problems)
    header = tuple(h.strip().lower() for h in records[0])
    table = Table(name, header, [], problems)
    table.rows = list(_rows(name, header, records[1:], problems))
    return table


def _rows(name: str, header: tuple[str, ...], records: list[list[str]], problems: list[Problem]) -> Iterator[Row]:
    for number, cells in enumerate(records, start=2):
        if not any(c.strip() for c in cells):
            continue  # blank rows are what spreadsheets leave at the end
        if len(cells) > len(header):
            problems.append(
                Problem(name, number, None, f"has {len(cells)} cells but the header has {len(header)} columns")
            )
        yield Row(name, number, dict(zip(header, cells, strict=False)), problems)
