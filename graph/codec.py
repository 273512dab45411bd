"""Records to plain JSON-able dicts and back, for the stores and exports.

The dict of a record holds its fields by name with ``None`` and empty values
left out; references of an open kind are written ``kind:id``, dates ISO, the
source ``file:row``. It is the one serialised form of a record, so every
backend stores the same thing.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from .model import (
    Absence,
    Account,
    Agency,
    Department,
    IssueType,
    Kind,
    Person,
    Record,
    Ref,
    Role,
    Rule,
    Source,
    Status,
)

__all__ = ["decode", "dumps", "encode", "loads", "parse_ref"]

CLASSES: dict[Kind, type[Any]] = {
    Kind.DEPARTMENT: Department,
    Kind.ROLE: Role,
    Kind.PERSON: Person,
    Kind.AGENCY: Agency,
    Kind.ACCOUNT: Account,
    Kind.ISSUE_TYPE: IssueType,
    Kind.RULE: Rule,
    Kind.ABSENCE: Absence,
}

_FIELDS = {kind: tuple(f.name for f in dataclasses.fields(cls)) for kind, cls in CLASSES.items()}


def parse_ref(text: str) -> Ref:
    """``"role:billing"`` → ``Ref(Kind.ROLE, "billing")``; raises ValueError on a bad kind."""
    kind, sep, id = text.partition(":")
    if not sep or not id:
        raise ValueError(f"{text!r} is not of the form kind:id")
    return Ref(Kind(kind.strip().lower()), id.strip())


def encode(record: Record) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _FIELDS[record.kind]:
        value = getattr(record, name)
        if value is None or value == ():
            continue
        if name == "source":
            if value.file:
                out[name] = [value.file, value.row]
            continue
        if isinstance(value, (Ref, Status)):
            value = str(value)
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


def decode(kind: Kind, data: dict[str, Any]) -> Record:
    values = dict(data)
    for name, value in data.items():
        if name == "source":
            values[name] = Source(value[0], value[1])
        elif name in ("operated_by", "escalation_contact", "scope", "target"):
            values[name] = parse_ref(value)
        elif name == "status":
            values[name] = Status(value)
        elif name in ("starts", "ends"):
            values[name] = date.fromisoformat(value)
        elif isinstance(value, list):
            values[name] = tuple(value)
    record: Record = CLASSES[kind](**values)
    return record


def dumps(record: Record) -> str:
    return json.dumps(encode(record), ensure_ascii=False, separators=(",", ":"))


def loads(kind: Kind, text: str) -> Record:
    return decode(kind, json.loads(text))
