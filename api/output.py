"""Printing answers: readable tables on a terminal, JSON for scripts and agents."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from buckstop.graph.codec import encode
from buckstop.graph.model import Person
from buckstop.queries.routing import Routing

__all__ = ["emit_json", "person_dict", "person_line", "routing_dict", "spreadsheet_safe", "table", "write_csv"]

#: A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Rows as aligned columns under a header."""
    cells = [list(header), *[list(r) for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def person_line(person: Person) -> str:
    extra = f", {person.title}" if person.title else ""
    status = "" if person.status.value == "active" else f" [{person.status.value}]"
    return f"{person.name} ({person.id}{extra}){status}"


def person_dict(person: Person) -> dict[str, Any]:
    return encode(person)


def routing_dict(answer: Routing) -> dict[str, Any]:
    return {
        "account": encode(answer.account),
        "issueType": encode(answer.issue_type),
        "rule": encode(answer.rule) if answer.rule else None,
        "fallback": answer.fallback,
        "handlers": [person_dict(p) for p in answer.handlers],
        "escalation": [
            {"level": s.level, "absent": s.absent, "person": person_dict(s.person)} for s in answer.escalation
        ],
        "top": person_dict(answer.top) if answer.top else None,
        "explanation": list(answer.explanation),
        "day": answer.day.isoformat(),
    }


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text, never runs it: a formula start gets a leading ``'``.

    >>> spreadsheet_safe("=1+2"), spreadsheet_safe("Ann")
    ("'=1+2", 'Ann')
    """
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def write_csv(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """CSV that is safe to open in a spreadsheet (see :func:`spreadsheet_safe`)."""
    writer = csv.writer(stream, lineterminator="\r\n")  # CRLF, as RFC 4180: a lone CR in a cell is then quoted
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(str(cell)) for cell in row] for row in rows)
