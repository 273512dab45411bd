"""Answers as JSON with a schema: the shapes of the MCP tools' results and of ``--json`` for the new commands.

Every answer carries its ``explanation`` (the reasons, in order, as the
questions wrote them), its ``provenance`` (each node it names and the bundle
row it was loaded from, ``file:row``, so a person can check or fix the
source) and the ``orgVersion`` it was read from. Field names are camelCase,
as in GraphQL. The models are pydantic: the MCP SDK publishes their JSON
schema as each tool's output schema.

Answers are built for the principal of the request (:data:`api.access.current`):
in the public view a person's e-mail and phone, and the provenance of all but
people marked public, are left out, as in GraphQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from buckstop.graph import model
from buckstop.graph.model import Kind, key
from buckstop.graph.org import Org
from buckstop.queries import Audit, Chain, InCharge, Matrix, Routing, Severity, Triage
from buckstop.queries.routing import EscalationStep
from buckstop.queries.search import Hit as SearchHit
from buckstop.queries.triage import Match as TriageMatch

from .access import current, may_see_private

__all__ = [
    "AuditAnswer",
    "ChainAnswer",
    "FindAnswer",
    "InChargeAnswer",
    "MatrixAnswer",
    "RouteAnswer",
    "TopAnswer",
    "TriageAnswer",
    "dump",
]


class Shape(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class Person(Shape):
    id: str
    name: str
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    department_id: str | None = None
    status: str = Field(description="active, absent or left, as recorded by HR.")
    public: bool = Field(description="Executives and heads: their name and title may always be given to a customer.")


class Step(Shape):
    level: int = Field(description="0 is the first handler; each level is one step up REPORTS_TO.")
    absent: bool = Field(description="Absent on the day asked; still in the chain, and back later.")
    person: Person


class Account(Shape):
    id: str
    platform: str
    handle: str
    name: str
    owner_department_id: str | None = None
    operated_by: str | None = Field(None, description="agency:ID or department:ID")
    escalation_contact: str | None = Field(None, description="person:ID or role:ID")


class IssueType(Shape):
    id: str
    name: str
    parent_id: str | None = None
    synonyms: list[str] = []


class Rule(Shape):
    id: str
    issue_type_id: str
    scope: str = Field(description="account:ID, department:ID or organization")
    target: str = Field(description="role:ID, department:ID or person:ID")


class Fact(Shape):
    node: str = Field(description="A node the answer names, as kind:id.")
    source: str | None = Field(description="The bundle row it was loaded from, file:row (none if not from a file).")


class Answer(Shape):
    explanation: list[str] = Field(description="Why: each step of the reasoning, in order.")
    provenance: list[Fact] = Field(description="Where each fact came from.")
    org_version: int = Field(description="The version of the org the answer was read from.")


class RouteAnswer(Answer):
    account: Account
    issue_type: IssueType
    rule: Rule | None = Field(description="The rule that applied; null for a fallback with no rule.")
    fallback: bool = Field(description="True when no rule applied (or nobody was available for it).")
    handlers: list[Person] = Field(description="Who handles it, by id.")
    escalation: list[Step] = Field(description="The first handler, then everyone above, up to the top.")
    top: Person | None = Field(description="The last person of the escalation chain: the name on the door.")
    day: str = Field(description="The day whose absences count (ISO).")


class Match(Shape):
    issue_type_id: str
    term: str = Field(description="The issue type's name or synonym that matched.")
    words: str = Field(description="The customer's words that matched it, as written.")


class Candidate(Shape):
    issue_type: IssueType
    score: int = Field(description="Words matched, those of broader issue types included.")
    matches: list[Match]


class TriageAnswer(Answer):
    account: Account
    message: str
    issue_type: IssueType | None = Field(description="The issue type chosen; null when nothing matched.")
    unclassified: bool = Field(description="True when no name or synonym matched: routed to the fallback.")
    ambiguous: bool = Field(description="True when the best candidates tie: ask the customer, or route another.")
    matched: list[Match] = Field(description="The words behind the chosen issue type.")
    candidates: list[Candidate] = Field(description="The best issue types, best first.")
    rule: Rule | None
    fallback: bool
    handlers: list[Person]
    escalation: list[Step]
    top: Person | None
    day: str


class ChainAnswer(Answer):
    person: Person
    above: list[Person] = Field(description="Their manager first, up to the top; people who left are stepped over.")


class InChargeAnswer(Answer):
    of: str
    people: list[Person] = Field(description="The head in charge first, then the chain above them.")


class TopAnswer(Answer):
    top: Person | None = Field(description="The person at the top of the organisation: the name on the door.")


class Hit(Shape):
    kind: str
    id: str
    name: str
    matched: str = Field(description="The name, handle, title, email or synonym that matched.")


class FindAnswer(Answer):
    hits: list[Hit]


class Finding(Shape):
    kind: str
    severity: str = Field(description="error, warning or info.")
    nodes: list[str] = Field(description="The nodes involved, as kind:id, the one to fix first.")
    message: str
    why: str = Field(description="Why it matters.")
    fix: str = Field(description="How to fix it.")
    where: list[str] = Field(description="The bundle rows to look at, file:row.")


class Counts(Shape):
    error: int
    warning: int
    info: int


class AuditAnswer(Answer):
    day: str
    counts: Counts
    findings: list[Finding] = Field(description="Worst first.")


class Handler(Shape):
    id: str
    name: str


class Cell(Shape):
    account_id: str
    handle: str
    issue_type_id: str
    issue_type: str
    rule_id: str | None
    fallback: bool
    handlers: list[Handler]


class MatrixAnswer(Answer):
    day: str
    accounts: list[Account]
    issue_types: list[IssueType] = Field(description="The top-level issue types, by name.")
    cells: list[Cell] = Field(description="Account by account, in the order of issueTypes.")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def dump(answer: Shape) -> dict[str, object]:
    """The JSON-able dict of an answer, camelCase as on the wire."""
    return answer.model_dump(mode="json", by_alias=True)


# -- building answers from the questions' records --------------------------------------------


def person(p: model.Person) -> Person:
    shown = may_see_private(p)
    return Person(
        id=p.id,
        name=p.name,
        title=p.title,
        email=p.email if shown else None,
        phone=p.phone if shown else None,
        department_id=p.department_id,
        status=p.status.value,
        public=p.public,
    )


def _account(a: model.Account) -> Account:
    return Account(
        id=a.id,
        platform=a.platform,
        handle=a.handle,
        name=a.name,
        owner_department_id=a.owner_department_id,
        operated_by=str(a.operated_by) if a.operated_by else None,
        escalation_contact=str(a.escalation_contact) if a.escalation_contact else None,
    )


def _issue(i: model.IssueType) -> IssueType:
    return IssueType(id=i.id, name=i.name, parent_id=i.parent_id, synonyms=list(i.synonyms))


def _rule(r: model.Rule | None) -> Rule | None:
    if r is None:
        return None
    return Rule(id=r.id, issue_type_id=r.issue_type_id, scope=str(r.scope or model.ORGANIZATION), target=str(r.target))


def _steps(steps: Iterable[EscalationStep]) -> list[Step]:
    return [Step(level=s.level, absent=s.absent, person=person(s.person)) for s in steps]


def provenance(org: Org, nodes: Iterable[str], day: date | None = None) -> list[Fact]:
    """Each node once, in order, with its bundle row; people absent on ``day`` bring their absence row."""
    facts: dict[str, str | None] = {}
    for node in nodes:
        kind, _, id = node.partition(":")
        record = org.get(Kind(kind), id)
        if node in facts or record is None:
            continue
        if not _may_show_source(record):
            facts[node] = None
            continue
        facts[node] = str(record.source) if record.source.file else None
        absence = org.absence_on(id, day) if day and kind == Kind.PERSON else None
        if absence is not None:
            facts[key(Kind.ABSENCE, absence.id)] = str(absence.source) if absence.source.file else None
    return [Fact(node=n, source=s) for n, s in facts.items()]


def _may_show_source(record: model.Record) -> bool:
    if isinstance(record, model.Person):
        return may_see_private(record)
    return current.get().reads_private


def _routed_nodes(answer: Routing | Triage) -> list[str]:
    nodes = [key(Kind.ACCOUNT, answer.account.id)]
    if answer.issue_type is not None:
        issue = answer.issue_type.id
        nodes += [key(Kind.ISSUE_TYPE, i) for i in [issue, *answer.org.ancestors(Kind.ISSUE_TYPE, issue)]]
    if answer.rule is not None:
        nodes.append(key(Kind.RULE, answer.rule.id))
    nodes += [key(Kind.PERSON, p.id) for p in answer.handlers]
    nodes += [key(Kind.PERSON, s.person.id) for s in answer.escalation]
    return nodes


def route_answer(answer: Routing) -> RouteAnswer:
    return RouteAnswer(
        account=_account(answer.account),
        issue_type=_issue(answer.issue_type),
        rule=_rule(answer.rule),
        fallback=answer.fallback,
        handlers=[person(p) for p in answer.handlers],
        escalation=_steps(answer.escalation),
        top=person(answer.top) if answer.top else None,
        day=answer.day.isoformat(),
        explanation=list(answer.explanation),
        provenance=provenance(answer.org, _routed_nodes(answer), answer.day),
        org_version=answer.org.version,
    )


def triage_answer(answer: Triage) -> TriageAnswer:
    def match(m: TriageMatch) -> Match:
        return Match(issue_type_id=m.issue_type_id, term=m.term, words=m.words)

    return TriageAnswer(
        account=_account(answer.account),
        message=answer.message,
        issue_type=_issue(answer.issue_type) if answer.issue_type else None,
        unclassified=answer.issue_type is None,
        ambiguous=answer.ambiguous,
        matched=[match(m) for m in answer.matched],
        candidates=[
            Candidate(issue_type=_issue(c.issue_type), score=c.score, matches=[match(m) for m in c.matches])
            for c in answer.candidates
        ],
        rule=_rule(answer.rule),
        fallback=answer.fallback,
        handlers=[person(p) for p in answer.handlers],
        escalation=_steps(answer.escalation),
        top=person(answer.top) if answer.top else None,
        day=answer.day.isoformat(),
        explanation=list(answer.explanation),
        provenance=provenance(answer.org, _routed_nodes(answer), answer.day),
        org_version=answer.org.version,
    )


def chain_answer(chain: Chain) -> ChainAnswer:
    people = [chain.person, *chain.above]
    names = " → ".join(p.name for p in people)
    return ChainAnswer(
        person=person(chain.person),
        above=[person(p) for p in chain.above],
        explanation=[f"Chain of command: {names}." if chain.above else f"{chain.person.name} has nobody above them."],
        provenance=provenance(chain.org, [key(Kind.PERSON, p.id) for p in people]),
        org_version=chain.org.version,
    )


def in_charge_answer(answer: InCharge) -> InChargeAnswer:
    return InChargeAnswer(
        of=answer.of,
        people=[person(p) for p in answer.people],
        explanation=list(answer.explanation),
        provenance=provenance(answer.org, [key(Kind.PERSON, p.id) for p in answer.people]),
        org_version=answer.org.version,
    )


def top_answer(top: model.Person | None, org: Org) -> TopAnswer:
    if top is None:
        notes = ["The organisation has nobody in it."]
    else:
        notes = [f"{top.name} ({top.id}) is at the top of the largest reporting tree: nobody is above them."]
    return TopAnswer(
        top=person(top) if top else None,
        explanation=notes,
        provenance=provenance(org, [key(Kind.PERSON, top.id)] if top else []),
        org_version=org.version,
    )


def find_answer(hits: list[SearchHit], org: Org, text: str) -> FindAnswer:
    return FindAnswer(
        hits=[Hit(kind=h.kind.value, id=h.id, name=h.name, matched=h.matched) for h in hits],
        explanation=[f"{len(hits)} {'match' if len(hits) == 1 else 'matches'} for {text!r}, best first."],
        provenance=provenance(org, [key(h.kind, h.id) for h in hits]),
        org_version=org.version,
    )


def audit_answer(result: Audit, *, at_least: Severity = Severity.INFO) -> AuditAnswer:
    """The audit's findings of severity ``at_least`` or worse; the counts are of every finding."""
    order = list(Severity)
    shown = [f for f in result.findings if order.index(f.severity) <= order.index(at_least)]
    counts = Counts(
        error=result.count(Severity.ERROR), warning=result.count(Severity.WARNING), info=result.count(Severity.INFO)
    )
    summary = ", ".join(_plural(n, word) for n, word in ((counts.error, "error"), (counts.warning, "warning")))
    summary += f" and {_plural(counts.info, 'note')} on {result.day}."
    return AuditAnswer(
        day=result.day.isoformat(),
        counts=counts,
        findings=[
            Finding(
                kind=f.kind,
                severity=f.severity.value,
                nodes=list(f.nodes),
                message=f.message,
                why=f.why,
                fix=f.fix,
                where=list(f.where) if current.get().reads_private else [],
            )
            for f in shown
        ],
        explanation=[f"Audited org version {result.org.version}: {summary}"],
        provenance=provenance(result.org, [n for f in shown for n in f.nodes]),
        org_version=result.org.version,
    )


def matrix_answer(result: Matrix) -> MatrixAnswer:
    cells = [
        Cell(
            account_id=c.account.id,
            handle=c.account.handle,
            issue_type_id=c.issue_type.id,
            issue_type=c.issue_type.name,
            rule_id=c.rule.id if c.rule else None,
            fallback=c.fallback,
            handlers=[Handler(id=p.id, name=p.name) for p in c.handlers],
        )
        for c in result.cells
    ]
    size = f"{len(result.accounts)} accounts × {len(result.issue_types)} top-level issue types"
    return MatrixAnswer(
        day=result.day.isoformat(),
        accounts=[_account(a) for a in result.accounts],
        issue_types=[_issue(i) for i in result.issue_types],
        cells=cells,
        explanation=[f"{size} on {result.day}: {result.fallbacks} of {len(cells)} reach only a fallback."],
        provenance=provenance(result.org, [key(Kind.RULE, c.rule.id) for c in result.cells if c.rule]),
        org_version=result.org.version,
    )
