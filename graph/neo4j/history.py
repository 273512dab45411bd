"""The history of a Neo4j store: its versions as ``Version`` nodes, each the change from the one before.

Vocabulary:

- A ``Version`` node holds one version of the org (:mod:`graph.timeline`): its ``number`` (the
  load's), ``effective`` date, ``key``, and ``delta``: the records *put* (new or changed) and the
  records *dropped* since the version before it in force order, as JSON. History is changes,
  not copies: a version costs what changed.
- *Folding* the deltas of the versions up to one, in order, gives its org (:func:`fold`).
- The org's nodes (``OrgNode``) hold one version *materialised*: the one in force on the day
  of the last load (graph.neo4j.store); the questions about its days read those nodes, and the
  questions about other days are answered from the history.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from buckstop.graph.codec import dumps, loads
from buckstop.graph.model import Kind, Record
from buckstop.graph.org import Org
from buckstop.graph.timeline import BEGINNING, Version

__all__ = ["Stored", "delta", "fold", "stored"]


@dataclass(frozen=True, slots=True)
class Stored:
    """A ``Version`` node as read: the version and its delta (JSON text)."""

    version: Version
    delta: str


def stored(row: Any) -> Stored:
    return Stored(Version(int(row["number"]), date.fromisoformat(row["effective"])), row["delta"])


def delta(before: Org, after: Org, kinds: Iterable[Kind] = tuple(Kind)) -> str:
    """The change from ``before`` to ``after`` among ``kinds``, as the JSON a ``Version`` node keeps."""
    put: list[list[str]] = []
    drop: list[list[str]] = []
    for kind in kinds:
        old, new = before.of_kind(kind), after.of_kind(kind)
        put += [[kind.value, dumps(r)] for id, r in new.items() if old.get(id) != r]
        drop += [[kind.value, id] for id in old if id not in new]
    return json.dumps({"put": put, "drop": drop}, separators=(",", ":"))


def apply_delta(records: dict[tuple[Kind, str], Record], text: str) -> None:
    change = json.loads(text)
    for kind, id in change["drop"]:
        records.pop((Kind(kind), id), None)
    for kind, data in change["put"]:
        record = loads(Kind(kind), data)
        records[(record.kind, record.id)] = record


def fold(history: Iterable[Stored], base: Org | None = None) -> Org:
    """The org of the last version of ``history`` (in force order), from ``base`` (the org before the first)."""
    records: dict[tuple[Kind, str], Record] = {(r.kind, r.id): r for r in base.records()} if base else {}
    last: Version | None = None
    for each in history:
        apply_delta(records, each.delta)
        last = each.version
    if last is None:
        return base or Org()
    effective = None if last.effective == BEGINNING else last.effective
    return Org(records.values(), version=last.number, effective=effective)
