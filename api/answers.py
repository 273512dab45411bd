"""Answers as JSON with a schema: one shape per answer, for every ``--json`` and every MCP tool.

Vocabulary:

- An *answer* is the JSON of one question, built here from the question's
  record (:mod:`queries`) and nowhere else. Its field names and nesting are
  GraphQL's (camelCase, the same types' fields): a GraphQL query selecting the
  fields of an answer gets the same keys and values (``tests/api/test_one_shape.py``).
- Where GraphQL nests a node (a person's ``department`` and ``manager``, an
  issue type's ``parent``, an account's ``owner``, a rule's ``issueType``, a
  matrix cell's account, issue type and handlers), the answer nests a
  :class:`Ref`, ``{id, name}``, as a GraphQL selection of those two fields would.
- Enumerations are written as GraphQL writes them (``ACTIVE``, ``ERROR``); a
  ``source`` is ``file:row``.
- Answers carry their ``explanation`` (the reasons, in order), their
  ``provenance`` (each node they name with its bundle row, so a person can check
  or fix the source) and the ``orgVersion`` they were read from: what GraphQL
  leaves to other fields.

Answers are built for the principal of the request (:data:`api.access.current`):
what GraphQL's ``@private`` fields withhold in the public view (contact details,
where a fact was loaded from) is null here too; the rules are :mod:`api.access`'s.
The models are pydantic: the MCP SDK publishes their JSON schema as each tool's
output schema, and the upload mutation's result type is made from :class:`LoadAnswer`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from buckstop.graph import model
from buckstop.graph.errors import BundleRefused
from buckstop.graph.model import Kind, key
from buckstop.graph.org import Org
from buckstop.graph.store import Store
from buckstop.loaders import Load
from buckstop.loaders.diff import Change, Consequence, Diff, diff
from buckstop.queries import Audit, Chain, InCharge, Matrix, Routing, Severity, Triage
from buckstop.queries.audit import Finding as AuditFinding
from buckstop.queries.handovers import handovers
from buckstop.queries.search import Hit as SearchHit

from .access import may_see_private, may_see_source
from .view import View

__all__ = [
    "AuditAnswer",
    "BetweenAnswer",
    "BossAnswer",
    "ChainAnswer",
    "FindAnswer",
    "Handover",
    "InChargeAnswer",
    "LoadAnswer",
    "MatrixAnswer",
    "RouteAnswer",
    "Shape",
    "TopAnswer",
    "TriageAnswer",
    "between_answer",
    "dump",
    "effective_of",
    "finding",
    "people_diff",
    "severe",
]


class Shape(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class Ref(Shape):
    """A node another one points at: its id and name, as GraphQL's ``{ id name }``."""

    id: str
    name: str


class Person(Shape):
    id: str
    name: str
    title: str | None
    email: str | None = Field(description="Null in the public view, except for a person marked public.")
    phone: str | None = Field(description="Null in the public view, except for a person marked public.")
    location: str | None = Field(description="Null in the public view, except for a person marked public.")
    public: bool = Field(description="Executives and heads: their contact details are shown in the public view too.")
    status: str = Field(description="ACTIVE, ABSENT or LEFT, as recorded by HR.")
    source: str | None = Field(description="Where this person was loaded from: file:row.")
    department: Ref | None
    manager: Ref | None = Field(description="Their manager, as recorded.")


class Account(Shape):
    id: str
    platform: str
    handle: str
    name: str
    owner: Ref | None = Field(description="The department answerable for the account.")
    operated_by: str | None = Field(description="agency:ID or department:ID")
    escalation_contact: str | None = Field(description="person:ID or role:ID")


class IssueType(Shape):
    id: str
    name: str
    synonyms: list[str]
    parent: Ref | None


class Rule(Shape):
    id: str
    issue_type: Ref
    scope: str = Field(description="account:ID, department:ID or organization")
    target: str = Field(description="role:ID, department:ID or person:ID")
    source: str | None = Field(description="The routing.csv row, file:row.")


class Step(Shape):
    level: int = Field(description="0 is the first handler; each level is one step up REPORTS_TO.")
    person: Person
    absent: bool = Field(description="Absent on the day asked; still in the chain, and back later.")


class Fact(Shape):
    node: str = Field(description="A node the answer names, as kind:id.")
    source: str | None = Field(description="The bundle row it was loaded from, file:row (none if not from a file).")


class Sourced(Shape):
    provenance: list[Fact] = Field(description="Where each fact came from.")
    org_version: int = Field(description="The version of the org the answer was read from.")
    org_effective: str | None = Field(
        description="The day that version came into force, YYYY-MM-DD; null for one in force from the beginning."
    )


class Answer(Sourced):
    explanation: list[str] = Field(description="Why: each step of the reasoning, in order.")


class Route(Shape):
    """GraphQL's ``Routing``: who handles an issue type on an account, who is above them, and why."""

    fallback: bool = Field(description="True when no rule applied (or nobody was available for it).")
    handlers: list[Person] = Field(description="Who handles it, by id.")
    escalation: list[Step] = Field(description="The first handler, then everyone above, up to the top.")
    top: Person | None = Field(description="The last person of the escalation chain: the name on the door.")
    explanation: list[str] = Field(description="Why: each step of the reasoning, in order.")
    rule: Rule | None = Field(description="The rule that applied; null for a fallback with no rule.")
    account: Account
    issue_type: IssueType | None = Field(description="Null only in triage, for a message no issue type matched.")
    day: str = Field(description="The day whose absences count (ISO).")


class RouteAnswer(Route, Sourced):
    pass


class Evidence(Shape):
    said: str = Field(description="The customer's words, folded (case and accents).")
    means: str = Field(description="What they were read as: a concept of the lexicon, or the org's own term quoted.")
    phrase: str = Field(description="The lexicon's phrase or the org's term they matched.")


class Candidate(Shape):
    issue_type: IssueType
    score: float = Field(description="The weights of the concepts the message says that the issue type owns.")


class TriageAnswer(Answer):
    message: str
    issue_type: IssueType | None = Field(description="The issue type chosen; null when unclassified.")
    unclassified: bool = Field(description="True when no issue type was read surely enough: routed to the fallback.")
    ambiguous: bool = Field(
        description="Unclassified, though some issue type was read: ask the customer, or route a candidate."
    )
    confidence: float = Field(description="How sure the reading is, 0 to 1; below the threshold it is unclassified.")
    language: str = Field(description="The message's language, ISO 639-1 (en, fr, es, de, it, pt, nl); empty if none.")
    boss_question: bool = Field(description="True when the message asks for the person in charge.")
    top: Person | None = Field(
        description="The top of the organisation, named first when the message asks for the person in charge."
    )
    evidence: list[Evidence] = Field(description="The words that decided it, in the message's order.")
    candidates: list[Candidate] = Field(description="The best issue types, best first.")
    route: Route = Field(description="The route of the chosen issue type, or the account's fallback.")


class ChainAnswer(Answer):
    person: Person
    above: list[Person] = Field(description="Their manager first, up to the top; people who left are stepped over.")


class BossAnswer(Answer):
    person: Person
    boss: Person | None = Field(description="Their manager: the nearest above them who has not left.")


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
    severity: str = Field(description="ERROR, WARNING or INFO.")
    nodes: list[str] = Field(description="The nodes involved, as kind:id, the one to fix first.")
    message: str
    why: str = Field(description="Why it matters.")
    fix: str = Field(description="How to fix it.")
    where: list[str] = Field(description="The bundle rows to look at, file:row (none in the public view).")


class AuditAnswer(Answer):
    day: str
    error_count: int
    warning_count: int
    info_count: int
    findings: list[Finding] = Field(description="Worst first.")


class Cell(Shape):
    account: Ref
    issue_type: Ref
    rule: Rule | None
    fallback: bool = Field(description="True when no rule applied (or nobody was available for it).")
    handlers: list[Ref]
    explanation: list[str]


class MatrixAnswer(Answer):
    day: str
    accounts: list[Account]
    issue_types: list[IssueType] = Field(description="The top-level issue types, by name.")
    cells: list[Cell] = Field(description="Account by account, in the order of issueTypes.")
    fallbacks: int = Field(description="How many cells reach only a fallback.")


#: The keys every answer ends with, after its own fields (pydantic would put a base class's first).
_LAST = ("explanation", "provenance", "orgVersion", "orgEffective")


def effective_of(org: Org) -> str | None:
    """The effective date of the version ``org`` is, as the answers give it."""
    return org.effective.isoformat() if org.effective else None


def dump(answer: Shape) -> dict[str, object]:
    """The JSON-able dict of an answer, camelCase as on the wire: its own fields, then why and where from."""
    data = answer.model_dump(mode="json", by_alias=True)
    return {k: v for k, v in data.items() if k not in _LAST} | {k: data[k] for k in _LAST if k in data}


# -- nodes ----------------------------------------------------------------------------------------


def _ref(view: View, kind: Kind, id: str | None) -> Ref | None:
    found = view.get(kind, id)
    return Ref(id=found.id, name=found.name) if found is not None else None


def _source(record: model.Record) -> str | None:
    return str(record.source) if record.source.file and may_see_source(record) else None


def person(p: model.Person, view: View) -> Person:
    shown = may_see_private(p)
    return Person(
        id=p.id,
        name=p.name,
        title=p.title,
        email=p.email if shown else None,
        phone=p.phone if shown else None,
        location=p.location if shown else None,
        public=p.public,
        status=p.status.name,
        source=_source(p),
        department=_ref(view, Kind.DEPARTMENT, p.department_id),
        manager=_ref(view, Kind.PERSON, p.manager_id),
    )


def _account(a: model.Account, view: View) -> Account:
    return Account(
        id=a.id,
        platform=a.platform,
        handle=a.handle,
        name=a.name,
        owner=_ref(view, Kind.DEPARTMENT, a.owner_department_id),
        operated_by=str(a.operated_by) if a.operated_by else None,
        escalation_contact=str(a.escalation_contact) if a.escalation_contact else None,
    )


def _issue(i: model.IssueType, view: View) -> IssueType:
    return IssueType(id=i.id, name=i.name, synonyms=list(i.synonyms), parent=_ref(view, Kind.ISSUE_TYPE, i.parent_id))


def _rule(r: model.Rule | None, view: View) -> Rule | None:
    if r is None:
        return None
    issue = _ref(view, Kind.ISSUE_TYPE, r.issue_type_id) or Ref(id=r.issue_type_id, name=r.issue_type_id)
    return Rule(
        id=r.id,
        issue_type=issue,
        scope=str(r.scope or model.ORGANIZATION),
        target=str(r.target),
        source=_source(r),
    )


def provenance(org: Org, nodes: Iterable[str], day: date | None = None) -> list[Fact]:
    """Each node once, in order, with its bundle row; people absent on ``day`` bring their absence row."""
    facts: dict[str, str | None] = {}
    for node in nodes:
        kind, _, id = node.partition(":")
        record = org.get(Kind(kind), id)
        if node in facts or record is None:
            continue
        facts[node] = _source(record)
        absence = org.absence_on(id, day) if day and kind == Kind.PERSON and may_see_source(record) else None
        if absence is not None:
            facts[key(Kind.ABSENCE, absence.id)] = str(absence.source) if absence.source.file else None
    return [Fact(node=n, source=s) for n, s in facts.items()]


# -- answers --------------------------------------------------------------------------------------


def _route(answer: Routing, view: View) -> Route:
    return Route(
        fallback=answer.fallback,
        handlers=[person(p, view) for p in answer.handlers],
        escalation=[Step(level=s.level, person=person(s.person, view), absent=s.absent) for s in answer.escalation],
        top=person(answer.top, view) if answer.top else None,
        explanation=list(answer.explanation),
        rule=_rule(answer.rule, view),
        account=_account(answer.account, view),
        issue_type=_issue(answer.issue_type, view) if answer.issue_type else None,
        day=answer.day.isoformat(),
    )


def _routed_nodes(answer: Routing) -> list[str]:
    nodes = [key(Kind.ACCOUNT, answer.account.id)]
    if answer.issue_type is not None:
        issue = answer.issue_type.id
        nodes += [key(Kind.ISSUE_TYPE, i) for i in [issue, *answer.org.ancestors(Kind.ISSUE_TYPE, issue)]]
    if answer.rule is not None:
        nodes.append(key(Kind.RULE, answer.rule.id))
    nodes += [key(Kind.PERSON, p.id) for p in answer.handlers]
    nodes += [key(Kind.PERSON, s.person.id) for s in answer.escalation]
    return nodes


def route_answer(answer: Routing, store: Store | None = None) -> RouteAnswer:
    shaped = _route(answer, View(answer.org, store))
    return RouteAnswer(
        **dict(shaped),
        provenance=provenance(answer.org, _routed_nodes(answer), answer.day),
        org_version=answer.org.version,
        org_effective=effective_of(answer.org),
    )


def triage_answer(answer: Triage, store: Store | None = None) -> TriageAnswer:
    view = View(answer.org, store)
    nodes = _routed_nodes(answer.routing)
    if answer.top is not None:
        nodes.insert(0, key(Kind.PERSON, answer.top.id))
    return TriageAnswer(
        message=answer.message,
        issue_type=_issue(answer.issue_type, view) if answer.issue_type else None,
        unclassified=answer.unclassified,
        ambiguous=answer.ambiguous,
        confidence=answer.confidence,
        language=answer.language,
        boss_question=answer.boss_question,
        top=person(answer.top, view) if answer.top else None,
        evidence=[Evidence(said=e.said, means=e.means, phrase=e.phrase) for e in answer.evidence],
        candidates=[Candidate(issue_type=_issue(c.issue_type, view), score=c.score) for c in answer.candidates],
        route=_route(answer.routing, view),
        explanation=list(answer.explanation),
        provenance=provenance(answer.org, nodes, answer.routing.day),
        org_version=answer.org.version,
        org_effective=effective_of(answer.org),
    )


def chain_answer(chain: Chain, store: Store | None = None) -> ChainAnswer:
    view = View(chain.org, store)
    people = [chain.person, *chain.above]
    names = " → ".join(p.name for p in people)
    return ChainAnswer(
        person=person(chain.person, view),
        above=[person(p, view) for p in chain.above],
        explanation=[f"Chain of command: {names}." if chain.above else f"{chain.person.name} has nobody above them."],
        provenance=provenance(chain.org, [key(Kind.PERSON, p.id) for p in people]),
        org_version=chain.org.version,
        org_effective=effective_of(chain.org),
    )


def boss_answer(of: model.Person, boss: model.Person | None, org: Org, store: Store | None = None) -> BossAnswer:
    view = View(org, store)
    if boss is None:
        notes = [f"{of.name} has nobody above them who has not left: they are at the top of the organisation."]
    else:
        notes = [f"{boss.name} is the manager of {of.name}: the nearest above them who has not left."]
    return BossAnswer(
        person=person(of, view),
        boss=person(boss, view) if boss else None,
        explanation=notes,
        provenance=provenance(org, [key(Kind.PERSON, p.id) for p in (of, boss) if p is not None]),
        org_version=org.version,
        org_effective=effective_of(org),
    )


def in_charge_answer(answer: InCharge, store: Store | None = None) -> InChargeAnswer:
    view = View(answer.org, store)
    return InChargeAnswer(
        of=answer.of,
        people=[person(p, view) for p in answer.people],
        explanation=list(answer.explanation),
        provenance=provenance(answer.org, [key(Kind.PERSON, p.id) for p in answer.people]),
        org_version=answer.org.version,
        org_effective=effective_of(answer.org),
    )


def top_answer(top: model.Person | None, org: Org, store: Store | None = None) -> TopAnswer:
    if top is None:
        notes = ["The organisation has nobody in it."]
    else:
        notes = [f"{top.name} ({top.id}) is at the top of the largest reporting tree: nobody is above them."]
    return TopAnswer(
        top=person(top, View(org, store)) if top else None,
        explanation=notes,
        provenance=provenance(org, [key(Kind.PERSON, top.id)] if top else []),
        org_version=org.version,
        org_effective=effective_of(org),
    )


def find_answer(hits: list[SearchHit], org: Org, text: str) -> FindAnswer:
    return FindAnswer(
        hits=[Hit(kind=h.kind.value, id=h.id, name=h.name, matched=h.matched) for h in hits],
        explanation=[f"{len(hits)} {'match' if len(hits) == 1 else 'matches'} for {text!r}, best first."],
        provenance=provenance(org, [key(h.kind, h.id) for h in hits]),
        org_version=org.version,
        org_effective=effective_of(org),
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def finding(f: AuditFinding) -> Finding:
    """One finding; its bundle rows only for a principal who may see where facts came from."""
    return Finding(
        kind=f.kind,
        severity=f.severity.name,
        nodes=list(f.nodes),
        message=f.message,
        why=f.why,
        fix=f.fix,
        where=list(f.where) if may_see_source() else [],
    )


def severe(findings: Iterable[AuditFinding], severity: Severity) -> list[AuditFinding]:
    """The findings of severity ``severity`` or worse, in their order."""
    order = list(Severity)
    return [f for f in findings if order.index(f.severity) <= order.index(severity)]


def audit_answer(result: Audit, *, at_least: Severity = Severity.INFO) -> AuditAnswer:
    """The audit's findings of severity ``at_least`` or worse; the counts are of every finding."""
    shown = severe(result.findings, at_least)
    counts = {s: result.count(s) for s in Severity}
    summary = ", ".join(_plural(counts[s], s.value) for s in (Severity.ERROR, Severity.WARNING))
    summary += f" and {_plural(counts[Severity.INFO], 'note')} on {result.day}."
    return AuditAnswer(
        day=result.day.isoformat(),
        error_count=counts[Severity.ERROR],
        warning_count=counts[Severity.WARNING],
        info_count=counts[Severity.INFO],
        findings=[finding(f) for f in shown],
        explanation=[f"Audited org version {result.org.version}: {summary}"],
        provenance=provenance(result.org, [n for f in shown for n in f.nodes]),
        org_version=result.org.version,
        org_effective=effective_of(result.org),
    )


def matrix_answer(result: Matrix, store: Store | None = None) -> MatrixAnswer:
    view = View(result.org, store)
    cells = [
        Cell(
            account=Ref(id=c.account.id, name=c.account.name),
            issue_type=Ref(id=c.issue_type.id, name=c.issue_type.name),
            rule=_rule(c.rule, view),
            fallback=c.fallback,
            handlers=[Ref(id=p.id, name=p.name) for p in c.handlers],
            explanation=list(c.explanation),
        )
        for c in result.cells
    ]
    size = f"{len(result.accounts)} accounts × {len(result.issue_types)} top-level issue types"
    return MatrixAnswer(
        day=result.day.isoformat(),
        accounts=[_account(a, view) for a in result.accounts],
        issue_types=[_issue(i, view) for i in result.issue_types],
        cells=cells,
        fallbacks=result.fallbacks,
        explanation=[f"{size} on {result.day}: {result.fallbacks} of {len(cells)} reach only a fallback."],
        provenance=provenance(result.org, [key(Kind.RULE, c.rule.id) for c in result.cells if c.rule]),
        org_version=result.org.version,
        org_effective=effective_of(result.org),
    )


# -- a load ---------------------------------------------------------------------------------------


class PersonRef(Shape):
    """A person in a diff: who, and where they come from in the file."""

    id: str
    name: str
    title: str | None
    source: str | None = Field(description="file:row of the export.")


class PersonChange(Shape):
    """One field of one person, before and after."""

    person: PersonRef
    field: str = Field(
        description="`department`, `manager`, `title`, `status`, or another column: `name`, `email`, `public`, "
        "`phone`, `location`."
    )
    old: str | None
    new: str | None


class RoutingConsequence(Shape):
    """A rule, account, agency or department that now points at someone who has left."""

    kind: str
    id: str
    leaver: PersonRef
    message: str


class PeopleDiff(Shape):
    """What a load changes about people. Each list holds at most `limit` entries."""

    summary: str
    joiner_count: int
    leaver_count: int
    mover_count: int
    joiners: list[PersonRef]
    leavers: list[PersonRef]
    moves: list[PersonChange] = Field(description="Department and manager changes.")
    title_changes: list[PersonChange]
    status_changes: list[PersonChange]
    other_changes: list[PersonChange] = Field(
        description="Every other column that changed: name, email, public, phone, location."
    )
    consequences: list[RoutingConsequence]


class LoadAnswer(Shape):
    """The outcome of a load (or, with dryRun, of what it would do)."""

    applied: bool
    version: int | None = Field(description="The org's version after the load; null on a dry run.")
    effective: str | None = Field(description="The day the new version comes into force; null on a dry run.")
    notes: list[str] = Field(description="How the file was read: its format, encoding, what was made.")
    problem_count: int
    problems: list[str] = Field(description="The first `limit` problems, as file:row [column]: message.")
    diff: PeopleDiff


def _person_ref(p: model.Person) -> PersonRef:
    return PersonRef(id=p.id, name=p.name, title=p.title, source=_source(p))


def _change(c: Change) -> PersonChange:
    return PersonChange(person=_person_ref(c.person), field=c.field, old=c.old, new=c.new)


def _consequence(c: Consequence) -> RoutingConsequence:
    return RoutingConsequence(kind=c.kind.value, id=c.id, leaver=_person_ref(c.leaver), message=c.message)


def people_diff(d: Diff, limit: int) -> PeopleDiff:
    """A diff of two orgs' people, each list at most ``limit`` long."""
    return PeopleDiff(
        summary=d.summary(),
        joiner_count=len(d.joiners),
        leaver_count=len(d.leavers),
        mover_count=len(d.movers),
        joiners=[_person_ref(p) for p in d.joiners[:limit]],
        leavers=[_person_ref(p) for p in d.leavers[:limit]],
        moves=[_change(c) for c in d.moves[:limit]],
        title_changes=[_change(c) for c in d.title_changes[:limit]],
        status_changes=[_change(c) for c in d.status_changes[:limit]],
        other_changes=[_change(c) for c in d.other_changes[:limit]],
        consequences=[_consequence(c) for c in d.consequences[:limit]],
    )


def load_answer(done: Load, limit: int) -> LoadAnswer:
    """A load: its notes, its problems and its diff, each list at most ``limit`` long."""
    return LoadAnswer(
        applied=done.applied is not None,
        version=done.applied.version if done.applied else None,
        effective=done.applied.effective.isoformat() if done.applied and done.applied.effective else None,
        notes=list(done.notes),
        problem_count=len(done.problems),
        problems=[str(p) for p in BundleRefused(done.problems).problems[:limit]],
        diff=people_diff(done.diff, limit),
    )


class Handover(Shape):
    """A routing rule or an account that changed hands."""

    kind: str = Field(description="`rule` or `account`.")
    id: str
    field: str = Field(
        description="What changed: a rule's `target`, its `handlers` (whom the target resolves to), or `rule` (added "
        "or removed); an account's `owner`, `operator`, `contractOwner` (of the agency running it) or "
        "`escalationContact`."
    )
    old: str | None = Field(description="Before, as kind:id (several handlers joined by `, `); null for none.")
    new: str | None = Field(description="After, likewise.")
    message: str


class BetweenAnswer(Shape):
    """What changed in the org between two days: the version in force on each, who joined, left or moved, and the
    rules and accounts that changed hands."""

    from_day: str
    to_day: str
    from_version: int = Field(description="The version in force on `fromDay` (0: none yet).")
    from_effective: str | None = Field(description="The day that version came into force.")
    to_version: int = Field(description="The version in force on `toDay`.")
    to_effective: str | None = Field(description="The day that version came into force.")
    diff: PeopleDiff
    handover_count: int
    handovers: list[Handover] = Field(
        description="Rules, then accounts, by id; at most `limit`. Both versions' handlers are resolved on `toDay`."
    )


def between_answer(start: date, end: date, before: Org, after: Org, limit: int) -> BetweenAnswer:
    """The change from the version in force on ``start`` (``before``) to the one on ``end`` (``after``)."""
    moved = handovers(before, after, end)
    return BetweenAnswer(
        from_day=start.isoformat(),
        to_day=end.isoformat(),
        from_version=before.version,
        from_effective=effective_of(before),
        to_version=after.version,
        to_effective=effective_of(after),
        diff=people_diff(diff(before, after), limit),
        handover_count=len(moved),
        handovers=[
            Handover(kind=h.kind.value, id=h.id, field=h.field, old=h.old, new=h.new, message=h.message)
            for h in moved[:limit]
        ],
    )
