"""Records to plain JSON-able dicts and back, for the stores and exports.

The dict of a record holds its fields by name with ``None`` and empty values
left out; references of an open kind are written ``kind:id``, dates ISO, the
source ``file:row``. It is the one serialised form of a record, so every
backend stores the same thing.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
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
        elif isinstance(value, timedelta):
            value = int(value.total_seconds())
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


_STATUSES = {status.value: status for status in Status}
_REFS = ("operated_by", "escalation_contact", "scope", "target")
_LISTS = ("holder_ids", "synonyms", "examples")


def decode(kind: Kind, data: dict[str, Any]) -> Record:
    # Only the fields that need it are converted: a store of a million people is decoded at every start.
    values = dict(data)
    source = values.get("source")
    if source is not None:
        values["source"] = Source(source[0], source[1])
    status = values.get("status")
    if status is not None:
        values["status"] = _STATUSES.get(status) or Status(status)
    if kind is not Kind.PERSON:
        for name in _REFS:
            if name in values:
                values[name] = parse_ref(values[name])
        for name in _LISTS:
            if name in values:
                values[name] = tuple(values[name])
        for name in ("starts", "ends"):
            if name in values:
                values[name] = date.fromisoformat(values[name])
        for name in ("respond_within", "escalate_every"):
            if name in values:
                values[name] = timedelta(seconds=values[name])
    record: Record = CLASSES[kind](**values)
    return record


def dumps(record: Record) -> str:
    return json.dumps(encode(record), ensure_ascii=False, separators=(",", ":"))


def loads(kind: Kind, text: str) -> Record:
    return decode(kind, json.loads(text))
