"""The common manager: who is above two people at once, lowest first.

Vocabulary:

- A *party* is one of the two sides asked about: a person (by id, e-mail or
  unique name, as in :func:`~queries.lookup.find_person`) or a department (by id
  or name), which stands for its *head* (the nearest head up the department tree
  when it has none; a head who left hands on to their nearest manager who has not).
  A name is tried as a person first, then as a department; ``person:ID`` or
  ``department:ID`` says which outright.
- The *lowest common manager* of two people is the nearest person who is in
  both chains of command, each counted from the person themselves: so when one
  is in the other's chain, that one is the answer, and of a person and
  themselves, that person. People who left are stepped over, as in the chain
  of command (:meth:`~graph.org.Org.effective_manager`). Two people in different
  reporting trees (a second top of the org) have none.
- The two *paths* go from each person up to the common manager, nearest first,
  the common manager last (empty on the side that is the common manager).

It is the lowest common ancestor of the two in the reporting forest, as networkx
computes it (:func:`networkx.lowest_common_ancestor`) over a graph of just the two
chains: a few dozen nodes whatever the size of the org, never the whole org.

>>> common_manager(store, "Liam Walsh", "Carmen Ortiz").manager  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from buckstop.graph.errors import BuckstopError, UnknownDepartment, UnknownName
from buckstop.graph.model import Kind, Person, Status
from buckstop.graph.org import Org, normalize
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus, Store

from .chain import chain_above
from .lookup import find_department, find_person, known, label, shows_private, suggest

__all__ = ["CommonManager", "Headless", "UnknownParty", "common_manager", "lowest_common_manager"]


class UnknownParty(UnknownName):
    """Asked for a person or a department and found neither."""

    what = "person or department"


class Headless(BuckstopError):
    """A department asked as a party, with no head in it nor in any department above it."""

    code = "NO_HEAD"

    def __init__(self, asked: str, department: str) -> None:
        self.asked = asked
        super().__init__(f"{department} has no head, nor has any department above it; ask about a person in it")


@dataclass(frozen=True)
class CommonManager:
    """Two people, the lowest manager above both (None in different trees), and the paths up to them."""

    a: Person
    b: Person
    manager: Person | None
    path_a: tuple[Person, ...]  # from a's manager up to ``manager``, nearest first; empty when a is it
    path_b: tuple[Person, ...]
    explanation: tuple[str, ...]
    org: Org = field(compare=False, repr=False)  # the org the answer was read from


def common_manager(store: Store, a: str, b: str, *, private: bool = True) -> CommonManager:
    """The lowest common manager of ``a`` and ``b`` (people or departments; see the module vocabulary).

    ``private`` as in :func:`~queries.chain.chain_of_command`: without it, nobody is found by a private e-mail address.
    """
    # The reach matches names and ids; ``person:ID`` and ``department:ID`` are asked by their id.
    org = store.read(Focus(Reach.PARTIES, tuple(_bare(name) for name in (a, b))))
    notes: list[str] = []
    first = _party(org, a, store, private, notes)
    second = _party(org, b, store, private, notes)
    manager, path_a, path_b = lowest_common_manager(org, first.id, second.id)
    who_a, who_b = label(org, Kind.PERSON, first.id), label(org, Kind.PERSON, second.id)
    if manager is None:
        notes.append(
            f"{who_a} and {who_b} are in different reporting trees: nobody is above both "
            "(the audit reports the second top of the organisation)."
        )
    elif manager == first.id == second.id:
        notes.append(f"Both are {who_a}.")
    elif manager in (first.id, second.id):
        above, below = (who_a, who_b) if manager == first.id else (who_b, who_a)
        notes.append(f"{above} is in the chain of command of {below}: they settle it themselves.")
    else:
        notes.append(f"{label(org, Kind.PERSON, manager)} is the nearest manager above both {who_a} and {who_b}.")
    for who, path in ((who_a, path_a), (who_b, path_b)):
        if path:
            notes.append(f"From {who}: {' → '.join(org.people[p].name for p in path)}.")
    return CommonManager(
        first,
        second,
        org.people[manager] if manager else None,
        tuple(org.people[p] for p in path_a),
        tuple(org.people[p] for p in path_b),
        tuple(notes),
        org,
    )


def lowest_common_manager(org: Org, a: str, b: str) -> tuple[str | None, list[str], list[str]]:
    """The lowest common manager of person ids ``a`` and ``b`` and each one's path up to it (see the vocabulary).

    The graph is of the two chains only, edges from manager to report: the reporting forest, cut down to what
    the answer can touch, so the cost is the length of two chains, not the size of the org.
    """
    chains = {person: [person, *(p.id for p in chain_above(org, person))] for person in (a, b)}
    tree: nx.DiGraph[str] = nx.DiGraph()
    for chain in chains.values():
        tree.add_node(chain[0])
        nx.add_path(tree, reversed(chain))
    try:
        manager = nx.lowest_common_ancestor(tree, a, b)
    except nx.NetworkXError:  # not a forest: a reporting cycle, which a load refuses; answer nobody rather than fail
        manager = None
    if manager is None:
        return None, [], []
    return manager, _up_to(chains[a], manager), _up_to(chains[b], manager)


def _bare(asked: str) -> str:
    kind, colon, id = asked.strip().partition(":")
    return id if colon and kind in (Kind.PERSON, Kind.DEPARTMENT) else asked


def _up_to(chain: list[str], manager: str) -> list[str]:
    return chain[1 : chain.index(manager) + 1]


def _party(org: Org, asked: str, store: Store, private: bool, notes: list[str]) -> Person:
    """The person ``asked`` names, or the head standing for the department it names."""
    kind, _, id = asked.strip().partition(":")
    if kind == Kind.PERSON and id:
        return find_person(org, id, store, private=private)
    if kind == Kind.DEPARTMENT and id:
        return _head(org, find_department(org, id, store).id, asked, notes)
    if _is_person(org, asked, private):
        return find_person(org, asked, store, private=private)  # the one person, or ambiguous: the ids
    try:
        department = find_department(org, asked, store)
    except UnknownDepartment as err:  # neither: near names of both kinds, people first
        people = suggest(asked, known(org, store, Kind.PERSON).people_index.names)
        raise UnknownParty(asked, list(dict.fromkeys([*people, *err.suggestions]))) from None
    return _head(org, department.id, asked, notes)


def _is_person(org: Org, asked: str, private: bool) -> bool:
    if asked.strip() in org.people:
        return True
    wanted = normalize(asked)
    index = org.people_index
    return bool(index.named(wanted)) or any(shows_private(p, private=private) for p in index.with_email(wanted))


def _head(org: Org, department_id: str, asked: str, notes: list[str]) -> Person:
    """The head of the department, else the nearest head above; one who left hands on to their manager."""
    for current in [department_id, *org.ancestors(Kind.DEPARTMENT, department_id)]:
        head = org.departments[current].head_id
        if head is None or head not in org.people:
            continue
        place = label(org, Kind.DEPARTMENT, current)
        notes.append(
            f"{label(org, Kind.DEPARTMENT, department_id)} stands as its head: {label(org, Kind.PERSON, head)}"
            + ("." if current == department_id else f", head of {place} (it has no head of its own).")
        )
        if org.people[head].status is Status.LEFT:
            manager, _ = org.effective_manager(head)
            if manager is None:
                continue
            notes.append(f"{label(org, Kind.PERSON, head)} has left; {label(org, Kind.PERSON, manager)} stands in.")
            head = manager
        return org.people[head]
    raise Headless(asked, label(org, Kind.DEPARTMENT, department_id))
