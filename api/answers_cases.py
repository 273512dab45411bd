"""A case as JSON: one shape for ``--json``, the MCP tools and GraphQL's ``Case`` (docs/cases.md).

Vocabulary:

- A :class:`CaseAnswer` is a case (:class:`graph.cases.Case`) with the people it names as
  ``{id, name}`` (:class:`~api.answers.Ref`, their names as the org has them now; a person no
  longer in the org by id), times ISO 8601 in UTC, enumerations as GraphQL writes them.
- The *customer's words* are the customer's handle, the message, the summary (made from the
  message when none is given), the notes of the events and the lines of the explanation on how
  triage read the message (they quote it): personal data. The public view (no
  token) gets them as null; any token's holder (``read``, ``cases``, ``admin``) sees them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import Field

from buckstop.graph.cases import Case, Event
from buckstop.graph.model import Kind
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus, Store

from .access import current
from .answers import Ref, Shape

__all__ = ["CaseAnswer", "CaseEventAnswer", "CaseListAnswer", "case_answer", "case_list_answer"]

_WORDS = "The customer's words: null in the public view."


class CaseEventAnswer(Shape):
    kind: str = Field(
        description="OPENED, ACKNOWLEDGED, NOTED, HANDED_OFF, ESCALATED, RESOLVED, REOPENED or REASSIGNED (a load "
        "made the handler a leaver, absent or no longer the route's answer)."
    )
    at: str = Field(description="When, ISO 8601 in UTC (a timer's escalation: the deadline it passed).")
    actor: str = Field(description="Who: a token's name, cli:USER, or buckstop for the timer.")
    note: str | None = Field(description=_WORDS)
    from_: list[Ref] = Field(alias="from", description="The handlers before.")
    to: list[Ref] = Field(description="The handlers after.")
    level: int = Field(description="The escalation level after the event.")
    org_version: int


class CaseAnswer(Shape):
    id: str = Field(description="The case's number, as text (a GraphQL ID).")
    account: Ref
    issue_type: Ref | None = Field(description="Null: the message matched no issue type (the account's fallback).")
    customer: str | None = Field(description=_WORDS)
    summary: str | None = Field(description=_WORDS)
    message: str | None = Field(description=_WORDS)
    status: str = Field(description="OPEN, ACKNOWLEDGED or RESOLVED.")
    handlers: list[Ref]
    level: int = Field(description="0: the first handlers; each level one step up the chain.")
    chain: list[Ref] = Field(description="The escalation chain the case climbs, level 0 first.")
    respond_by: str | None = Field(description="The deadline of the current level, ISO 8601 in UTC.")
    overdue: bool = Field(description="Open, and its deadline has passed.")
    opened: str
    explanation: list[str] = Field(
        description="Why the route went where it went, when the case was routed; the public view leaves out the "
        "lines on how the message was read (they quote it)."
    )
    org_version: int = Field(description="The org version the case was opened on.")
    events: list[CaseEventAnswer] = Field(description="The whole history, oldest first.")


class CaseListAnswer(Shape):
    cases: list[CaseAnswer]


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


class _Names:
    """The names of the people and things a case names, read once from the store."""

    def __init__(self, store: Store, cases: Iterable[Case]) -> None:
        people = {p for c in cases for p in (*c.chain_ids, *c.handler_ids, *(i for e in c.events for i in e.to_ids))}
        self.kinds = store.read(Focus.kinds("account", "issue_type"))
        self.org = store.read(Focus(Reach.PEOPLE, tuple(sorted(people)))) if people else self.kinds

    def person(self, id: str) -> Ref:
        found = self.org.people.get(id)
        return Ref(id=id, name=found.name if found is not None else id)

    def people(self, ids: Iterable[str]) -> list[Ref]:
        return [self.person(i) for i in ids]

    def of(self, kind: Kind, id: str) -> Ref:
        found = self.kinds.get(kind, id)
        return Ref(id=id, name=getattr(found, "name", id) if found is not None else id)


def _event(event: Event, names: _Names, words: bool) -> CaseEventAnswer:
    return CaseEventAnswer(
        kind=event.kind.name,
        at=event.at.isoformat(),
        actor=event.actor,
        note=event.note if words else None,
        from_=names.people(event.from_ids),
        to=names.people(event.to_ids),
        level=event.level,
        org_version=event.org_version,
    )


def _case(case: Case, names: _Names, now: datetime, words: bool) -> CaseAnswer:
    return CaseAnswer(
        id=str(case.id),
        account=names.of(Kind.ACCOUNT, case.account_id),
        issue_type=names.of(Kind.ISSUE_TYPE, case.issue_type_id) if case.issue_type_id else None,
        customer=case.customer if words else None,
        summary=case.summary if words else None,
        message=case.message if words else None,
        status=case.status.name,
        handlers=names.people(case.handler_ids),
        level=case.level,
        chain=names.people(case.chain_ids),
        respond_by=_iso(case.respond_by),
        overdue=case.overdue(now),
        opened=case.opened.isoformat(),
        # How triage read the message quotes it: the customer's words, left out of the public view.
        explanation=list(case.explanation if words else case.explanation[case.triage_lines :]),
        org_version=case.org_version,
        events=[_event(e, names, words) for e in case.events],
    )


def case_answer(case: Case, store: Store, *, now: datetime) -> CaseAnswer:
    """The case for the current principal: the customer's words only for a token's holder."""
    return _case(case, _Names(store, [case]), now, current.get().reads_private)


def case_list_answer(cases: list[Case], store: Store, *, now: datetime) -> CaseListAnswer:
    names = _Names(store, cases)
    words = current.get().reads_private
    return CaseListAnswer(cases=[_case(c, names, now, words) for c in cases])
