"""Webhooks: telling other tools what happened to a case, through a durable outbox.

Vocabulary:

- A *hook* (:class:`Hook`) is a URL that wants the events of cases whose *event type* matches one
  of its *patterns* (shell globs: ``case.*``, ``case.escalated``). A case event's type is
  ``case.`` and its kind (:func:`event_type`): ``case.opened``, ``case.escalated``…
- A hook's *secret* (``whsec_`` and the base64 of 24 random bytes, as Standard Webhooks write it)
  signs every delivery to it. It is shown once, when the hook is added; the store keeps it,
  because it signs with it (an HMAC key cannot be kept as a digest).
- The *outbox* holds one :class:`Delivery` per event and hook that wants it. A case book writes
  the deliveries of an event in the same transaction as the event (:func:`outbox_rows`), so an
  event that was answered is never lost to its hooks. A delivery carries a *snapshot*: the case
  (:func:`graph.cases.encode_case`) just after its event, with its history up to that event.
- A delivery's *message id* (:func:`message_id`, the ``webhook-id`` header) is the same on every
  attempt, so a receiver drops a duplicate by it (delivery is at least once).
- A delivery is *pending* until it is *delivered* (a 2xx answer) or *failed* (still failing a day
  after it was enqueued, or its hook removed). It is *due* when pending, its next try has come,
  and no earlier event of the same case waits for the same hook: events of a case arrive in order.
- An *attempt* is *claimed* by compare and set on the delivery's attempt count: the claim raises
  it from the count it read and puts the next try one *lease* away (a worker that dies mid-attempt
  leaves the delivery to the next, after the lease); a second claim from the same count finds it
  moved and leaves the delivery alone. Its outcome is written only if the count is still its own.
- A :class:`WebhookBook` keeps the hooks and the outbox of one store (``store.webhooks``).
"""

from __future__ import annotations

import base64
import enum
import fnmatch
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from .cases import Case, EventKind, encode_case, encode_event
from .errors import BuckstopError

__all__ = [
    "EVENT_TYPES",
    "Claim",
    "Delivery",
    "DeliveryState",
    "Hook",
    "UnknownWebhook",
    "WebhookBook",
    "event_type",
    "matches",
    "message_id",
    "new_secret",
    "outbox_rows",
]


def event_type(kind: EventKind) -> str:
    """The type of a case event, as hooks' patterns match it: ``case.escalated``."""
    return f"case.{kind.value}"


#: Every event type a hook may ask for.
EVENT_TYPES: tuple[str, ...] = tuple(event_type(kind) for kind in EventKind)


def matches(patterns: Iterable[str], type_: str) -> bool:
    """Whether an event of ``type_`` is wanted by a hook with ``patterns``.

    >>> matches(["case.*"], "case.escalated"), matches(["case.opened"], "case.resolved")
    (True, False)
    """
    return any(fnmatch.fnmatchcase(type_, pattern) for pattern in patterns)


def new_secret() -> str:
    """A new hook secret: ``whsec_`` and the base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def message_id(hook_id: int, case_id: int, seq: int) -> str:
    """The ``webhook-id`` of event ``seq`` of a case to a hook: the same on every attempt."""
    return f"msg_{hook_id}_{case_id}_{seq}"


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Hook:
    """A URL that wants the events matching ``events``; ``id`` is 0 until the book keeps it."""

    id: int
    url: str
    events: tuple[str, ...]
    secret: str
    created: datetime
    actor: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event for one hook, and how its attempts went (the last one's answer or error)."""

    id: str  # the message id
    hook_id: int
    case_id: int
    seq: int  # the event's place in the case's history, 0 first
    type: str
    enqueued: datetime
    state: DeliveryState
    attempt: int  # how many attempts were claimed
    next_try: datetime | None  # None once delivered or failed
    last_try: datetime | None = None
    status: int | None = None  # the HTTP status of the last attempt
    error: str = ""  # why the last attempt failed, when no status says it
    snapshot: str = field(default="", repr=False)  # the case just after the event, as JSON (see the docstring)


@dataclass(frozen=True, slots=True)
class Claim:
    """A claimed attempt: the delivery (its ``attempt`` already raised) and where and how to send it."""

    delivery: Delivery
    url: str
    secret: str


class UnknownWebhook(BuckstopError):
    code = "UNKNOWN_WEBHOOK"

    def __init__(self, asked: object) -> None:
        super().__init__(f"unknown webhook {str(asked)!r}; `buckstop webhook list` lists them")


class WebhookBook(Protocol):
    """Where a store keeps its hooks and its outbox. Both backends honour exactly this contract."""

    def add(self, hook: Hook) -> Hook:
        """Keep a new hook; the hook with its id."""
        ...

    def hooks(self) -> list[Hook]:
        """The hooks, oldest first."""
        ...

    def remove(self, hook_id: int) -> Hook:
        """Remove the hook and fail its pending deliveries; UnknownWebhook, changing nothing, if there is none."""
        ...

    def deliveries(self, hook_id: int | None = None, *, first: int = 100) -> list[Delivery]:
        """The outbox, newest first (of one hook, or of all)."""
        ...

    def claim(self, now: datetime, lease_until: datetime, *, limit: int = 100) -> list[Claim]:
        """Claim an attempt of up to ``limit`` due deliveries, at most one per case and hook."""
        ...

    def record(self, outcomes: Iterable[Delivery]) -> int:
        """Write the outcome of claimed attempts (state, next try, last try, status, error) where the
        attempt count is still the claim's; how many were written."""
        ...


def outbox_rows(hooks: Iterable[tuple[int, Iterable[str]]], case_id: int, case: Case, since: int) -> list[Delivery]:
    """The deliveries of the events ``since`` onwards of ``case`` (numbered ``case_id``) to ``hooks``
    (``(id, patterns)``): what a case book writes beside those events, in the same transaction."""
    data = encode_case(case)
    wanted = [(hook_id, tuple(patterns)) for hook_id, patterns in hooks]
    rows: list[Delivery] = []
    for seq in range(since, case.revision):
        event = case.events[seq]
        type_ = event_type(event.kind)
        takers = [hook_id for hook_id, patterns in wanted if matches(patterns, type_)]
        if not takers:
            continue
        snapshot = json.dumps(
            {"case": data, "events": [encode_event(e) for e in case.events[: seq + 1]]},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for hook_id in takers:
            rows.append(
                Delivery(
                    message_id(hook_id, case_id, seq),
                    hook_id,
                    case_id,
                    seq,
                    type_,
                    event.at,
                    DeliveryState.PENDING,
                    0,
                    event.at,
                    snapshot=snapshot,
                )
            )
    return rows
