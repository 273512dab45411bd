"""The chain of command: who is above whom, who is in charge, and who is at the top.

Vocabulary:

- The *chain of command* of a person is the path along ``REPORTS_TO`` from
  their manager up to a person with no manager, nearest first. People who have
  left are stepped over (their reports' line continues to their own manager);
  absent people stay in the chain and are marked.
- The *boss* of a person is the first person of their chain of command.
- The *top* of the organisation is the person at the top of the largest
  reporting tree: the answer to "who is your CEO?".
- The *direct reports* of a person are the people whose recorded manager they
  are (people who have left included, so a chart can mark them), by name.
- Who is *in charge* of a department is its head (or, for a department with no
  head, the nearest head above) followed by that head's chain of command; of
  an account, who is in charge of its owning department (else of the
  department operating it; else the contract owner of the agency operating it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from buckstop.graph.errors import UnknownName
from buckstop.graph.model import Account, Kind, Person, Ref, Status
from buckstop.graph.org import Org
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus, Store

from .lookup import department_named, find_person, known, label, suggest

__all__ = [
    "Chain",
    "InCharge",
    "Reports",
    "answerable_for",
    "boss",
    "chain_above",
    "chain_of_command",
    "direct_reports",
    "top",
    "who_is_in_charge",
]


@dataclass(frozen=True)
class Chain:
    """A person and the people above them, nearest first."""

    person: Person
    above: tuple[Person, ...]
    org: Org = field(compare=False, repr=False)  # the org the answer was read from


@dataclass(frozen=True)
class InCharge:
    """Who is in charge of something: its head first, then the chain above."""

    of: str  # a readable label of the account or department
    people: tuple[Person, ...]
    explanation: tuple[str, ...]
    org: Org = field(compare=False, repr=False)  # the org the answer was read from


@dataclass(frozen=True)
class Reports:
    """A person and their direct reports, by name."""

    person: Person
    people: tuple[Person, ...]
    org: Org = field(compare=False, repr=False)  # the org the answer was read from


#: How many people's chains an org version keeps worked out (about 100 bytes each at depth 10).
KEPT_CHAINS = 100_000


def chain_above(org: Org, person_id: str) -> list[Person]:
    """The people above ``person_id`` along REPORTS_TO, nearest first, leavers stepped over.

    Worked out once per person and org version (the org's ``"chains"`` index, bounded by KEPT_CHAINS).
    """
    found: tuple[Person, ...] = org.remember("chains", person_id, lambda: tuple(_walk_up(org, person_id)), KEPT_CHAINS)
    return list(found)


def _walk_up(org: Org, person_id: str) -> Iterator[Person]:
    seen = {person_id}
    current = person_id
    while True:
        manager, _skipped = org.effective_manager(current)
        if manager is None or manager in seen:
            return
        yield org.people[manager]
        seen.add(manager)
        current = manager


def chain_of_command(store: Store, person: str, *, private: bool = True) -> Chain:
    """The people above ``person`` (an id, email or unique name), nearest first.

    Without ``private``, ``person`` is not matched on a private e-mail address (see :mod:`queries.lookup`).
    """
    org = store.read(Focus(Reach.PERSON, (person,)))
    found = find_person(org, person, store, private=private)
    return Chain(found, tuple(chain_above(org, found.id)), org)


def direct_reports(store: Store, person: str, *, private: bool = True) -> Reports:
    """The direct reports of ``person`` (an id, email or unique name); ``private`` as in chain_of_command."""
    org = store.read(Focus(Reach.REPORTS, (person,)))  # the person, their reports and the chain above
    found = find_person(org, person, store, private=private)
    return Reports(found, tuple(org.people[i] for i in org.reports_of(found.id)), org)


def boss(store: Store, of: str, *, private: bool = True) -> tuple[Person | None, Org]:
    """The manager of ``of`` (the nearest who has not left), or None at the top; ``private`` as in chain_of_command."""
    org = store.read(Focus(Reach.PERSON, (of,)))
    found = find_person(org, of, store, private=private)
    manager, _ = org.effective_manager(found.id)
    return (org.people[manager] if manager else None), org


def top(store: Store) -> tuple[Person | None, Org]:
    """The person at the top of the organisation."""
    org = store.read(Focus(Reach.TOP))
    return (org.people[org.top_id] if org.top_id else None), org


def who_is_in_charge(store: Store, of: str, *, on: date | None = None) -> InCharge:
    """Who is in charge of an account or a department (by id, handle or name)."""
    org = store.read(Focus(Reach.IN_CHARGE, (of,)))
    notes: list[str] = []
    account = org.find_account(of)
    department_id: str | None = None
    head: str | None = None
    if account is not None:
        subject = label(org, Kind.ACCOUNT, account.id)
        first = next(iter(answerable_for(org, account)), None)
        if first is not None and first.kind is Kind.DEPARTMENT:
            department_id = first.id
            if first.id == account.owner_department_id:
                notes.append(f"{subject} is owned by {label(org, Kind.DEPARTMENT, department_id)}.")
            else:
                notes.append(f"{subject} has no owner; it is run by {label(org, Kind.DEPARTMENT, department_id)}.")
        elif first is not None:
            agency = org.agencies.get(first.id)
            head = agency.contract_owner_id if agency is not None else None
            notes.append(
                f"{subject} has no owner; it is run by {label(org, Kind.AGENCY, first.id)}, "
                f"answered for by its contract owner."
            )
    else:
        department = department_named(org, of)
        if department is None:
            everything = known(org, store, Kind.ACCOUNT, Kind.DEPARTMENT)
            names = everything.account_names() + [d.name for d in everything.departments.values()]
            raise UnknownName(of, suggest(of, names))
        subject = label(org, Kind.DEPARTMENT, department.id)
        department_id = department.id
    if department_id is not None:
        head = _nearest_head(org, department_id, notes)
    if head is None:
        notes.append("Nobody is named in charge; the top of the organisation answers for it.")
        head = org.top_id
    if head is None:
        return InCharge(subject, (), tuple(notes), org)
    people = [org.people[head], *chain_above(org, head)]
    if people[0].status is Status.LEFT:  # people who have left are never in charge
        notes.append(f"{label(org, Kind.PERSON, head)} has left; the people above them answer for it.")
        people = people[1:] or ([org.people[org.top_id]] if org.top_id else [])
    return InCharge(subject, tuple(people), tuple(notes), org)


def answerable_for(org: Org, account: Account) -> list[Ref]:
    """Who answers for ``account`` inside the company, in order: its owning department, then whoever runs it.

    Whoever runs it is a department other than the owner, or an agency (which answers through its contract
    owner). Who is in charge takes the first; routing's fallback tries each in turn.
    """
    answerable = [Ref(Kind.DEPARTMENT, account.owner_department_id)] if account.owner_department_id else []
    operator = account.operated_by
    if operator is not None and operator.kind in (Kind.AGENCY, Kind.DEPARTMENT) and operator not in answerable:
        answerable.append(operator)
    return answerable


def _nearest_head(org: Org, department_id: str, notes: list[str]) -> str | None:
    for current in [department_id, *org.ancestors(Kind.DEPARTMENT, department_id)]:
        head = org.departments[current].head_id
        if head is not None:
            notes.append(f"{label(org, Kind.DEPARTMENT, current)} is headed by {label(org, Kind.PERSON, head)}.")
            return head
        notes.append(f"{label(org, Kind.DEPARTMENT, current)} has no head.")
    return None
