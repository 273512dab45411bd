"""Printing answers: readable tables on a terminal, JSON for scripts and agents."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from graph.codec import encode
from graph.model import Person
from queries.routing import Routing

__all__ = ["emit_json", "person_dict", "person_line", "routing_dict", "table"]


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
