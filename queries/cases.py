"""Cases: opening one on a customer's message, moving it, and the climb on time.

Vocabulary (the records are in :mod:`graph.cases`):

- *Opening* a case routes it: by its issue type when given, else by triage of the message
  (:func:`queries.triage.triage`). The route's handlers are level 0 of the case's *chain*; the
  people above the first handler are levels 1, 2… up to the top.
- An issue type's *deadlines* (:func:`deadlines_of`): ``respond_within`` is how long a new case
  may wait for an acknowledgement, ``escalate_every`` how long each level above has (by default
  the same); a subtype without them takes its nearest broader type's. None: no deadline.
- The *climb* (:func:`sweep`): an open case whose respond-by has passed escalates one level up its
  chain, with an event dated at the deadline, and gets the next deadline one period later; again
  for each period passed, up to the top, who keeps it. Each step is a compare-and-set write, so
  each deadline escalates a case once however many sweeps run at once; the steps are written
  :data:`SWEEP_BATCH` to a transaction, and a case another writer moved meanwhile is read afresh
  and climbs from where it is. The sweep reads only cases that can still climb (below the top),
  so those the top keeps, overdue for ever, never hide the others from it.
- An *action* (acknowledge, note, hand off, escalate, resolve, reopen) is one event. An action on
  a resolved case other than reopening it is refused (:class:`~graph.cases.ActionOnResolved`).
- Time is passed in (``now``, aware UTC), so a test moves the clock without sleeping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from buckstop.graph.cases import (
    TIMER,
    ActionOnResolved,
    Case,
    CaseBook,
    CaseStatus,
    Event,
    EventKind,
    UnknownCase,
)
from buckstop.graph.codec import parse_ref
from buckstop.graph.errors import BuckstopError
from buckstop.graph.model import Kind, Person
from buckstop.graph.org import Org
from buckstop.graph.reach import Reach
from buckstop.graph.store import WHOLE, Focus, Store

from .chain import chain_above
from .lookup import find_account, find_person, label
from .resolve import Resolver
from .routing import Routing, route
from .triage import BlankMessage, triage

__all__ = [
    "SWEEP_BATCH",
    "AtTheTop",
    "HandOffToNobody",
    "NotResolved",
    "acknowledge",
    "add_note",
    "book_of",
    "deadlines_of",
    "escalate",
    "find_cases",
    "hand_off",
    "open_case",
    "read_case",
    "reopen",
    "resolve",
    "sweep",
    "utc_now",
]


class AtTheTop(BuckstopError):
    code = "CASE_AT_TOP"

    def __init__(self, case_id: int, who: str) -> None:
        super().__init__(f"case {case_id} is already with the top of its chain, {who}; there is nobody above")


class HandOffToNobody(BuckstopError):
    code = "HAND_OFF_TO_NOBODY"

    def __init__(self, to: str, why: str) -> None:
        super().__init__(
            f"cannot hand off to {to!r}: {why}; name an issue type, person:ID, role:ID or department:ID"
            if to.strip()
            else "cannot hand off to nobody; name an issue type, person:ID, role:ID or department:ID"
        )


class NotResolved(BuckstopError):
    code = "CASE_NOT_RESOLVED"

    def __init__(self, case_id: int, status: CaseStatus) -> None:
        super().__init__(f"case {case_id} is {status.value}, not resolved, so there is nothing to reopen")


def utc_now() -> datetime:
    """Now, in UTC, to the second: what the interfaces pass as ``now``."""
    return datetime.now(UTC).replace(microsecond=0)


def book_of(store: Store) -> CaseBook:
    """The case book of ``store``; a clear error for a store that keeps none."""
    book: CaseBook | None = getattr(store, "cases", None)
    if book is None:
        raise BuckstopError(f"the {store.name} store keeps no cases")
    return book


def deadlines_of(org: Org, issue_type_id: str | None) -> tuple[timedelta | None, timedelta | None]:
    """``(respond_within, escalate_every)`` of an issue type, each inherited from the nearest broader type."""
    if issue_type_id is None:
        return None, None
    lineage = [org.issue_types[i] for i in [issue_type_id, *org.ancestors(Kind.ISSUE_TYPE, issue_type_id)]]
    within = next((i.respond_within for i in lineage if i.respond_within is not None), None)
    every = next((i.escalate_every for i in lineage if i.escalate_every is not None), None)
    return within, every or within


# -- opening ---------------------------------------------------------------------------------


def open_case(
    store: Store,
    account: str,
    message: str,
    *,
    actor: str,
    now: datetime,
    issue_type: str | None = None,
    customer: str = "",
    summary: str = "",
    learn: bool = False,
) -> Case:
    """Open a case on ``account`` for ``message``; UnknownAccount, UnknownIssueType, BlankMessage first.

    Without an issue type the message is triaged (``learn``: with the examples learned from hand-offs)."""
    if not message.strip():
        raise BlankMessage()
    if issue_type is not None and issue_type.strip():
        routing = route(store, account, issue_type, on=now.date())
        explanation = routing.explanation
        read_lines = 0
    else:
        triaged = triage(store, account, message, on=now.date(), learn=learn)
        routing, explanation = triaged.routing, triaged.explanation
        read_lines = len(triaged.notes)  # how the message was read: they quote it
    within, every = deadlines_of(routing.org, routing.issue_type.id if routing.issue_type else None)
    handlers = tuple(p.id for p in routing.handlers)
    chain = tuple(step.person.id for step in routing.escalation)
    event = Event(EventKind.OPENED, now, actor, "", (), handlers, 0, routing.org.version)
    case = Case(
        0,
        routing.account.id,
        routing.issue_type.id if routing.issue_type else None,
        customer.strip(),
        summary.strip() or _summary_of(message),
        message.strip(),
        CaseStatus.OPEN,
        handlers,
        chain,
        0,
        now + within if within else None,
        every,
        now,
        routing.org.version,
        explanation,
        (event,),
        triage_lines=read_lines,
    )
    return book_of(store).add(case)


def _summary_of(message: str, width: int = 80) -> str:
    line = " ".join(message.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


# -- reading ---------------------------------------------------------------------------------


def read_case(store: Store, case_id: int | str) -> Case:
    """The case ``case_id``; UnknownCase if there is none."""
    number = _number(case_id)
    case = book_of(store).get(number) if number is not None else None
    if case is None:
        raise UnknownCase(case_id)
    return case


def _number(case_id: int | str) -> int | None:
    text = str(case_id).strip().lstrip("#")
    return int(text) if text.isdigit() else None


def find_cases(
    store: Store,
    *,
    now: datetime,
    status: CaseStatus | None = None,
    overdue: bool = False,
    account: str | None = None,
    handler: str | None = None,
    customer: str | None = None,
    first: int = 100,
    offset: int = 0,
) -> list[Case]:
    """Cases newest first, of a status, overdue at ``now``, on an account (UnknownAccount with near names),
    with a handler now (id, e-mail or name; UnknownPerson with near names), of a customer (their handle)."""
    account_id = handler_id = None
    if account is not None:
        account_id = find_account(store.read(Focus.kinds("account")), account, store).id
    if handler is not None:
        handler_id = find_person(store.read(Focus(Reach.PERSON, (handler,))), handler, store).id
    return book_of(store).find(
        status=status,
        account_id=account_id,
        due_by=now if overdue else None,
        handler_id=handler_id,
        customer=customer.strip() if customer is not None else None,
        first=first,
        offset=offset,
    )


# -- moving ----------------------------------------------------------------------------------


def _change(store: Store, case_id: int | str, action: str) -> tuple[CaseBook, Case]:
    case = read_case(store, case_id)
    if case.status is CaseStatus.RESOLVED and action != "reopened":
        raise ActionOnResolved(case.id, action)
    return book_of(store), case


def _version(store: Store) -> int:
    return store.read(Focus.kinds("issue_type")).version


def acknowledge(store: Store, case_id: int | str, *, actor: str, now: datetime, note: str = "") -> Case:
    """The handlers have the case: its timer stops."""
    book, case = _change(store, case_id, "acknowledged")
    event = _event(case, EventKind.ACKNOWLEDGED, now, actor, note, case.handler_ids, case.level, _version(store))
    return book.update(case.then(event, status=CaseStatus.ACKNOWLEDGED, respond_by=None), revision=case.revision)


def add_note(store: Store, case_id: int | str, note: str, *, actor: str, now: datetime) -> Case:
    if not note.strip():
        raise BuckstopError("the note is blank; write what happened")
    book, case = _change(store, case_id, "noted")
    event = _event(case, EventKind.NOTED, now, actor, note.strip(), case.handler_ids, case.level, _version(store))
    return book.update(case.then(event), revision=case.revision)


def escalate(store: Store, case_id: int | str, *, actor: str, now: datetime, note: str = "") -> Case:
    """Move the case one level up its chain by hand; its timer restarts for the new level."""
    book, case = _change(store, case_id, "escalated")
    if case.level >= len(case.chain_ids) - 1:
        org = store.read(Focus(Reach.PEOPLE, case.handler_ids))
        raise AtTheTop(case.id, ", ".join(label(org, Kind.PERSON, p) for p in case.handler_ids))
    level = case.level + 1
    to = (case.chain_ids[level],)
    event = _event(case, EventKind.ESCALATED, now, actor, note, to, level, _version(store))
    moved = case.then(
        event,
        level=level,
        handler_ids=to,
        status=CaseStatus.OPEN,
        respond_by=now + case.escalate_every if case.escalate_every else None,
    )
    return book.update(moved, revision=case.revision)


def resolve(store: Store, case_id: int | str, *, actor: str, now: datetime, note: str = "") -> Case:
    book, case = _change(store, case_id, "resolved")
    event = _event(case, EventKind.RESOLVED, now, actor, note, case.handler_ids, case.level, _version(store))
    return book.update(case.then(event, status=CaseStatus.RESOLVED, respond_by=None), revision=case.revision)


def reopen(store: Store, case_id: int | str, *, actor: str, now: datetime, note: str = "") -> Case:
    """A resolved case, open again with its handlers, and a new deadline as its issue type says."""
    book, case = _change(store, case_id, "reopened")
    if case.status is not CaseStatus.RESOLVED:
        raise NotResolved(case.id, case.status)
    org = store.read(Focus.kinds("issue_type"))
    within, _every = deadlines_of(org, case.issue_type_id if case.issue_type_id in org.issue_types else None)
    event = _event(case, EventKind.REOPENED, now, actor, note, case.handler_ids, case.level, org.version)
    reopened = case.then(event, status=CaseStatus.OPEN, respond_by=now + within if within else None)
    return book.update(reopened, revision=case.revision)


def hand_off(store: Store, case_id: int | str, to: str, *, actor: str, now: datetime, note: str = "") -> Case:
    """Re-route the case: to an issue type (routed again on its account) or to ``person:ID``,
    ``role:ID`` or ``department:ID``; it starts again at level 0 of the new chain, history kept."""
    if not to.strip():
        raise HandOffToNobody(to, "")
    book, case = _change(store, case_id, "handed off")
    issue_type_id = case.issue_type_id
    if ":" in to:
        org = store.read(WHOLE)
        named, handlers = _handlers_of(org, to, now)
        target = parse_ref(named)
        explanation: tuple[str, ...] = (f"Handed off to {label(org, target.kind, target.id)}.",)
        chain = (handlers[0].id, *(p.id for p in chain_above(org, handlers[0].id)))
        version = org.version
        within, every = deadlines_of(org, issue_type_id if issue_type_id in org.issue_types else None)
    else:
        routing: Routing = route(store, case.account_id, to, on=now.date())
        if routing.issue_type is None or not routing.handlers:
            raise HandOffToNobody(to, "nobody handles it on this account")
        issue_type_id = routing.issue_type.id
        handlers = routing.handlers
        explanation = routing.explanation
        chain = tuple(step.person.id for step in routing.escalation)
        version = routing.org.version
        within, every = deadlines_of(routing.org, issue_type_id)
        named = None
    ids = tuple(p.id for p in handlers)
    event = _event(case, EventKind.HANDED_OFF, now, actor, note, ids, 0, version)
    if ":" not in to:  # to an issue type: a correction of where the case was routed (triage may learn it)
        event = replace(event, issue_type_id=issue_type_id)
    moved = case.then(
        event,
        issue_type_id=issue_type_id,
        handler_ids=ids,
        chain_ids=chain,
        level=0,
        status=CaseStatus.OPEN,
        respond_by=now + within if within else None,
        escalate_every=every,
        explanation=explanation,
        target=named,
        triage_lines=0,
    )
    return book.update(moved, revision=case.revision)


def _handlers_of(org: Org, to: str, now: datetime) -> tuple[str, tuple[Person, ...]]:
    """The target ``to`` names (``person:ID`` by id, however the person was named) and its available people."""
    try:
        ref = parse_ref(to)
    except ValueError as err:
        raise HandOffToNobody(to, "it is not an issue type nor a reference such as person:ID") from err
    if ref.kind is Kind.PERSON:
        ref = type(ref)(Kind.PERSON, find_person(org, ref.id).id)
    elif ref.kind not in (Kind.ROLE, Kind.DEPARTMENT) or org.get(ref.kind, ref.id) is None:
        raise HandOffToNobody(to, f"there is no {ref.kind.value.replace('_', ' ')} {ref.id!r} to hand off to")
    ids = Resolver(org, now.date()).target(ref)
    if not ids:
        raise HandOffToNobody(to, "nobody there is available (left, absent or vacant)")
    return f"{ref.kind.value}:{ref.id}", tuple(org.people[i] for i in sorted(set(ids)))


def _event(
    case: Case, kind: EventKind, now: datetime, actor: str, note: str, to: tuple[str, ...], level: int, version: int
) -> Event:
    return Event(kind, now, actor, note.strip(), case.handler_ids, to, level, version)


# -- the climb -------------------------------------------------------------------------------


#: How many escalations the sweep writes in one transaction: one durable commit for them all.
SWEEP_BATCH = 500


def sweep(store: Store, *, now: datetime, limit: int = 10_000, batch: int = SWEEP_BATCH) -> list[tuple[int, Event]]:
    """Escalate every open case whose deadline passed by ``now``; the events written, by case.

    Reads up to ``limit`` of the due cases that can still climb; the rest wait for the next sweep.
    Each step is written from the revision it was read at, ``batch`` to a transaction: a case
    another sweep or a person moved first is read afresh and climbs only for deadlines still passed.
    A case with several deadlines passed climbs one level a round, each round one more batch.
    """
    book = book_of(store)
    written: list[tuple[int, Event]] = []
    version = _version(store)
    climbing = [case for case in book.find(due_by=now, climbing=True, first=limit) if _climbs_now(case, now)]
    read = {case.id: place for place, case in enumerate(climbing)}
    while climbing:
        again: list[Case] = []
        for start in range(0, len(climbing), batch):
            again.extend(_climb(book, climbing[start : start + batch], now, version, written))
        climbing = [case for case in again if _climbs_now(case, now)]
    written.sort(key=lambda step: read[step[0]])  # by case, as read (stable: a case's steps stay in order)
    return written


def _climbs_now(case: Case | None, now: datetime) -> bool:
    return case is not None and case.overdue(now) and case.climbs


def _climb(
    book: CaseBook, cases: Sequence[Case], now: datetime, version: int, written: list[tuple[int, Event]]
) -> list[Case]:
    """Move each of ``cases`` one level up, in one transaction; each as it now stands (moved, or read afresh)."""
    steps: list[tuple[Case, Case, Event]] = []
    for case in cases:
        deadline = case.respond_by
        assert deadline is not None  # overdue() says so
        level = case.level + 1
        to = (case.chain_ids[level],)
        note = f"Not acknowledged by {deadline.isoformat(timespec='minutes')}: escalated to level {level}."
        event = Event(EventKind.ESCALATED, deadline, TIMER, note, case.handler_ids, to, level, version)
        period = case.escalate_every
        moved = case.then(event, level=level, handler_ids=to, respond_by=deadline + period if period else None)
        steps.append((case, moved, event))
    landed = {case.id for case in book.update_many([(moved, case.revision) for case, moved, _event in steps])}
    now_as: list[Case] = []
    for _case, moved, event in steps:
        if moved.id in landed:
            written.append((moved.id, event))
            now_as.append(moved)
        else:  # another sweep or a person moved it meanwhile (CaseChanged): climb from where it is now
            fresh = book.get(moved.id)
            if fresh is not None:
                now_as.append(fresh)
    return now_as
