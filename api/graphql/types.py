"""GraphQL types, each built from a record of ``graph`` and the org it came from.

A type keeps the org it was read from (a private field), so nested fields
(a person's department, a role's holders) answer from the same version of the
org as the question itself, never from a newer one.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Self

import strawberry

from buckstop.graph import model
from buckstop.graph.model import Kind
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus
from buckstop.graph.timeline import parse_day, today
from buckstop.queries import routing
from buckstop.queries.audit import Audit, Severity
from buckstop.queries.audit import Finding as AuditFinding
from buckstop.queries.matrix import Matrix
from buckstop.queries.search import Hit as SearchHit

from ..view import View
from .cost import LOOKUP, Cost, priced
from .permissions import private

__all__ = [
    "Absence",
    "Account",
    "Agency",
    "Department",
    "EscalationStep",
    "Finding",
    "Hit",
    "IssueType",
    "MatrixCell",
    "OrgHealth",
    "Person",
    "ResponsibilityMatrix",
    "Role",
    "Routing",
    "Rule",
    "TriageRouting",
    "View",
]


Status = strawberry.enum(model.Status, name="Status", description="A person's employment status.")


@strawberry.type(description="Someone in the organisation.")
class Person:
    id: strawberry.ID
    name: str
    title: str | None
    email: str | None = strawberry.field(extensions=private())
    phone: str | None = strawberry.field(extensions=private())
    location: str | None = strawberry.field(extensions=private())
    public: bool = strawberry.field(
        description="Executives and heads: their contact details are shown in the public view too."
    )
    status: model.Status = strawberry.field(description="As recorded by HR (absences by date are in `absent`).")
    source: str | None = strawberry.field(
        description="Where this person was loaded from: file:row.", extensions=private()
    )
    _record: strawberry.Private[model.Person]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, record: model.Person, view: View) -> Person:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            title=record.title,
            email=record.email,
            phone=record.phone,
            location=record.location,
            public=record.public,
            status=record.status,
            source=str(record.source) if record.source.file else None,
            _record=record,
            _view=view,
        )

    @strawberry.field(description="The department this person sits in.", metadata=priced(LOOKUP))
    def department(self) -> Department | None:
        found = self._view.get(Kind.DEPARTMENT, self._record.department_id)
        return Department.of(found, self._view) if found else None

    @strawberry.field(
        description="Their manager, as recorded (see `boss` for the nearest who has not left).", metadata=priced(LOOKUP)
    )
    def manager(self) -> Person | None:
        found = self._view.get(Kind.PERSON, self._record.manager_id)
        return Person.of(found, self._view) if found else None

    @strawberry.field(
        description="How many people report to this person as recorded (see `reports`).", metadata=priced(LOOKUP)
    )
    def report_count(self) -> int:
        org = self._view.org
        if org.partial and self._view.store is not None:  # the part a question read may lack their reports
            org = self._view.store.read(Focus(Reach.REPORTS, (self._record.id,)))
        return len(org.reports_of(self._record.id))

    @strawberry.field(
        description="Their recorded absence covering `asOf` (default today), with the delegate who covers it; null "
        "when none does (an absence recorded by HR status alone has no dates).",
        metadata=priced(LOOKUP),
    )
    def absence(
        self,
        as_of: Annotated[
            str | None, strawberry.argument(name="asOf", description="The day (YYYY-MM-DD or a date-time).")
        ] = None,
    ) -> Absence | None:
        day = parse_day(as_of, "asOf") or today()
        org = self._view.org
        if org.partial and self._view.store is not None:  # the part a question read may lack their absences
            org = self._view.store.read(Focus(Reach.PERSON, (self._record.id,), day=day))
        found = org.absence_on(self._record.id, day)
        return Absence.of(found, self._record.public, self._view) if found else None


@strawberry.type(description="A person away on the days `starts`..`ends`, covered by a delegate.")
class Absence:
    starts: datetime.date = strawberry.field(description="The first day away.")
    ends: datetime.date = strawberry.field(description="The last day away.")
    source: str | None = strawberry.field(description="The absences.csv row, file:row.", extensions=private())
    #: The source is shown in the public view for a person marked public, like their contact details.
    public: strawberry.Private[bool]
    _record: strawberry.Private[model.Absence]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, record: model.Absence, public: bool, view: View) -> Absence:
        return cls(
            starts=record.starts,
            ends=record.ends,
            source=str(record.source) if record.source.file else None,
            public=public,
            _record=record,
            _view=view,
        )

    @strawberry.field(description="Who covers for them meanwhile; null when nobody is named.", metadata=priced(LOOKUP))
    def delegate(self) -> Person | None:
        found = self._view.get(Kind.PERSON, self._record.delegate_id)
        return Person.of(found, self._view) if found else None


@strawberry.type(description="A department; departments nest along `parent`.")
class Department:
    id: strawberry.ID
    name: str
    _record: strawberry.Private[model.Department]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, record: model.Department, view: View) -> Department:
        return cls(id=strawberry.ID(record.id), name=record.name, _record=record, _view=view)

    @strawberry.field(metadata=priced(LOOKUP))
    def parent(self) -> Department | None:
        found = self._view.get(Kind.DEPARTMENT, self._record.parent_id)
        return Department.of(found, self._view) if found else None

    @strawberry.field(metadata=priced(LOOKUP))
    def head(self) -> Person | None:
        found = self._view.get(Kind.PERSON, self._record.head_id)
        return Person.of(found, self._view) if found else None


@strawberry.type(description="A functional role held by people in a department.")
class Role:
    id: strawberry.ID
    title: str
    _record: strawberry.Private[model.Role]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, record: model.Role, view: View) -> Role:
        return cls(id=strawberry.ID(record.id), title=record.title, _record=record, _view=view)

    @strawberry.field(metadata=priced(LOOKUP))
    def department(self) -> Department | None:
        found = self._view.get(Kind.DEPARTMENT, self._record.department_id)
        return Department.of(found, self._view) if found else None

    @strawberry.field(metadata=priced(Cost(1, items=10)))
    def holders(self) -> list[Person]:
        people = (self._view.get(Kind.PERSON, h) for h in sorted(self._record.holder_ids))
        return [Person.of(p, self._view) for p in people if isinstance(p, model.Person)]


@strawberry.type(description="An outside agency that runs accounts for the company.")
class Agency:
    id: strawberry.ID
    name: str
    _record: strawberry.Private[model.Agency]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, record: model.Agency, view: View) -> Agency:
        return cls(id=strawberry.ID(record.id), name=record.name, _record=record, _view=view)

    @strawberry.field(description="The insider who answers for the agency.", metadata=priced(LOOKUP))
    def contract_owner(self) -> Person | None:
        found = self._view.get(Kind.PERSON, self._record.contract_owner_id)
        return Person.of(found, self._view) if found else None


@strawberry.type(description="A customer-facing account: a social handle, a page, a phone line, a B2B customer.")
class Account:
    id: strawberry.ID
    platform: str
    handle: str
    name: str
    _record: strawberry.Private[model.Account]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, record: model.Account, view: View) -> Account:
        return cls(
            id=strawberry.ID(record.id),
            platform=record.platform,
            handle=record.handle,
            name=record.name,
            _record=record,
            _view=view,
        )

    @strawberry.field(description="The department answerable for the account.", metadata=priced(LOOKUP))
    def owner(self) -> Department | None:
        found = self._view.get(Kind.DEPARTMENT, self._record.owner_department_id)
        return Department.of(found, self._view) if found else None

    @strawberry.field(description="`agency:ID` or `department:ID`: who runs it day to day.", metadata=priced(Cost()))
    def operated_by(self) -> str | None:
        return str(self._record.operated_by) if self._record.operated_by else None

    @strawberry.field(
        description="`person:ID` or `role:ID`: where escalations go when no rule applies.", metadata=priced(Cost())
    )
    def escalation_contact(self) -> str | None:
        contact = self._record.escalation_contact
        return str(contact) if contact else None

    @strawberry.field(
        description="The outside agency that runs it (with its contract owner); null when a department runs it.",
        metadata=priced(LOOKUP),
    )
    def agency(self) -> Agency | None:
        operator = self._record.operated_by
        if operator is None or operator.kind is not Kind.AGENCY:
            return None
        found = self._view.get(Kind.AGENCY, operator.id)
        return Agency.of(found, self._view) if found else None


@strawberry.type(description="A type of issue; issue types nest (refund ⊂ billing ⊂ support).")
class IssueType:
    id: strawberry.ID
    name: str
    synonyms: list[str]
    _record: strawberry.Private[model.IssueType]
    _view: strawberry.Private[View]

    @classmethod
    def of(cls, record: model.IssueType, view: View) -> IssueType:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            synonyms=list(record.synonyms),
            _record=record,
            _view=view,
        )

    @strawberry.field(metadata=priced(LOOKUP))
    def parent(self) -> IssueType | None:
        found = self._view.get(Kind.ISSUE_TYPE, self._record.parent_id)
        return IssueType.of(found, self._view) if found else None


@strawberry.type(description="A routing rule: issues of a type, within a scope, go to a target.")
class Rule:
    id: strawberry.ID
    issue_type: IssueType
    scope: str = strawberry.field(description="`account:ID`, `department:ID` or `organization`.")
    target: str = strawberry.field(description="`role:ID`, `department:ID` or `person:ID`.")
    source: str | None = strawberry.field(description="The routing.csv row, file:row.", extensions=private())

    @classmethod
    def of(cls, record: model.Rule, view: View) -> Rule:
        return cls(
            id=strawberry.ID(record.id),
            issue_type=IssueType.of(view.org.issue_types[record.issue_type_id], view),
            scope=str(record.scope) if record.scope else model.ORGANIZATION,
            target=str(record.target),
            source=str(record.source) if record.source.file else None,
        )


@strawberry.type(description="One step up the escalation chain; level 0 is the first handler.")
class EscalationStep:
    level: int
    person: Person
    absent: bool


@strawberry.type(description="Who handles an issue type on an account, who is above them, and why.")
class Routing:
    fallback: bool = strawberry.field(description="True when no rule applied and a fallback was used.")
    handlers: list[Person] = strawberry.field(metadata=priced(Cost(items=5)))
    escalation: list[EscalationStep] = strawberry.field(metadata=priced(Cost(items=10)))
    top: Person | None = strawberry.field(description="The last person of the escalation chain.")
    explanation: list[str]
    rule: Rule | None
    account: Account
    issue_type: IssueType
    day: str = strawberry.field(description="The day whose absences were taken into account (ISO).")

    @classmethod
    def of(cls, answer: routing.Routing, view: View) -> Self:
        return cls(
            fallback=answer.fallback,
            handlers=[Person.of(p, view) for p in answer.handlers],
            escalation=[
                EscalationStep(level=s.level, person=Person.of(s.person, view), absent=s.absent)
                for s in answer.escalation
            ],
            top=Person.of(answer.top, view) if answer.top else None,
            explanation=list(answer.explanation),
            rule=Rule.of(answer.rule, view) if answer.rule else None,
            account=Account.of(answer.account, view),
            issue_type=cls._issue_type(answer, view),
            day=answer.day.isoformat(),
        )

    @staticmethod
    def _issue_type(answer: routing.Routing, view: View) -> IssueType:
        return IssueType.of(_classified(answer), view)


@strawberry.type(description="Triage's route: as `Routing`, with no issue type for an unclassified message.")
class TriageRouting(Routing):
    issue_type: IssueType | None = strawberry.field(  # type: ignore[assignment]
        description="Null for an unclassified message: the route is the account's fallback."
    )

    @staticmethod
    def _issue_type(answer: routing.Routing, view: View) -> IssueType | None:  # type: ignore[override]
        return IssueType.of(answer.issue_type, view) if answer.issue_type else None


def _classified(answer: routing.Routing) -> model.IssueType:
    """The issue type of a route: always there for GraphQL's ``route`` (only triage routes without one)."""
    if answer.issue_type is None:
        raise ValueError("a route without an issue type has no GraphQL Routing")
    return answer.issue_type


Node = Annotated[
    Person | Department | Role | Account | Agency | IssueType,
    strawberry.union("Node", description="Anything search can find."),
]


@strawberry.type(description="A search result.")
class Hit:
    kind: str
    id: strawberry.ID
    name: str
    matched: str = strawberry.field(description="The name, handle, title, email or synonym that matched.")
    node: Node

    @classmethod
    def of(cls, hit: SearchHit, view: View) -> Hit:
        return cls(
            kind=hit.kind.value,
            id=strawberry.ID(hit.id),
            name=hit.name,
            matched=hit.matched,
            node=node_of(hit.record, view),
        )


def node_of(record: model.Record, view: View) -> Node:
    match record:
        case model.Person():
            return Person.of(record, view)
        case model.Department():
            return Department.of(record, view)
        case model.Role():
            return Role.of(record, view)
        case model.Account():
            return Account.of(record, view)
        case model.Agency():
            return Agency.of(record, view)
        case model.IssueType():
            return IssueType.of(record, view)
    raise TypeError(f"no GraphQL type for {record.kind}")


strawberry.enum(Severity, name="Severity", description="How bad a finding is; `audit --strict` fails on ERROR.")


@strawberry.type(description="One place the chain of command is broken: what, why it matters, how to fix it.")
class Finding:
    kind: str = strawberry.field(description="What kind of defect: dead-end, several-tops… (see docs/audit.md).")
    severity: Severity
    nodes: list[str] = strawberry.field(description="The nodes involved, as kind:id, the one to fix first.")
    message: str
    why: str = strawberry.field(description="Why it matters.")
    fix: str = strawberry.field(description="How to fix it.")
    where: list[str] = strawberry.field(description="The bundle rows to look at, file:row.", extensions=private())

    @classmethod
    def of(cls, finding: AuditFinding) -> Finding:
        return cls(
            kind=finding.kind,
            severity=finding.severity,
            nodes=list(finding.nodes),
            message=finding.message,
            why=finding.why,
            fix=finding.fix,
            where=list(finding.where),
        )


@strawberry.type(description="The chain-of-command audit of the whole org on one day.")
class OrgHealth:
    day: str = strawberry.field(description="The day whose absences were taken into account (ISO).")
    error_count: int
    warning_count: int
    info_count: int
    findings: list[Finding] = strawberry.field(description="Worst first.")

    @classmethod
    def of(cls, result: Audit, at_least: Severity) -> OrgHealth:
        order = list(Severity)
        shown = [f for f in result.findings if order.index(f.severity) <= order.index(at_least)]
        return cls(
            day=result.day.isoformat(),
            error_count=result.count(Severity.ERROR),
            warning_count=result.count(Severity.WARNING),
            info_count=result.count(Severity.INFO),
            findings=[Finding.of(f) for f in shown],
        )


@strawberry.type(description="Who handles one top-level issue type on one account, and why.")
class MatrixCell:
    account: Account
    issue_type: IssueType
    rule: Rule | None
    fallback: bool = strawberry.field(description="True when no rule applied (or nobody was available for it).")
    handlers: list[Person] = strawberry.field(metadata=priced(Cost(items=5)))
    explanation: list[str]


@strawberry.type(description="Every account against every top-level issue type: who handles it, and how.")
class ResponsibilityMatrix:
    day: str = strawberry.field(description="The day whose absences were taken into account (ISO).")
    accounts: list[Account] = strawberry.field(description="By id.", metadata=priced(Cost(items=100)))
    issue_types: list[IssueType] = strawberry.field(
        description="The top-level issue types, by name.", metadata=priced(Cost(items=10))
    )
    cells: list[MatrixCell] = strawberry.field(
        description="Account by account, in the order of issueTypes.", metadata=priced(Cost(items=1000))
    )
    fallbacks: int = strawberry.field(description="How many cells reach only a fallback.")

    @classmethod
    def of(cls, result: Matrix, view: View) -> ResponsibilityMatrix:
        return cls(
            day=result.day.isoformat(),
            accounts=[Account.of(a, view) for a in result.accounts],
            issue_types=[IssueType.of(i, view) for i in result.issue_types],
            cells=[
                MatrixCell(
                    account=Account.of(c.account, view),
                    issue_type=IssueType.of(c.issue_type, view),
                    rule=Rule.of(c.rule, view) if c.rule else None,
                    fallback=c.fallback,
                    handlers=[Person.of(p, view) for p in c.handlers],
                    explanation=list(c.explanation),
                )
                for c in result.cells
            ],
            fallbacks=result.fallbacks,
        )
