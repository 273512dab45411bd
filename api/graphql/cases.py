"""Cases over GraphQL: ``case``, ``cases`` and the mutations that open and move one (docs/cases.md).

The types are made from the answer models of :mod:`api.answers_cases`, so GraphQL, ``--json`` and
the MCP tools give one shape from one builder. The customer's words (handle, summary, message,
notes, and the lines of the explanation that say how the message was read) are ``@private``: null
in the public view. Opening and moving a case needs a token of scope ``cases`` or ``admin`` (error
``FORBIDDEN`` otherwise); the actor of each event is the token's name. A customer's data is an
admin's: ``cases(customer:)`` is an export (logged, like ``buckstop cases --customer``), and
``forgetCustomer`` and ``purgeCases`` erase (logged in ``changes``).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from buckstop.graph.cases import Case as CaseRecord
from buckstop.graph.cases import CaseStatus as Status
from buckstop.graph.errors import BuckstopError
from buckstop.graph.store import Store
from buckstop.graph.tokens import Scope
from buckstop.queries import case_data
from buckstop.queries import cases as q

from .. import answers, answers_cases
from ..access import Forbidden
from ..questions import off_loop
from .cost import LOOKUP, Cost, priced
from .permissions import admin, moves_cases, principal_of, private


def _learns(info: Info) -> bool:
    """Whether triage learns from hand-offs (the setting ``learn_from_hand_offs``)."""
    return bool(getattr(info.context.get("settings"), "learn_from_hand_offs", False))


__all__ = ["Case", "CaseMutation", "CaseQuery"]


@strawberry.experimental.pydantic.type(model=answers.Ref, description="A thing a case names: its id and name.")
class CaseRef:
    id: strawberry.ID
    name: strawberry.auto


@strawberry.experimental.pydantic.type(model=answers_cases.CaseEventAnswer, description="One step of a case's story.")
class CaseEvent:
    kind: strawberry.auto
    at: strawberry.auto
    actor: strawberry.auto
    note: strawberry.auto = strawberry.field(extensions=private())
    from_: list[CaseRef] = strawberry.field(name="from")
    to: list[CaseRef]
    level: strawberry.auto
    org_version: strawberry.auto


@strawberry.experimental.pydantic.type(model=answers_cases.CaseAnswer, description="A customer's case (docs/cases.md).")
class Case:
    id: strawberry.ID
    account: CaseRef
    issue_type: CaseRef | None
    customer: strawberry.auto = strawberry.field(extensions=private())
    summary: strawberry.auto = strawberry.field(extensions=private())
    message: strawberry.auto = strawberry.field(extensions=private())
    status: strawberry.auto
    handlers: list[CaseRef]
    level: strawberry.auto
    chain: list[CaseRef]
    respond_by: strawberry.auto
    overdue: strawberry.auto
    opened: strawberry.auto
    explanation: strawberry.auto
    org_version: strawberry.auto
    events: list[CaseEvent]


CaseStatus = strawberry.enum(Status, name="CaseStatus", description="Where a case stands.")


def move(description: str) -> Any:
    """A mutation that opens or moves a case: one lookup, a token of scope cases or admin."""
    return strawberry.mutation(description=description, extensions=moves_cases(), metadata=priced(LOOKUP))


def _store(info: Info) -> Store:
    store: Store = info.context["store"]
    return store


def _shaped(case: CaseRecord, info: Info) -> Case:
    answer = answers_cases.case_answer(case, _store(info), now=q.utc_now())
    return Case.from_pydantic(answer)


@strawberry.type
class CaseQuery:
    @strawberry.field(description="The case numbered `id`, with its whole story.", metadata=priced(LOOKUP))
    @off_loop
    def case(self, info: Info, id: strawberry.ID) -> Case:
        return _shaped(q.read_case(_store(info), str(id)), info)

    @strawberry.field(
        description="Cases, newest first: of a status, `overdue` (open past their deadline), on an account, with a "
        "`handler` now (id, e-mail or name), of a `customer` (their handle: an export of their data, admin only "
        "and logged in `changes`).",
        metadata=priced(Cost(1, items=100, items_argument="first")),
    )
    @off_loop
    def cases(
        self,
        info: Info,
        status: CaseStatus | None = None,  # type: ignore[valid-type]
        overdue: bool = False,
        account: str | None = None,
        handler: str | None = None,
        customer: str | None = None,
        first: int = 50,
        offset: int = 0,
    ) -> list[Case]:
        settings = info.context.get("settings")
        most = settings.max_page_size if settings is not None else 500
        if first < 1 or first > most or offset < 0:
            raise BuckstopError(f"first must be 1 to {most} and offset 0 or more (first {first}, offset {offset})")
        store = _store(info)
        wanted = Status(status) if status else None
        if customer is not None:
            principal = principal_of(info)
            if not principal.admin:  # who wrote what is the customer's: an admin's question, and logged
                raise Forbidden(Scope.ADMIN, principal)
            held = case_data.export(
                store,
                customer,
                actor=principal.name,
                now=q.utc_now(),
                status=wanted,
                overdue=overdue,
                account=account,
                handler=handler,
            )
            found = held[offset : offset + first]
        else:
            found = q.find_cases(
                store,
                now=q.utc_now(),
                status=wanted,
                overdue=overdue,
                account=account,
                handler=handler,
                first=first,
                offset=offset,
            )
        listed = answers_cases.case_list_answer(found, store, now=q.utc_now())
        return [Case.from_pydantic(c) for c in listed.cases]


@strawberry.type
class CaseMutation:
    @move("Open a case on a customer's message: routed by `issueType`, else triaged.")
    @off_loop
    def open_case(
        self,
        info: Info,
        account: str,
        message: str,
        issue_type: str | None = None,
        customer: str = "",
        summary: str = "",
    ) -> Case:
        case = q.open_case(
            _store(info),
            account,
            message,
            issue_type=issue_type,
            customer=customer,
            summary=summary,
            actor=principal_of(info).name,
            now=q.utc_now(),
            learn=_learns(info),
        )
        return _shaped(case, info)

    @move("The handlers have it: its timer stops.")
    @off_loop
    def acknowledge_case(self, info: Info, id: strawberry.ID, note: str = "") -> Case:
        return _act(info, q.acknowledge, id, note)

    @move("Add a note to the case's story.")
    @off_loop
    def add_case_note(self, info: Info, id: strawberry.ID, note: str) -> Case:
        case = q.add_note(_store(info), str(id), note, actor=principal_of(info).name, now=q.utc_now())
        return _shaped(case, info)

    @move("Re-route the case to an issue type, person:ID, role:ID or department:ID; its story is kept.")
    @off_loop
    def hand_off_case(self, info: Info, id: strawberry.ID, to: str, note: str = "") -> Case:
        case = q.hand_off(_store(info), str(id), to, actor=principal_of(info).name, now=q.utc_now(), note=note)
        return _shaped(case, info)

    @move("Move the case one level up its chain of command.")
    @off_loop
    def escalate_case(self, info: Info, id: strawberry.ID, note: str = "") -> Case:
        return _act(info, q.escalate, id, note)

    @move("Resolve the case.")
    @off_loop
    def resolve_case(self, info: Info, id: strawberry.ID, note: str = "") -> Case:
        return _act(info, q.resolve, id, note)

    @move("Open a resolved case again, with a new deadline.")
    @off_loop
    def reopen_case(self, info: Info, id: strawberry.ID, note: str = "") -> Case:
        return _act(info, q.reopen, id, note)

    @strawberry.mutation(
        description="Erase every case of a customer (their handle) with its history; logged in `changes`, naming "
        "the customer by a digest of the handle. The number of cases erased.",
        extensions=admin(),
        metadata=priced(LOOKUP),
    )
    @off_loop
    def forget_customer(self, info: Info, customer: str) -> int:
        return case_data.forget(_store(info), customer, actor=principal_of(info).name, now=q.utc_now())

    @strawberry.mutation(
        description="Erase the cases resolved more than `days` days ago (default: the server's retention, "
        "BUCKSTOP_CASE_RETENTION_DAYS) with their history; logged in `changes`. The number erased.",
        extensions=admin(),
        metadata=priced(LOOKUP),
    )
    @off_loop
    def purge_cases(self, info: Info, days: int | None = None) -> int:
        settings = info.context.get("settings")
        retention = days or (settings.case_retention_days if settings is not None else None)
        if retention is None:
            raise case_data.NoRetention(None)
        return case_data.purge(_store(info), days=retention, actor=principal_of(info).name, now=q.utc_now())


def _act(info: Info, action: Any, id: strawberry.ID, note: str) -> Case:
    case = action(_store(info), str(id), actor=principal_of(info).name, now=q.utc_now(), note=note)
    return _shaped(case, info)
