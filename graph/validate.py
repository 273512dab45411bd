"""Integrity of an org: the checks every change must pass before a store applies it.

Vocabulary:

- A *problem* (:class:`~graph.errors.Problem`) locates one defect by file, row
  and column, taken from the record's :class:`~graph.model.Source` and the
  field's name (fields are named as the bundle's columns).
- A *cycle* is a loop along ``REPORTS_TO``, ``PART_OF`` or ``SUBTYPE_OF``;
  it is reported once, with every member named in order.
- Two rules are *ambiguous* when they have the same issue type and the same
  scope: nothing could choose between them.
- A version is checked as the org it makes on its *day* (:mod:`graph.timeline`), the one org in
  force from that day until the next version's, which stays as it was loaded; a refusal of a
  version of another day than today, or of one loaded between two, names its days
  (:func:`require_valid_on`).

The loaders check values (a bad date, an unknown status); this module checks
the org as a whole, so that no store ever holds a dangling reference,
whoever built the change set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from operator import attrgetter, eq

from .codec import CLASSES
from .errors import BundleRefused, Problem
from .model import ORGANIZATION, Kind, Record, Ref
from .org import ChangeSet, Org, normalize
from .timeline import BEGINNING, Version

__all__ = ["check", "check_changes", "name_days", "parent_cycles", "require_valid", "require_valid_on"]

# Which kinds a reference of an open kind may name, by field.
_OPEN_REFS: dict[str, frozenset[Kind]] = {
    "operated_by": frozenset({Kind.AGENCY, Kind.DEPARTMENT}),
    "escalation_contact": frozenset({Kind.PERSON, Kind.ROLE}),
    "scope": frozenset({Kind.ACCOUNT, Kind.DEPARTMENT}),
    "target": frozenset({Kind.ROLE, Kind.DEPARTMENT, Kind.PERSON}),
}

# Fields holding a plain id of a fixed kind, by record kind.
_FIXED_REFS: dict[Kind, tuple[tuple[str, Kind], ...]] = {
    Kind.DEPARTMENT: (("parent_id", Kind.DEPARTMENT), ("head_id", Kind.PERSON)),
    Kind.ROLE: (("department_id", Kind.DEPARTMENT), ("holder_ids", Kind.PERSON)),
    Kind.PERSON: (("department_id", Kind.DEPARTMENT), ("manager_id", Kind.PERSON)),
    Kind.AGENCY: (("contract_owner_id", Kind.PERSON),),
    Kind.ACCOUNT: (("owner_department_id", Kind.DEPARTMENT),),
    Kind.ISSUE_TYPE: (("parent_id", Kind.ISSUE_TYPE),),
    Kind.RULE: (("issue_type_id", Kind.ISSUE_TYPE),),
    Kind.ABSENCE: (("person_id", Kind.PERSON), ("delegate_id", Kind.PERSON)),
}

_NOUN = {kind: kind.value.replace("_", " ") for kind in Kind}


def problem(record: Record, column: str | None, message: str) -> Problem:
    source = record.source
    return Problem(source.file or f"{record.kind}s", source.row or None, column, message)


def check_changes(current: Org, changes: ChangeSet) -> tuple[Org, list[Problem]]:
    """The org ``changes`` would produce from ``current``, and every problem with it."""
    problems = list(_duplicates(changes))
    merged = current.merged(changes)
    problems += check(merged)
    return merged, problems


def require_valid(current: Org, changes: ChangeSet) -> Org:
    """The org ``changes`` would produce; raises :class:`BundleRefused` listing every problem."""
    merged, problems = check_changes(current, changes)
    if problems:
        raise BundleRefused(problems)
    return merged


def require_valid_on(current: Org, changes: ChangeSet, day: date, following: Version | None, today: date) -> Org:
    """:func:`require_valid` for a version effective on ``day``, before ``following``; a refusal names the days.

    The org ``changes`` make is the one in force from ``day`` until ``following`` comes into force:
    the versions after it stay as they were loaded, so no other day's org changes, and this one
    check covers every day the version touches. A problem of a version of today, the newest,
    reads as it always has; any other names when it would hold.
    """
    try:
        return require_valid(current, changes)
    except BundleRefused as err:
        if day == BEGINNING or (day == today and following is None):
            raise
        raise BundleRefused(name_days(err.problems, day, following.effective if following else None)) from err


def name_days(problems: Iterable[Problem], day: date, until: date | None) -> list[Problem]:
    """``problems`` of the version in force from ``day`` until ``until`` (None: on), each saying so.

    >>> cycle = Problem("people.csv", 3, "manager_id", "reporting cycle: a → b → a")
    >>> name_days([cycle], date(2026, 6, 1), None)[0].message
    'from 2026-06-01 on: reporting cycle: a → b → a'
    """
    when = f"from {day} until {until}" if until is not None else f"from {day} on"
    return [replace(p, message=f"{when}: {p.message}") for p in problems]


def check(org: Org) -> list[Problem]:
    """Every integrity problem of ``org``, in a stable order."""
    problems = [*_references(org), *_cycles(org), *_ambiguities(org), *_name_clashes(org)]
    problems += _absence_problems(org)
    return problems


def _duplicates(changes: ChangeSet) -> Iterator[Problem]:
    for kind, records in changes.records.items():
        first: dict[str, Record] = {}
        for record in records:
            if record.id in first:
                where = first[record.id].source
                column = "person_id" if kind is Kind.ABSENCE else "id"
                yield problem(record, column, f"duplicate {_NOUN[kind]} id {record.id!r} (first at row {where.row})")
            else:
                first[record.id] = record


def _references(org: Org) -> Iterator[Problem]:
    if _references_sound(org):
        return
    for record in org.records():
        for column, kind in _FIXED_REFS[record.kind]:
            value = getattr(record, column)
            for target in value if isinstance(value, tuple) else (value,):
                if target is not None and not org.exists(kind, target):
                    yield problem(record, column, f"unknown {_NOUN[kind]} {target!r}")
        for column, allowed in _OPEN_REFS.items():
            ref = getattr(record, column, None)
            if isinstance(ref, Ref):
                if ref.kind not in allowed:
                    kinds = " or ".join(sorted(f"{k}:ID" for k in allowed))
                    yield problem(record, column, f"{ref} is not allowed here; expected {kinds}")
                elif not org.exists(ref.kind, ref.id):
                    yield problem(record, column, f"unknown {_NOUN[ref.kind]} {ref.id!r}")
    for person in org.people.values():
        if person.manager_id == person.id:
            yield problem(person, "manager_id", f"{person.id!r} cannot report to themselves")


def _references_sound(org: Org) -> bool:
    """Whether no reference of ``org`` is a problem of :func:`_references`, told by set operations and C loops.

    A load checks a million people's references: most loads have no problem, and this answers for them in a
    fraction of the time of looking at each record; only an org with a problem is looked at record by record.
    """
    for kind in Kind:
        records = org.of_kind(kind).values()
        if not records:
            continue
        for column, target in _FIXED_REFS[kind]:
            values = set(map(attrgetter(column), records))
            if any(isinstance(value, tuple) for value in values):  # holder_ids: a tuple of ids
                values = {id for value in values for id in (value if isinstance(value, tuple) else (value,))}
            values.discard(None)
            if not values <= org.of_kind(target).keys():
                return False
        for column, allowed in _OPEN_REFS.items():
            if column not in CLASSES[kind].__dataclass_fields__:
                continue
            for ref in map(attrgetter(column), records):
                if isinstance(ref, Ref) and (ref.kind not in allowed or not org.exists(ref.kind, ref.id)):
                    return False
    people = org.people.values()
    return not any(map(eq, map(attrgetter("manager_id"), people), map(attrgetter("id"), people)))


def _cycles(org: Org) -> Iterator[Problem]:
    loops = (
        (Kind.PERSON, org.people, "manager_id", "reporting cycle"),
        (Kind.DEPARTMENT, org.departments, "parent_id", "department cycle"),
        (Kind.ISSUE_TYPE, org.issue_types, "parent_id", "issue type cycle"),
    )
    for kind, table, column, label in loops:
        # A person who is their own manager is reported by _references; a department
        # or issue type that is its own parent is a cycle of one.
        parents = {
            id: parent
            for id, record in table.items()
            if (parent := getattr(record, column)) is not None
            and parent in table
            and (parent != id or kind is not Kind.PERSON)
        }
        for cycle in sorted((sorted_cycle(c) for c in parent_cycles(parents)), key=tuple):
            path = " → ".join([*cycle, cycle[0]])
            yield problem(table[cycle[0]], column, f"{label}: {path}")


def parent_cycles(parents: Mapping[str, str]) -> Iterator[list[str]]:
    """Every cycle of a graph where each node has at most one parent, each once, in linear time.

    Each walk follows parents until it reaches a node already walked: if that node
    is on the walk itself, the walk closed a cycle.

    >>> list(parent_cycles({"a": "b", "b": "c", "c": "a", "d": "a"}))
    [['a', 'b', 'c']]
    """
    walked: set[str] = set()
    for start in parents:
        if start in walked:
            continue
        position: dict[str, int] = {}
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in walked:
            walked.add(node)
            position[node] = len(path)
            path.append(node)
            node = parents.get(node)
        if node is not None and node in position:
            yield path[position[node] :]


def sorted_cycle(cycle: list[str]) -> list[str]:
    """The same cycle, rotated to start at its smallest id (so messages are stable)."""
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start]


def _ambiguities(org: Org) -> Iterator[Problem]:
    by_slot: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for rule in sorted(org.rules.values(), key=lambda r: r.id):
        by_slot[(rule.issue_type_id, str(rule.scope or ORGANIZATION))].append(rule)
    for (issue, scope), rules in by_slot.items():
        for later in rules[1:]:
            yield problem(
                later,
                "scope",
                f"ambiguous rules {rules[0].id!r} and {later.id!r}: both route {issue!r} for {scope}; keep one",
            )


def _name_clashes(org: Org) -> Iterator[Problem]:
    owners: dict[str, str] = {}
    for issue in sorted(org.issue_types.values(), key=lambda i: i.id):
        for column, names in (("name", (issue.name,)), ("synonyms", issue.synonyms)):
            for name in names:
                other = owners.setdefault(normalize(name), issue.id)
                if other != issue.id:
                    yield problem(issue, column, f"{name!r} already names issue type {other!r}; names must be unique")
    handles: dict[str, str] = {}
    for account in sorted(org.accounts.values(), key=lambda a: a.id):
        # "@acme" and "acme" are one handle: the lookups find an account either way.
        name = f"{normalize(account.platform)}:{normalize(account.handle).removeprefix('@')}"
        other = handles.setdefault(name, account.id)
        if other != account.id:
            yield problem(account, "handle", f"{account.platform} handle {account.handle!r} is also {other!r}")


def _absence_problems(org: Org) -> Iterator[Problem]:
    for absence in org.absences.values():
        if absence.ends < absence.starts:
            yield problem(absence, "ends", f"ends {absence.ends} before it starts {absence.starts}")
        if absence.delegate_id == absence.person_id:
            yield problem(absence, "delegate_id", f"{absence.person_id!r} cannot delegate to themselves")
