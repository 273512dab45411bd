r"""Printing answers: readable tables on a terminal, JSON for scripts and agents.

Every value of an org comes from a bundle or an HR export, so it may hold
hidden characters (:mod:`queries.text`): what a terminal acts on rather than
shows (a line feed forges a line, an ESC sequence clears the screen, a bidi
control makes a name read backwards). All text output goes through :func:`say`
and :func:`table` (errors too: ``say(line, stream=sys.stderr)``), which show each such character as an escape (``\x1b``,
``\u202e``) through :func:`printable`; :func:`emit_json` writes them as ``\u``
escapes; CSV cells a spreadsheet would run are neutralised (:func:`spreadsheet_safe`).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from buckstop.graph.errors import BundleRefused
from buckstop.graph.model import Person
from buckstop.queries.text import HIDDEN

__all__ = [
    "emit_json",
    "person_line",
    "printable",
    "refused",
    "say",
    "spreadsheet_safe",
    "table",
    "write_csv",
]

#: A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Joins several values in one CSV cell (handlers), as in the bundle files.
CSV_JOINER = ";"


#: The escapes everyone reads; every other character is shown by its code.
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    return char if char < " " else f"\\u{ord(char):04x}"  # below a space: the layout's line feeds


def printable(text: str) -> str:
    r"""``text`` with every character a terminal would act on shown as its escape, visibly, never dropped.

    A backslash is left as it is, so escaping twice changes nothing.

    >>> print(printable("Eve\x1b[2J"), printable("Ann\nroot"), printable("Bob \u202egnp.exe"))
    Eve\x1b[2J Ann\nroot Bob \u202egnp.exe
    """
    return HIDDEN.sub(_escape, text)


def say(line: str = "", *, stream: TextIO | None = None) -> None:
    """Print one line of text output, its values made :func:`printable` (a line feed in a value included).

    To stdout, or to ``stream`` (stderr, for errors: they quote values of the bundle or of the store too).
    Text of several lines is said line by line, where the layout's line feeds are known.
    """
    print(printable(line), file=stream if stream is not None else sys.stdout)


def refused(err: BundleRefused) -> None:
    """A refused bundle's problems on stderr, one :func:`say` a line: a value in one cannot forge another."""
    first, *rest = err.lines
    say(f"buckstop: {first}", stream=sys.stderr)
    for line in rest:
        say(line, stream=sys.stderr)


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Rows as aligned columns under a header, each cell :func:`printable`."""
    cells = [[printable(c) for c in header], *[[printable(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def person_line(person: Person) -> str:
    extra = f", {person.title}" if person.title else ""
    status = "" if person.status.value == "active" else f" [{person.status.value}]"
    return printable(f"{person.name} ({person.id}{extra}){status}")


def emit_json(value: Any) -> None:
    r"""``value`` as JSON, readable (accents as they are) but with every unprintable character a ``\u`` escape.

    JSON escapes C0 controls itself; DEL, C1 and bidi controls it would write raw. They can only be inside
    strings, where ``\u`` escapes mean the same, so a parser reads the same value.
    """
    text = json.dumps(value, ensure_ascii=False, indent=2)
    sys.stdout.write(HIDDEN.sub(_json_escape, text))
    sys.stdout.write("\n")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text, never runs it: each formula start gets a leading ``'``.

    Every part of a cell joined with ``;`` is a cell of its own to a spreadsheet that splits on it
    (text to columns, or a CSV opened where ``;`` is the separator), so each part is neutralised.

    >>> spreadsheet_safe("=1+2"), spreadsheet_safe("Ann"), spreadsheet_safe("Ada Lovelace;=1+2")
    ("'=1+2", 'Ann', "Ada Lovelace;'=1+2")
    """
    return CSV_JOINER.join("'" + part if part.startswith(_FORMULA_STARTS) else part for part in cell.split(CSV_JOINER))


def write_csv(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """CSV that is safe to open in a spreadsheet (see :func:`spreadsheet_safe`)."""
    writer = csv.writer(stream, lineterminator="\r\n")  # CRLF, as RFC 4180: a lone CR in a cell is then quoted
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(str(cell)) for cell in row] for row in rows)
