"""Cases that follow a load: a case whose handler a load made a leaver, absent or no longer the route's answer moves.

Vocabulary:

- After a load (:func:`loaders.load.load` calls :func:`follow_load` once the version is applied)
  every case not resolved is checked against the org in force *now* (a load scheduled for a later
  day changes nothing today, so it moves nothing).
- A case at level 0 is with its route's *answer*: the handlers its issue type's route on its
  account gives now (delegate, vacancy and leaver rules as in :mod:`queries.routing`), or, for a
  case handed off to a *target* (``person:ID``, ``role:ID``, ``department:ID``), the target's
  available people. When its handlers are not that answer it is *reassigned* to it, with the new
  chain above.
- A case at a level above 0 (escalated) is with one person of its chain. It moves only when that
  person left, is absent or is gone from the org: to the same level of the new chain (or its top),
  stepping past anyone there who is away, the top keeping it.
- Each move is one ``reassigned`` event by :data:`~graph.cases.TIMER` saying why, written by
  compare-and-set: a case changed meanwhile (someone acted on it while the load ran) is read again
  and judged again, so a load never tears a case. An acknowledged case that moves is open again,
  with its issue type's deadline from now: its new handlers have not acknowledged it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from buckstop.graph.cases import TIMER, Case, CaseBook, CaseChanged, CaseStatus, Event, EventKind
from buckstop.graph.codec import parse_ref
from buckstop.graph.model import Kind, Status
from buckstop.graph.org import Org
from buckstop.graph.store import WHOLE, Store

from .cases import deadlines_of
from .chain import chain_above
from .lookup import label
from .resolve import Resolver, available
from .routing import fallback_in, route_in

__all__ = ["follow_load"]

#: How many cases are read at once, and how many times a case changed meanwhile is judged again.
_PAGE = 1000
_TRIES = 3


@dataclass(frozen=True, slots=True)
class _Answer:
    handlers: tuple[str, ...]
    chain: tuple[str, ...]


def follow_load(store: Store, *, now: datetime) -> list[tuple[int, Event]]:
    """Move every case not resolved whose handler the org in force at ``now`` no longer answers with;
    the ``reassigned`` events written, by case."""
    book: CaseBook | None = getattr(store, "cases", None)
    if book is None:
        return []
    org = store.read(WHOLE)
    answers: dict[tuple[str, str | None, str | None], _Answer | None] = {}
    # Judged first, written after: a write may move a case between the pages of a status.
    to_move: list[Case] = []
    for status in (CaseStatus.OPEN, CaseStatus.ACKNOWLEDGED):
        offset = 0
        while page := book.find(status=status, first=_PAGE, offset=offset):
            to_move.extend(c for c in page if _moved(org, c, now, answers) is not None)
            offset += len(page)
    written: list[tuple[int, Event]] = []
    for case in to_move:
        for _ in range(_TRIES):
            moved = _moved(org, case, now, answers)
            if moved is None:
                break
            try:
                book.update(moved, revision=case.revision)
            except CaseChanged:
                fresh = book.get(case.id)
                if fresh is None or fresh.status is CaseStatus.RESOLVED:
                    break
                case = fresh
                continue
            written.append((case.id, moved.events[-1]))
            break
    return written


def _moved(
    org: Org, case: Case, now: datetime, answers: dict[tuple[str, str | None, str | None], _Answer | None]
) -> Case | None:
    """``case`` reassigned as the org now says, or None when it stays where it is."""
    day = now.date()
    key = (case.account_id, case.issue_type_id, case.target)
    if key not in answers:
        answers[key] = _answer(org, case, day)
    answer = answers[key]
    if answer is None or not answer.handlers:
        return None  # its account is gone, or nobody at all answers: it stays with whom it is
    if case.level == 0:
        if set(case.handler_ids) == set(answer.handlers):
            return None
        level, handlers, chain = 0, answer.handlers, answer.chain
    else:
        person = org.people.get(case.handler_ids[0]) if case.handler_ids else None
        if person is not None and available(org, person, day):
            return None
        chain = answer.chain
        level = min(case.level, len(chain) - 1)
        while level < len(chain) - 1 and not available(org, org.people[chain[level]], day):
            level += 1  # away too: the next one up; the top keeps it
        handlers = (chain[level],)
    why = f"Reassigned as version {org.version} says: {_why(org, case, handlers, day)}."
    event = Event(EventKind.REASSIGNED, now, TIMER, why, case.handler_ids, handlers, level, org.version)
    changes: dict[str, object] = {"handler_ids": handlers, "chain_ids": chain, "level": level}
    if case.status is CaseStatus.ACKNOWLEDGED:
        within, every = deadlines_of(org, case.issue_type_id if case.issue_type_id in org.issue_types else None)
        period = within if level == 0 else every
        changes |= {"status": CaseStatus.OPEN, "respond_by": now + period if period else None}
    return case.then(event, **changes)


def _answer(org: Org, case: Case, day: date) -> _Answer | None:
    """Who the case's route (or hand-off target) answers with now: the handlers and the chain above the first."""
    if case.target is not None:
        ref = parse_ref(case.target)
        if org.get(ref.kind, ref.id) is not None:
            ids = sorted(set(Resolver(org, day).target(ref)))
            if ids:
                return _Answer(tuple(ids), (ids[0], *(p.id for p in chain_above(org, ids[0]))))
        # The target is gone or nobody there is available: the route of its issue type answers.
    account = org.accounts.get(case.account_id)
    if account is None:
        return None
    issue_type = org.issue_types.get(case.issue_type_id) if case.issue_type_id else None
    routing = route_in(org, account, issue_type, on=day) if issue_type else fallback_in(org, account, on=day)
    return _Answer(tuple(p.id for p in routing.handlers), tuple(s.person.id for s in routing.escalation))


def _why(org: Org, case: Case, handlers: tuple[str, ...], day: date) -> str:
    """Why each handler the case leaves is no longer its handler, then who has it now."""
    reasons = []
    for id in case.handler_ids:
        if id in handlers:
            continue
        person = org.people.get(id)
        if person is None:
            reasons.append(f"{id} is no longer in the org")
        elif person.status is Status.LEFT:
            reasons.append(f"{label(org, Kind.PERSON, id)} left")
        elif not available(org, person, day):
            reasons.append(f"{label(org, Kind.PERSON, id)} is away")
        else:
            reasons.append(f"{label(org, Kind.PERSON, id)} is no longer the route's answer")
    now_with = ", ".join(label(org, Kind.PERSON, i) for i in handlers)
    return f"{'; '.join(reasons) or 'the route changed'}; now with {now_with}"
