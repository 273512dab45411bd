"""Cases: one customer question on one account, followed until someone answers it.

Vocabulary:

- A :class:`Case` is one customer's question on one account: the issue type (given, or
  triaged from the message), the customer's *handle* and words, the route at opening (its
  chain of command and explanation, of an org *version*), a *status* (open, acknowledged,
  resolved), the current *handlers* and the *level* they are at on the chain (0: the first
  handler), and a *respond-by* deadline (none: nobody is waiting on a timer).
- Its *history* is an append-only list of :class:`Event`: when, who (*actor*: a token's name,
  ``cli:USER``, :data:`TIMER` for the sweep), from whom to whom, a note, the org version.
- A case's *revision* is the number of its events. Every change is written with the revision it
  was made from (*compare and set*): of two changes made from the same revision one lands and the
  other raises :class:`CaseChanged`, so two people escalating at once, or two sweeps, move a case
  once.
- A case *climbs* (:attr:`Case.climbs`) while it is below the top of its chain: only those the
  sweep can move are read by it (``find(climbing=True)``), so cases kept by the top for ever,
  overdue but with nobody above, never crowd out the ones that can still move.
- A hand-off to an issue type is a *correction*: someone says the case was about another type.
  Its event names that type; the case's message with it is what triage may learn from
  (:meth:`CaseBook.corrections`). It stays in the case, so forgetting a case forgets it.
- A case's *target* is what a hand-off named (``person:ID``, ``role:ID``, ``department:ID``):
  its handlers are that target's available people, not its issue type's route; None: the route.
- The first *triage lines* of a case's explanation say how its message was read, and quote the
  customer's words: they are the customer's, like the message (the public view leaves them out).
- A CaseBook also keeps a *log* of what was done to personal data (purged, exported, forgotten):
  :class:`~graph.store.Change` entries of kind ``cases``, listed with the loads in ``changes``.
- A :class:`CaseBook` keeps the cases of one store (``store.cases``), in its SQLite file or in
  its Neo4j, beside the org and never inside it: a load replaces the org and leaves the cases.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from .errors import BuckstopError
from .store import Change

__all__ = [
    "TIMER",
    "ActionOnResolved",
    "Case",
    "CaseBook",
    "CaseChanged",
    "CaseStatus",
    "Event",
    "EventKind",
    "UnknownCase",
    "Wipe",
    "decode_case",
    "decode_event",
    "encode_case",
    "encode_event",
]

#: The actor of the events the sweep writes.
TIMER = "buckstop"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class EventKind(enum.StrEnum):
    OPENED = "opened"
    ACKNOWLEDGED = "acknowledged"
    NOTED = "noted"
    HANDED_OFF = "handed_off"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    REASSIGNED = "reassigned"  # a load made the handler a leaver, absent, or no longer the route's answer


@dataclass(frozen=True, slots=True)
class Event:
    """One step of a case's history. ``from_ids`` and ``to_ids`` are the handlers before and after."""

    kind: EventKind
    at: datetime
    actor: str
    note: str = ""
    from_ids: tuple[str, ...] = ()
    to_ids: tuple[str, ...] = ()
    level: int = 0  # the level after the event
    org_version: int = 0
    issue_type_id: str | None = None  # a hand-off's: the issue type it re-routed the case to (a correction)


@dataclass(frozen=True, slots=True)
class Case:
    """A case as it stands, with its history. ``id`` is 0 until the book keeps it."""

    id: int
    account_id: str
    issue_type_id: str | None  # None: the message matched no issue type, and went to the fallback
    customer: str
    summary: str
    message: str
    status: CaseStatus
    handler_ids: tuple[str, ...]
    chain_ids: tuple[str, ...]  # the escalation chain the case climbs: level 0 is the first handler
    level: int
    respond_by: datetime | None
    escalate_every: timedelta | None  # how long each level has after the first deadline
    opened: datetime
    org_version: int
    explanation: tuple[str, ...]  # why the route went where it went, when the case was (re-)routed
    events: tuple[Event, ...] = field(default=())
    target: str | None = None  # what a hand-off named (person:ID, role:ID, department:ID); None: the route
    triage_lines: int = 0  # the first lines of the explanation: how the message was read, quoting it

    @property
    def revision(self) -> int:
        return len(self.events)

    @property
    def last_at(self) -> datetime:
        """When the newest event happened (a resolved case: when it was resolved)."""
        return self.events[-1].at if self.events else self.opened

    @property
    def climbs(self) -> bool:
        """Whether there is someone above its level on its chain (the sweep could move it)."""
        return self.level < len(self.chain_ids) - 1

    def overdue(self, now: datetime) -> bool:
        return self.status is CaseStatus.OPEN and self.respond_by is not None and self.respond_by <= now

    def then(self, event: Event, **changes: object) -> Case:
        """This case after ``event``, with ``changes`` to its fields."""
        return replace(self, events=(*self.events, event), **changes)  # type: ignore[arg-type]


class UnknownCase(BuckstopError):
    code = "UNKNOWN_CASE"

    def __init__(self, asked: object) -> None:
        super().__init__(f"unknown case {str(asked)!r}; `buckstop cases` lists them")


class ActionOnResolved(BuckstopError):
    code = "CASE_RESOLVED"

    def __init__(self, case_id: int, action: str) -> None:
        super().__init__(f"case {case_id} is resolved, so it cannot be {action}; reopen it first")


class CaseChanged(BuckstopError):
    """The case changed between reading it and writing the change: the change was not made."""

    code = "CASE_CHANGED"

    def __init__(self, case_id: int) -> None:
        super().__init__(f"case {case_id} was changed by someone else meanwhile; nothing was changed, read it again")


class CaseBook(Protocol):
    """Where a store keeps its cases. Both backends honour exactly this contract."""

    def add(self, case: Case) -> Case:
        """Keep a new case (its events so far included); the case with its id."""
        ...

    def get(self, case_id: int) -> Case | None:
        """The case with its whole history, or None."""
        ...

    def update(self, case: Case, *, revision: int) -> Case:
        """Write ``case`` (its new events appended) if the kept one is still at ``revision``.

        Raises CaseChanged, writing nothing, if it is not. Both backends' (they subclass this protocol):
        one change of :meth:`update_many`.
        """
        if not self.update_many([(case, revision)]):
            raise CaseChanged(case.id)
        return case

    def update_many(self, changes: Sequence[tuple[Case, int]]) -> list[Case]:
        """Write each ``(case, revision)`` as :meth:`update` would, all in one transaction; the cases
        that landed, in the order given. One whose kept case is no longer at its revision is skipped
        (nothing of it written), not raised: the others still land."""
        ...

    def find(
        self,
        *,
        status: CaseStatus | None = None,
        account_id: str | None = None,
        due_by: datetime | None = None,
        handler_id: str | None = None,
        customer: str | None = None,
        climbing: bool = False,
        first: int = 100,
        offset: int = 0,
    ) -> list[Case]:
        """Cases newest first; ``due_by``: only open ones whose respond-by is at or before it;
        ``handler_id``: those it is with now; ``customer``: that customer's (the handle as kept);
        ``climbing``: only those below the top of their chain (:attr:`Case.climbs`)."""
        ...

    def corrections(self) -> list[tuple[str, str]]:
        """``(issue type id, the case's message)`` of every hand-off to an issue type, oldest first: the
        corrections people made to where a case was routed (triage may learn from them, docs/triage.md)."""
        ...

    def wipe(self, wipe: Wipe, *, summary: Callable[[int], Change | None]) -> int:
        """Erase the cases ``wipe`` selects, with their events, and log ``summary(count)`` in the
        same transaction (None: no line); the count."""
        ...

    def log(self, entry: Change) -> None:
        """Log what was done to personal data (an export)."""
        ...

    def logged(self, limit: int = 100) -> list[Change]:
        """The newest ``limit`` entries of the log, newest first."""
        ...


@dataclass(frozen=True, slots=True)
class Wipe:
    """Which cases an erasure takes: one customer's (all of them), or those resolved before a time."""

    customer: str | None = None
    resolved_before: datetime | None = None


# -- the one serialised form of a case and an event, so that both backends keep the same thing --------


def encode_event(event: Event) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": event.kind.value,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "note": event.note,
        "from": list(event.from_ids),
        "to": list(event.to_ids),
        "level": event.level,
        "orgVersion": event.org_version,
    }
    if event.issue_type_id is not None:  # only a hand-off to an issue type has one
        data["issueType"] = event.issue_type_id
    return data


def decode_event(data: dict[str, Any]) -> Event:
    return Event(
        EventKind(data["kind"]),
        datetime.fromisoformat(data["at"]),
        data["actor"],
        data["note"],
        tuple(data["from"]),
        tuple(data["to"]),
        data["level"],
        data["orgVersion"],
        data.get("issueType"),
    )


def encode_case(case: Case) -> dict[str, object]:
    """The case without its id and events (kept beside it)."""
    return {
        "account": case.account_id,
        "issueType": case.issue_type_id,
        "customer": case.customer,
        "summary": case.summary,
        "message": case.message,
        "status": case.status.value,
        "handlers": list(case.handler_ids),
        "chain": list(case.chain_ids),
        "level": case.level,
        "respondBy": case.respond_by.isoformat() if case.respond_by else None,
        "escalateEvery": int(case.escalate_every.total_seconds()) if case.escalate_every else None,
        "opened": case.opened.isoformat(),
        "orgVersion": case.org_version,
        "explanation": list(case.explanation),
        "target": case.target,
        "triageLines": case.triage_lines,
    }


def decode_case(case_id: int, data: dict[str, Any], events: Iterable[Event]) -> Case:
    every = data["escalateEvery"]
    return Case(
        case_id,
        data["account"],
        data["issueType"],
        data["customer"],
        data["summary"],
        data["message"],
        CaseStatus(data["status"]),
        tuple(data["handlers"]),
        tuple(data["chain"]),
        data["level"],
        datetime.fromisoformat(data["respondBy"]) if data["respondBy"] else None,
        timedelta(seconds=every) if every is not None else None,
        datetime.fromisoformat(data["opened"]),
        data["orgVersion"],
        tuple(data["explanation"]),
        tuple(events),
        data.get("target"),  # absent from cases kept before hand-off targets were
        data.get("triageLines", 0),
    )
