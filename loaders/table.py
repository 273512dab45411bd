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
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from graph.codec import parse_ref
from graph.errors import Problem
from graph.model import Kind, Ref, Source, Status

from .sniff import Sniffed, UnreadableFile, sniff

__all__ = ["Row", "Table", "open_table", "read_table"]

_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}


class Table:
    """A CSV file's header and rows, plus the problems found while reading it.

    Rows are read from the file as they are iterated (:meth:`iter_rows`), so a
    file of a million rows is never held in memory as cells; :attr:`rows` reads
    them all into a list, for small files and tests.
    """

    def __init__(
        self,
        name: str,
        columns: tuple[str, ...],
        records: Iterable[list[str]] = (),
        problems: list[Problem] | None = None,
        sniffed: Sniffed | None = None,
        file: io.TextIOBase | None = None,
    ) -> None:
        self.name = name
        self._file = file
        self.columns = columns
        self.problems: list[Problem] = [] if problems is None else problems
        self.sniffed = sniffed
        self._records = records

    def iter_rows(self) -> Iterator[Row]:
        """The non-blank data rows, numbered as a spreadsheet shows them; read once."""
        records, self._records = self._records, ()
        return _rows(self.name, self.columns, records, self.problems)

    @cached_property
    def rows(self) -> list[Row]:
        return list(self.iter_rows())

    def close(self) -> None:
        """Stop reading (the rows not read yet are never read)."""
        records, self._records = self._records, ()
        if isinstance(records, Generator):
            records.close()
        if self._file is not None:
            self._file.close()  # a generator never started does not run its own cleanup

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


def read_table(path: Path | str, data: bytes | None = None) -> Table:
    """Read a whole CSV file (from ``path``, or ``data`` named ``path``): its header and rows."""
    table = open_table(path, data)
    _ = table.rows
    return table


def open_table(
    path: Path | str, data: bytes | None = None, *, progress: Callable[[int, int], None] | None = None
) -> Table:
    """Open a CSV file (from ``path``, or ``data`` named ``path``): header now, rows as iterated.

    The encoding and delimiter are detected (see :mod:`loaders.sniff`). ``progress``
    is called now and then with the bytes read so far and the file's size.
    """
    name = Path(path).name
    problems: list[Problem] = []

    def open_binary() -> BinaryIO:
        return io.BytesIO(data) if data is not None else Path(path).open("rb")

    try:
        sniffed = sniff(open_binary)
        binary = open_binary()
    except UnreadableFile as err:
        problems.append(Problem(name, None, None, str(err)))
        return Table(name, (), (), problems)
    except OSError as err:
        problems.append(Problem(name, None, None, f"cannot be read: {err.strerror}"))
        return Table(name, (), (), problems)
    size = len(data) if data is not None else Path(path).stat().st_size
    text = io.TextIOWrapper(binary, encoding=sniffed.encoding, newline="")
    records = _records(name, csv.reader(text, delimiter=sniffed.delimiter, strict=True), problems, sniffed)
    header = next(records, None)
    if header is None:
        text.close()
        if not problems:
            problems.append(Problem(name, None, None, "is empty; expected a header row"))
        return Table(name, (), (), problems, sniffed)
    columns = tuple(h.strip().lower() for h in header)
    tracked = records if progress is None else _tracked(records, binary, size, progress)
    return Table(name, columns, _closing(tracked, text), problems, sniffed, text)


def _records(name: str, reader: Any, problems: list[Problem], sniffed: Sniffed) -> Iterator[list[str]]:
    number = 0
    try:
        for number, record in enumerate(reader, start=1):  # noqa: B007 -- the row of a failure
            yield record
    except csv.Error as err:
        problems.append(Problem(name, number + 1, None, f"is not valid CSV: {err}"))
    except UnicodeDecodeError as err:
        encoding = sniffed.describe().split(",")[0]
        problems.append(
            Problem(name, number + 1, None, f"is not {encoding} text after all ({err.reason}); save it as CSV UTF-8")
        )


def _tracked(
    records: Iterator[list[str]], binary: BinaryIO, size: int, progress: Callable[[int, int], None]
) -> Iterator[list[str]]:
    progress(0, size)
    for count, record in enumerate(records, start=1):
        if count % 20_000 == 0:
            progress(binary.tell(), size)
        yield record
    progress(size, size)


def _closing(records: Iterator[list[str]], text: io.TextIOWrapper) -> Iterator[list[str]]:
    try:
        yield from records
    finally:
        text.close()


def _rows(name: str, header: tuple[str, ...], records: Iterable[list[str]], problems: list[Problem]) -> Iterator[Row]:
    width = len(header)
    for number, cells in enumerate(records, start=2):
        if not any(cells) or not any(c.strip() for c in cells):
            continue  # blank rows are what spreadsheets leave at the end
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems.append(Problem(name, number, None, f"has {len(cells)} cells but the header has {width} columns"))
        yield Row(name, number, dict(zip(header, cells, strict=False)), problems)
