"""The MCP tools of cases: an agent answering on a social account opens a case and follows it.

Reading a case is open to any caller; opening and moving one needs a token of scope ``cases`` or
``admin`` over HTTP (over stdio the caller is the local operator, who may). Each action is an
event by the caller's name. The answers are :class:`api.answers_cases.CaseAnswer`, the shape of
``buckstop case show --json`` and of GraphQL's ``Case``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import Field

from buckstop.graph.cases import Case, CaseStatus
from buckstop.graph.errors import BuckstopError
from buckstop.graph.store import Store
from buckstop.graph.tokens import Scope
from buckstop.queries import case_data
from buckstop.queries import cases as q

from ..access import Forbidden, current
from ..answers import Shape
from ..answers_cases import CaseAnswer, CaseListAnswer, case_answer, case_list_answer
from ..settings import Settings

__all__ = ["CASE_TOOLS", "case_tools"]

#: The names of the case tools, in the order they are listed.
CASE_TOOLS = ("open_case", "read_case", "list_cases", "note_case", "hand_off_case", "escalate_case", "resolve_case")

CaseId = Annotated[str, Field(description="The case's number, as open_case returned it.")]
Note = Annotated[str, Field(description="Why, for the case's history (optional).")]


def _actor() -> str:
    principal = current.get()
    if not principal.moves_cases:
        raise Forbidden(Scope.CASES, principal)
    return principal.name


def case_tools(store: Store) -> list[Callable[..., Shape]]:
    """The tool bodies, bound to ``store``. Their docstrings are the tools' descriptions."""

    learn = Settings().learn_from_hand_offs

    def shaped(case: Case) -> CaseAnswer:
        return case_answer(case, store, now=q.utc_now())

    def open_case(
        account: Annotated[str, Field(description="The account: id, handle (@CorvidHelp) or platform:handle.")],
        message: Annotated[str, Field(description="The customer's message, as they wrote it.")],
        customer: Annotated[str, Field(description="The customer's handle on the account, e.g. @jo.")] = "",
        issue_type: Annotated[
            str | None, Field(description="The issue type, if you know it (default: triaged from the message).")
        ] = None,
        summary: Annotated[str, Field(description="One line for lists (default: the message's start).")] = "",
    ) -> CaseAnswer:
        """Open a case on a customer's message: routed at once, with a respond-by deadline; if nobody
        acknowledges it in time it climbs the chain of command. Returns the case with its number."""
        actor = _actor()
        case = q.open_case(
            store,
            account,
            message,
            issue_type=issue_type,
            customer=customer,
            summary=summary,
            actor=actor,
            now=q.utc_now(),
            learn=learn,
        )
        return shaped(case)

    def read_case(id: CaseId) -> CaseAnswer:
        """A case with its whole story: who has it, until when, and every event."""
        return shaped(q.read_case(store, id))

    def list_cases(
        status: Annotated[str | None, Field(description="open, acknowledged or resolved (default: any).")] = None,
        overdue: Annotated[bool, Field(description="Only open cases past their deadline.")] = False,
        account: Annotated[str | None, Field(description="Only cases on this account (id or handle).")] = None,
        handler: Annotated[str | None, Field(description="Only cases with this person now (id or name).")] = None,
        customer: Annotated[
            str | None, Field(description="Only this customer's (their handle): an export, admin only, logged.")
        ] = None,
        first: Annotated[int, Field(description="At most this many, newest first.", ge=1, le=500)] = 50,
    ) -> CaseListAnswer:
        """Cases, newest first: of a status, overdue, on an account, with a handler, of a customer."""
        known = {s.value: s for s in CaseStatus}
        if status is not None and status.strip().lower() not in known:
            raise BuckstopError(f"unknown status {status!r}; one of {', '.join(known)}")
        wanted = known[status.strip().lower()] if status else None
        now = q.utc_now()
        if customer is not None:
            principal = current.get()
            if not principal.admin:
                raise Forbidden(Scope.ADMIN, principal)
            found = case_data.export(
                store,
                customer,
                actor=principal.name,
                now=now,
                status=wanted,
                overdue=overdue,
                account=account,
                handler=handler,
            )[:first]
        else:
            found = q.find_cases(
                store, now=now, status=wanted, overdue=overdue, account=account, handler=handler, first=first
            )
        return case_list_answer(found, store, now=now)

    def note_case(id: CaseId, note: Annotated[str, Field(description="What happened, for the history.")]) -> CaseAnswer:
        """Add a note to a case's history (what the customer said since, what you did)."""
        return shaped(q.add_note(store, id, note, actor=_actor(), now=q.utc_now()))

    def hand_off_case(
        id: CaseId,
        to: Annotated[str, Field(description="An issue type (re-routed on the account), or person:ID, role:ID…")],
        note: Note = "",
    ) -> CaseAnswer:
        """Hand a case on: re-routed to another issue type or to someone, its whole history kept."""
        return shaped(q.hand_off(store, id, to, actor=_actor(), now=q.utc_now(), note=note))

    def escalate_case(id: CaseId, note: Note = "") -> CaseAnswer:
        """Move a case one level up its chain of command, now."""
        return shaped(q.escalate(store, id, actor=_actor(), now=q.utc_now(), note=note))

    def resolve_case(id: CaseId, note: Note = "") -> CaseAnswer:
        """Resolve a case."""
        return shaped(q.resolve(store, id, actor=_actor(), now=q.utc_now(), note=note))

    return [open_case, read_case, list_cases, note_case, hand_off_case, escalate_case, resolve_case]
