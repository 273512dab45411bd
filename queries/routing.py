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

from dataclasses import dataclass, field
from datetime import date

from buckstop.graph.model import Account, IssueType, Kind, Person, Ref, Rule
from buckstop.graph.org import Org
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus, Store

from .chain import answerable_for, chain_above
from .lookup import find_account, find_issue_type, label
from .resolve import Resolver

__all__ = ["EscalationStep", "Routing", "escalation_of", "fallback_handlers", "fallback_in", "route", "route_in"]


@dataclass(frozen=True, slots=True)
class EscalationStep:
    level: int  # 0 = the first handler
    person: Person
    absent: bool


@dataclass(frozen=True)
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


def _scopes(org: Org, account: Account) -> list[tuple[Ref | None, str]]:
    """The scopes that apply to ``account``, most specific first, with readable labels."""
    scopes: list[tuple[Ref | None, str]] = [(Ref(Kind.ACCOUNT, account.id), label(org, Kind.ACCOUNT, account.id))]
    if account.owner_department_id is not None:
        owner = account.owner_department_id
        for department in [owner, *org.ancestors(Kind.DEPARTMENT, owner)]:
            scopes.append((Ref(Kind.DEPARTMENT, department), label(org, Kind.DEPARTMENT, department)))
    scopes.append((None, "the organisation"))
    return scopes


def _choose(org: Org, account: Account, issue: IssueType, notes: list[str]) -> Rule | None:
    """The winning rule, noting which more specific slots held no rule."""
    scopes = _scopes(org, account)
    for issue_id in [issue.id, *org.ancestors(Kind.ISSUE_TYPE, issue.id)]:
        by_scope = {rule.scope: rule for rule in org.rules_for(issue_id)}
        name = label(org, Kind.ISSUE_TYPE, issue_id)
        empty: list[str] = []
        for scope, where in scopes:
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


def _route(org: Org, account: Account, issue: IssueType, asked: str, day: date) -> Routing:
    resolver = Resolver(org, day)
    notes = resolver.notes
    notes.append(_describe(org, account, issue, asked))
    rule = _choose(org, account, issue, notes)
    handlers: list[str] = resolver.target(rule.target) if rule else []
    fallback = not handlers
    if rule is not None and not handlers:
        notes.append(f"Nobody is available for rule {rule.id}; falling back.")
    if fallback:
        handlers = fallback_handlers(org, account, resolver)
    people = tuple(org.people[h] for h in sorted(set(handlers)))
    escalation = escalation_of(org, people, day, notes)
    top = escalation[-1].person if escalation else None
    return Routing(account, issue, rule, fallback, people, escalation, top, tuple(notes), day, org)


def escalation_of(org: Org, handlers: tuple[Person, ...], day: date, notes: list[str]) -> tuple[EscalationStep, ...]:
    """The first handler (level 0) and everyone above them, noting both in ``notes``."""
    if not handlers:
        return ()
    chain = [handlers[0], *chain_above(org, handlers[0].id)]
    escalation = tuple(EscalationStep(i, p, org.is_absent(p, day)) for i, p in enumerate(chain))
    names = " → ".join(s.person.name + (" (absent)" if s.absent else "") for s in escalation)
    notes.append(f"Handled by {', '.join(label(org, Kind.PERSON, p.id) for p in handlers)}.")
    notes.append(f"Escalation: {names}.")
    return escalation


def _describe(org: Org, account: Account, issue: IssueType, asked: str) -> str:
    parts = [f"{label(org, Kind.ACCOUNT, account.id)}"]
    if account.owner_department_id:
        parts.append(f"owned by {label(org, Kind.DEPARTMENT, account.owner_department_id)}")
    else:
        parts.append("owned by no department")
    if account.operated_by is not None and account.operated_by != Ref(
        Kind.DEPARTMENT, account.owner_department_id or ""
    ):
        parts.append(f"run by {label(org, account.operated_by.kind, account.operated_by.id)}")
    issue_names = [label(org, Kind.ISSUE_TYPE, i) for i in [issue.id, *org.ancestors(Kind.ISSUE_TYPE, issue.id)]]
    kind_of = " ⊂ ".join(issue_names)
    synonym = ""
    if asked.strip().casefold() not in (issue.name.casefold(), issue.id.casefold()):
        synonym = f" ({asked.strip()!r} names {issue_names[0]})"
    return f"Issue {kind_of}{synonym} on {', '.join(parts)}."


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
