"""Reading one CSV file of a bundle: rows, columns and values, every problem located.

Vocabulary:

- A *table* is one CSV file: a header row, then data rows. Rows are numbered
  as a spreadsheet shows them (the header is row 1), so a problem's row is the
  one HR sees when they open the file.
- A *cell* is read through a :class:`Row`, which knows its file and number, so
  a bad value becomes a :class:`~graph.errors.Problem` naming file, row and
  column, and the loader carries on to find the next one.
- A file that cannot be read to its end (not CSV, not text in its encoding, cut
  short in the middle of a row) has *failed*: its problems are in
  :attr:`Table.failed` too, and its rows are not the whole file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from buckstop.graph.codec import parse_ref
from buckstop.graph.durations import parse_duration
from buckstop.graph.errors import Problem
from buckstop.graph.model import Kind, Ref, Source, Status

from .sniff import Sniffed, UnreadableFile, sniff

__all__ = ["Row", "Table", "open_table", "read_table"]

_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}
# Bytes the file's encoding could not decode, kept as lone surrogates (the "surrogateescape" error handler).
_UNDECODED = re.compile("[\udc80-\udcff]")
# Encodings whose every byte the sniffer has already checked over the whole file.
_CHECKED = ("utf-8", "cp1252")


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
        failed: list[Problem] | None = None,
    ) -> None:
        self.name = name
        self._file = file
        self.columns = columns
        self.problems: list[Problem] = [] if problems is None else problems
        #: The problems that stopped the file being read (also in :attr:`problems`); empty while it reads.
        self.failed: list[Problem] = [] if failed is None else failed
        self.sniffed = sniffed
        self._records = records

    def iter_rows(self) -> Iterator[Row]:
        """The non-blank data rows, numbered as a spreadsheet shows them; read once."""
        records, self._records = self._records, ()
        sniffed = self.sniffed
        undecoded = sniffed is not None and (sniffed.mixed or sniffed.encoding not in _CHECKED)
        return _rows(self.name, self.columns, records, self.problems, sniffed if undecoded else None)

    @property
    def complete(self) -> bool:
        """Whether the file has a header and was (so far) read without a failure."""
        return bool(self.columns) and not self.failed

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

    def duration(self, column: str) -> timedelta | None:
        """An optional duration such as ``30m``, ``4h``, ``2d`` (:func:`graph.durations.parse_duration`)."""
        value = self.text(column)
        if value is None:
            return None
        try:
            return parse_duration(value)
        except ValueError as err:
            self.fail(column, str(err))
            return None

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
        ends_a_line = _ends_a_line(binary)
    except UnreadableFile as err:
        problems.append(Problem(name, None, None, str(err)))
        return Table(name, (), (), problems, failed=problems[-1:])
    except FileNotFoundError:
        problems.append(Problem(name, None, None, "no such file"))
        return Table(name, (), (), problems, failed=problems[-1:])
    except OSError as err:
        problems.append(Problem(name, None, None, f"cannot be read: {err.strerror}"))
        return Table(name, (), (), problems, failed=problems[-1:])
    size = len(data) if data is not None else Path(path).stat().st_size
    # surrogateescape: a byte the encoding cannot read becomes a problem of its row and cell (see _rows).
    text = io.TextIOWrapper(binary, encoding=sniffed.encoding, errors="surrogateescape", newline="")
    failed: list[Problem] = []
    reader = csv.reader(text, delimiter=sniffed.delimiter, strict=True)
    records = _records(name, reader, _Sink(problems, failed), sniffed, ends_a_line)
    header = next(records, None)
    if header is None:
        text.close()
        if not problems:
            problems.append(Problem(name, None, None, "is empty; expected a header row"))
        return Table(name, (), (), problems, sniffed, failed=problems[-1:])
    columns = tuple(h.strip().lower() for h in header)
    if len(columns) == 1 and "|" in columns[0]:
        shown = columns[0] if len(columns[0]) <= 60 else columns[0][:60] + "…"
        problems.append(
            Problem(name, 1, None, f"has one column {shown!r}: its values look separated by '|'; save it as CSV UTF-8")
        )
        failed.append(problems[-1])
    tracked = records if progress is None else _tracked(records, binary, size, progress)
    return Table(name, columns, _closing(tracked, text), problems, sniffed, text, failed)


class _Sink:
    """Where a problem that stops the reading goes: among the table's problems, and its failures."""

    def __init__(self, problems: list[Problem], failed: list[Problem]) -> None:
        self.problems, self.failed = problems, failed

    def fail(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.failed.append(problem)


def _ends_a_line(binary: BinaryIO) -> bool:
    """Whether the file's last character ends a line (zero bytes dropped, so UTF-16 too); rewinds."""
    binary.seek(0, io.SEEK_END)
    binary.seek(max(0, binary.tell() - 4))
    tail = binary.read().replace(b"\x00", b"")
    binary.seek(0)
    return not tail or tail.endswith((b"\n", b"\r"))


def _records(name: str, reader: Any, sink: _Sink, sniffed: Sniffed, ends_a_line: bool) -> Iterator[list[str]]:
    number, header, last = 0, list[str](), list[str]()
    try:
        for number, last in enumerate(reader, start=1):  # noqa: B007 -- the row of a failure
            header = header or last
            yield last
    except csv.Error as err:
        sink.fail(Problem(name, number + 1, None, _csv_error(err)))
        return
    except UnicodeDecodeError as err:
        encoding = sniffed.describe().split(",")[0]
        sink.fail(
            Problem(name, number + 1, None, f"is not {encoding} text after all ({err.reason}); save it as CSV UTF-8")
        )
        return
    if not ends_a_line and number > 1 and 0 < len(last) < len(header):
        # A row without its line end and short of cells: the file stops inside it (a download or copy cut short).
        column = header[len(last) - 1].strip().lower() or None
        sink.fail(
            Problem(
                name,
                number,
                column,
                f"the file ends in the middle of this row ({len(last)} of {len(header)} cells, no line end): "
                "it looks cut short; export it again",
            )
        )


def _csv_error(err: csv.Error) -> str:
    message = str(err)
    if "unexpected end of data" in message:
        return "a quoted cell opened in this row is never closed: a quote is missing, or the file is cut short"
    if "field larger than field limit" in message:
        return (
            f"holds a cell longer than {csv.field_size_limit():,} characters, which no real value is: "
            "a quote left open swallowing the rest of the file, or not an export"
        )
    return f"is not valid CSV: {message}"


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


def _rows(
    name: str,
    header: tuple[str, ...],
    records: Iterable[list[str]],
    problems: list[Problem],
    undecoded: Sniffed | None = None,
) -> Iterator[Row]:
    """Rows of ``records``; with ``undecoded``, each cell holding a byte its encoding could not read is a problem."""
    width = len(header)
    for number, cells in enumerate(records, start=2):
        if not any(cells) or not any(c.strip() for c in cells):
            continue  # blank rows are what spreadsheets leave at the end
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems.append(Problem(name, number, None, f"has {len(cells)} cells but the header has {width} columns"))
        named = dict(zip(header, cells, strict=False))
        if undecoded is not None and _UNDECODED.search("".join(cells)):
            _undecodable(name, number, named, problems, undecoded)
        yield Row(name, number, named, problems)


def _undecodable(name: str, number: int, cells: dict[str, str], problems: list[Problem], sniffed: Sniffed) -> None:
    encoding = sniffed.describe().split(",")[0]
    for column, cell in cells.items():
        found = _UNDECODED.search(cell)
        if found is None:
            continue
        byte = ord(found.group()) - 0xDC00
        as_cp1252 = bytes([byte]).decode("cp1252", errors="replace")
        problems.append(
            Problem(
                name,
                number,
                column,
                f"holds byte 0x{byte:02X}, which is not {encoding} (Windows-1252 reads it as {as_cp1252!r}): "
                "the file mixes encodings; save it as CSV UTF-8",
            )
        )
        cells[column] = _UNDECODED.sub("\ufffd", cell)  # what is shown of it (a dry run's diff) stays printable
