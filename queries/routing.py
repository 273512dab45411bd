"""Routing: who handles an issue type on an account, and the escalation chain above them.

Vocabulary:

- A *rule* routes an issue type within a *scope* (an account, a department, or
  the whole organisation) to a *target* (a person, role or department).
- The *candidate* rules for (account A, issue type T) are those for T or a
  broader issue type, scoped to A, to the department owning A or one above
  it, or to the organisation. The most specific issue type wins; among its
  rules, the most specific scope (account > owning department > nearer
  department above > organisation). Ties are refused at load.
- A *fallback* answer is given when no rule applies: the account's
  escalation contact, else the head of its owning department, else whoever
  runs it (an agency's contract owner, a department's head), else the top.
- The *escalation* chain is the first handler (level 0) and everyone above
  them along ``REPORTS_TO``; its last person is the *top*.

>>> from graph import MemoryStore  # doctest: +SKIP
>>> route(store, "@AcmeHelp", "refund").handlers  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from buckstop.graph.model import Account, IssueType, Kind, Person, Ref, Rule
from buckstop.graph.org import Org
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus, Store

from .chain import answerable_for, chain_above
from .lookup import find_account, find_issue_type, label
from .resolve import Resolver

T = TypeVar("T")

__all__ = ["EscalationStep", "Routing", "escalation_of", "fallback_handlers", "fallback_in", "route", "route_in"]


@dataclass(frozen=True, slots=True)
class EscalationStep:
    level: int  # 0 = the first handler
    person: Person
    absent: bool


@dataclass(frozen=True, init=False)
class Routing:
    """The answer to "who handles issue type T on account A?", with its reasons."""

    account: Account
    issue_type: IssueType | None  # None only for a message no issue type matched (:func:`fallback_in`)
    rule: Rule | None
    fallback: bool
    handlers: tuple[Person, ...]
    escalation: tuple[EscalationStep, ...]
    top: Person | None
    explanation: tuple[str, ...]
    day: date
    org: Org = field(compare=False, repr=False)  # the org the answer was read from

    # A frozen dataclass's own __init__ sets each field through object.__setattr__: 10 µs of a route's 30
    # on the project's machine. Filling the instance's __dict__ at once is the same object, made in 1 µs.
    def __init__(
        self,
        account: Account,
        issue_type: IssueType | None,
        rule: Rule | None,
        fallback: bool,
        handlers: tuple[Person, ...],
        escalation: tuple[EscalationStep, ...],
        top: Person | None,
        explanation: tuple[str, ...],
        day: date,
        org: Org,
    ) -> None:
        self.__dict__.update(
            account=account,
            issue_type=issue_type,
            rule=rule,
            fallback=fallback,
            handlers=handlers,
            escalation=escalation,
            top=top,
            explanation=explanation,
            day=day,
            org=org,
        )


def route(store: Store, account: str, issue_type: str, *, on: date | None = None) -> Routing:
    """Route ``issue_type`` (id, name or synonym) arriving on ``account`` (id or handle).

    ``on`` is the day whose absences count (default: today). Raises
    UnknownAccount or UnknownIssueType, with suggestions, for names that match nothing.
    """
    org = store.read(Focus(Reach.ROUTE, (account, issue_type)))
    found_account = find_account(org, account, store)
    found_issue = find_issue_type(org, issue_type, store)
    return _route(org, found_account, found_issue, issue_type, on or date.today())


def route_in(org: Org, account: Account, issue_type: IssueType, *, on: date) -> Routing:
    """Route within an org already read whole: the audit and the matrix route every pair of one org."""
    return _route(org, account, issue_type, issue_type.name, on)


def fallback_in(org: Org, account: Account, *, on: date) -> Routing:
    """Where an issue of no known type goes on ``account``: its fallback (triage's unclassified message)."""
    resolver = Resolver(org, on)
    resolver.notes.append(f"Unclassified on {label(org, Kind.ACCOUNT, account.id)}: it goes to the fallback.")
    people = tuple(org.people[h] for h in sorted(set(fallback_handlers(org, account, resolver))))
    escalation = escalation_of(org, people, on, resolver.notes)
    top = escalation[-1].person if escalation else None
    return Routing(account, None, None, True, people, escalation, top, tuple(resolver.notes), on, org)


# -- per-version indexes ------------------------------------------------------------------------
# An org never changes, so what routing works out from it alone holds for its version: each account's
# scopes and description, each issue type's lineage with its rules by scope, each (account, issue type)'s
# winning rule, and, for a day, who a target resolves to and a first handler's escalation. They live in
# the org's indexes (Org.index), filled as questions ask, each bounded; a new version starts empty. At
# 100k people they take a cold route from about 60 µs to about 20 (docs/performance.md).

#: The most entries any one routing index keeps; past it the index starts again (a bound, not a cache
#: policy: what is asked again is soon back). A few hundred bytes each.
KEPT = 50_000


def _indexed(org: Org, name: str, key: Hashable, make: Callable[[], T]) -> T:
    index: dict[Hashable, T] = org.index(name)
    try:  # one lookup, and safe from another thread's clear between a test and a read
        return index[key]
    except KeyError:
        pass
    found = make()
    if len(index) >= KEPT:
        index.clear()
    index[key] = found
    return found


@dataclass(frozen=True, slots=True)
class _Account:
    """An account as routing reads it: its scopes, most specific first, with labels, and its description."""

    scopes: tuple[tuple[Ref | None, str], ...]
    where: str  # " on @CorvidHelp (twitter), owned by …."


@dataclass(frozen=True, slots=True)
class _Issue:
    """An issue type as routing reads it: itself then each broader type, with its label and rules by scope."""

    lineage: tuple[tuple[str, dict[Ref | None, Rule]], ...]  # (label, rules by scope), the type first
    described: str  # "Issue 'Refund' ⊂ 'Billing'"
    names: frozenset[str]  # its name and id, casefolded: asked otherwise, a synonym was asked


@dataclass(frozen=True, slots=True)
class _Plan:
    """What routing an issue type on an account works out from the org alone, whatever the day."""

    rule: Rule | None
    notes: tuple[str, ...]  # the notes that chose it


def _account(org: Org, account: Account) -> _Account:
    def make() -> _Account:
        scopes: list[tuple[Ref | None, str]] = [(Ref(Kind.ACCOUNT, account.id), label(org, Kind.ACCOUNT, account.id))]
        parts = [label(org, Kind.ACCOUNT, account.id)]
        owner = account.owner_department_id
        if owner is not None:
            for department in [owner, *org.ancestors(Kind.DEPARTMENT, owner)]:
                scopes.append((Ref(Kind.DEPARTMENT, department), label(org, Kind.DEPARTMENT, department)))
            parts.append(f"owned by {label(org, Kind.DEPARTMENT, owner)}")
        else:
            parts.append("owned by no department")
        scopes.append((None, "the organisation"))
        runs = account.operated_by
        if runs is not None and runs != Ref(Kind.DEPARTMENT, owner or ""):
            parts.append(f"run by {label(org, runs.kind, runs.id)}")
        return _Account(tuple(scopes), f" on {', '.join(parts)}.")

    return _indexed(org, "route accounts", account.id, make)


def _issue(org: Org, issue: IssueType) -> _Issue:
    def make() -> _Issue:
        lineage = tuple(
            (label(org, Kind.ISSUE_TYPE, i), {rule.scope: rule for rule in org.rules_for(i)})
            for i in [issue.id, *org.ancestors(Kind.ISSUE_TYPE, issue.id)]
        )
        names = frozenset((issue.name.casefold(), issue.id.casefold()))
        return _Issue(lineage, f"Issue {' ⊂ '.join(name for name, _ in lineage)}", names)

    return _indexed(org, "route issue types", issue.id, make)


def _plan(org: Org, account: Account, issue: IssueType) -> _Plan:
    def make() -> _Plan:
        notes: list[str] = []
        rule = _choose(_account(org, account), _issue(org, issue), notes, org)
        return _Plan(rule, tuple(notes))

    return _indexed(org, "route plans", (account.id, issue.id), make)


def _choose(account: _Account, issue: _Issue, notes: list[str], org: Org) -> Rule | None:
    """The winning rule, noting which more specific slots held no rule."""
    for name, by_scope in issue.lineage:
        empty: list[str] = []
        for scope, where in account.scopes:
            rule = by_scope.get(scope)
            if rule is not None:
                if empty:
                    notes.append(f"No rule for {name} on {_join(empty)}.")
                target = rule.target
                notes.append(f"Rule {rule.id} applies: {name} on {where} goes to {label(org, target.kind, target.id)}.")
                return rule
            empty.append(where)
        notes.append(f"No rule for {name} on {_join(empty)}.")
    return None


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


@dataclass(frozen=True, slots=True)
class _Resolved:
    """Who a target (or an account's fallback) resolves to on a day, the notes that said so, and the
    escalation above the first of them with its notes."""

    people: tuple[Person, ...]
    notes: tuple[str, ...]
    escalation: tuple[EscalationStep, ...]
    said: tuple[str, ...]  # "Handled by …", "Escalation: …"


def _resolved(org: Org, day: date, key: Hashable, how: Callable[[Resolver], list[str]]) -> _Resolved:
    """What ``how`` resolves to on ``day``, once per org version, day and ``key`` (a target, or an account's
    fallback)."""

    def make() -> _Resolved:
        resolver = Resolver(org, day)
        people = tuple(org.people[h] for h in sorted(set(how(resolver))))
        said: list[str] = []
        escalation = escalation_of(org, people, day, said)
        return _Resolved(people, tuple(resolver.notes), escalation, tuple(said))

    return _indexed(org, "route targets", (key, day), make)


def _route(org: Org, account: Account, issue: IssueType, asked: str, day: date) -> Routing:
    plan = _plan(org, account, issue)
    described = _issue(org, issue)
    synonym = ""
    if asked.strip().casefold() not in described.names:
        synonym = f" ({asked.strip()!r} names {described.lineage[0][0]})"
    notes = [f"{described.described}{synonym}{_account(org, account).where}", *plan.notes]
    rule = plan.rule
    got: _Resolved | None = None
    if rule is not None:
        target = rule.target
        got = _resolved(org, day, target, lambda resolver: resolver.target(target))
        notes += got.notes
        if not got.people:
            notes.append(f"Nobody is available for rule {rule.id}; falling back.")
    fallback = got is None or not got.people
    if got is None or not got.people:
        got = _resolved(org, day, ("fallback", account.id), lambda r: fallback_handlers(org, account, r))
        notes += got.notes
    notes += got.said
    top = got.escalation[-1].person if got.escalation else None
    return Routing(account, issue, rule, fallback, got.people, got.escalation, top, tuple(notes), day, org)


def escalation_of(org: Org, handlers: tuple[Person, ...], day: date, notes: list[str]) -> tuple[EscalationStep, ...]:
    """The first handler (level 0) and everyone above them, noting both in ``notes``; once per org version,
    day and handlers (the org's ``"escalations"`` index)."""
    if not handlers:
        return ()

    def make() -> tuple[tuple[EscalationStep, ...], tuple[str, ...]]:
        chain = [handlers[0], *chain_above(org, handlers[0].id)]
        escalation = tuple(EscalationStep(i, p, org.is_absent(p, day)) for i, p in enumerate(chain))
        names = " → ".join(s.person.name + (" (absent)" if s.absent else "") for s in escalation)
        handled = f"Handled by {', '.join(label(org, Kind.PERSON, p.id) for p in handlers)}."
        return escalation, (handled, f"Escalation: {names}.")

    escalation, said = _indexed(org, "escalations", (tuple(p.id for p in handlers), day), make)
    notes.extend(said)
    return escalation


def fallback_handlers(org: Org, account: Account, resolver: Resolver) -> list[str]:
    """Who answers on ``account`` when no rule does: its contact, else who answers for it, each in turn
    (:func:`~queries.chain.answerable_for`: its owner's head, whoever runs it), else the top."""
    notes = resolver.notes
    contact = account.escalation_contact
    if contact is not None:
        notes.append(f"Fallback: the account's escalation contact {label(org, contact.kind, contact.id)} handles it.")
        handlers = resolver.target(contact)
        if handlers:
            return handlers
    for answerable in answerable_for(org, account):
        if answerable.kind is Kind.AGENCY:
            agency = org.agencies.get(answerable.id)
            if agency is None or agency.contract_owner_id is None:
                continue
            notes.append(
                f"Fallback: {label(org, Kind.AGENCY, agency.id)} runs it; its contract owner "
                f"{label(org, Kind.PERSON, agency.contract_owner_id)} answers for it."
            )
            handlers = resolver.person(agency.contract_owner_id)
        elif answerable.id == account.owner_department_id:
            notes.append(
                f"Fallback: the head of the owning department {label(org, Kind.DEPARTMENT, answerable.id)} handles it."
            )
            handlers = resolver.department(answerable.id)
        else:
            notes.append(
                f"Fallback: the head of {label(org, Kind.DEPARTMENT, answerable.id)}, which runs it, handles it."
            )
            handlers = resolver.department(answerable.id)
        if handlers:
            return handlers
    if org.top_id is not None:
        notes.append(
            "Fallback: nobody else is named; the top of the organisation "
            f"{label(org, Kind.PERSON, org.top_id)} handles it."
        )
        return resolver.person(org.top_id)
    notes.append("Nobody in the organisation can handle it.")
    return []
