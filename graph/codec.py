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
from operator import attrgetter
from typing import Any

import orjson

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


def _plain(annotation: object) -> bool:
    """Whether a field of this annotation (a text: the model postpones them) holds str, int, bool or None only."""
    return set(str(annotation).replace(" ", "").split("|")) <= {"str", "int", "bool", "None"}


_FIELDS = {kind: tuple(f.name for f in dataclasses.fields(cls)) for kind, cls in CLASSES.items()}
#: Each kind's field values, as one tuple.
_VALUES = {kind: attrgetter(*names) for kind, names in _FIELDS.items()}
#: Each kind's fields whose values are not written as they are: a source, a status, a reference, a date, a
#: duration or a tuple (from the annotations: a field typed ``str | None`` or ``bool`` needs nothing).
_CONVERTED = {
    kind: tuple(f.name for f in dataclasses.fields(cls) if f.name == "source" or not _plain(f.type))
    for kind, cls in CLASSES.items()
}


def parse_ref(text: str) -> Ref:
    """``"role:billing"`` → ``Ref(Kind.ROLE, "billing")``; raises ValueError on a bad kind."""
    kind, sep, id = text.partition(":")
    if not sep or not id:
        raise ValueError(f"{text!r} is not of the form kind:id")
    return Ref(Kind(kind.strip().lower()), id.strip())


def encode(record: Record) -> dict[str, Any]:
    # A million records are encoded by a load: the fields are read by one attrgetter, and only the few
    # of each kind that are not written as they are (_CONVERTED) are looked at again.
    kind = record.kind
    out = {
        name: value
        for name, value in zip(_FIELDS[kind], _VALUES[kind](record), strict=True)
        if value is not None and value != ()
    }
    for name in _CONVERTED[kind]:
        value = out.get(name)
        if value is None:
            continue
        if name == "source":
            if value.file:
                out[name] = [value.file, value.row]
            else:
                del out[name]
        elif isinstance(value, (Ref, Status)):
            out[name] = str(value)
        elif isinstance(value, timedelta):
            out[name] = int(value.total_seconds())
        elif isinstance(value, date):
            out[name] = value.isoformat()
        elif isinstance(value, tuple):
            out[name] = list(value)
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


#: The standard library's encoder of the same text, for what orjson refuses (``json.dumps`` with options makes one
#: per call).
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(record: Record) -> str:
    """The record's JSON: compact, its text as it is (not ``\\u`` escapes).

    Written by orjson, in about a ninth of the standard library's time (0.3 µs a person against 2.7); the text is the
    same, character for character (tests/graph/test_codec.py). What orjson refuses and the standard library
    writes (a lone surrogate, an integer over 64 bits) is written by the standard library.
    """
    encoded = encode(record)
    try:
        return orjson.dumps(encoded).decode()
    except orjson.JSONEncodeError:
        return _JSON.encode(encoded)


def loads(kind: Kind, text: str) -> Record:
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:  # what only the standard library reads (e.g. a lone surrogate)
        data = json.loads(text)
    return decode(kind, data)
