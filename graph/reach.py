"""The reach of a question: which part of the org it may read, declared once and read two ways.

Vocabulary:

- A :class:`Reach` names what a question reads (``ROUTE``, ``PERSON``…); every
  read of the store names one (:class:`~graph.store.Focus`). Each carries a
  :class:`Spec`, its declaration.
- A spec's *seeds* select the start nodes from the names a question was asked
  with (:class:`Seed`): nodes of some kinds whose normalised keys
  (:func:`~graph.org.match_keys`) hold a name, the top of the org, every node of
  the kinds named, nodes by key (``person:p-ann``), or nodes whose search names
  contain a name.
- Its *hops* (:class:`Hop`) then run in order, each over everything reached so
  far: from the nodes of ``from_kinds``, along edges of ``edges``, ``OUT`` (as
  the edge points) or ``IN``, at most ``depth`` edges far (``None``: as far as
  they go).
- ``absences``: the absences of every person reached come too.
- ``complete``: the kinds of which the reach fetches every record (a KINDS read
  fetches the kinds it names; a WHOLE read everything).

The same spec is compiled to one Cypher query for Neo4j (:mod:`graph.neo4j.reads`)
and interpreted over a whole in-memory org by :func:`reached`, which the focused
memory store (:mod:`graph.focused`) uses, so the tests ask every question of the
part of the org a question declares on every machine.

>>> sorted(Reach.PERSON.spec.seeds[0].kinds)
[<Kind.PERSON: 'person'>]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from .model import EdgeKind, Kind, key
from .org import Org, match_keys, normalize, search_names

_KIND_NAMES = frozenset(k.value for k in Kind)

__all__ = ["Direction", "Hop", "Reach", "Seed", "Seeds", "Spec", "reached"]


class Direction(enum.Enum):
    """Which way a hop follows an edge: as it points (``OUT``) or against it (``IN``)."""

    OUT = "out"
    IN = "in"


class Seeds(enum.Enum):
    """How a seed selects its start nodes."""

    KEYS = "keys"  # nodes of the seed's kinds whose normalised keys hold the asked name
    TOP = "top"  # the person at the top of the org (the stored top_id)
    KINDS = "kinds"  # every node of the kinds the names name (``"person"``…)
    NODES = "nodes"  # the nodes the names are keys of (``person:p-ann``)
    SEARCH = "search"  # nodes of any kind one of whose search names contains the asked name


@dataclass(frozen=True, slots=True)
class Seed:
    """One way of selecting start nodes: ``by``, over ``kinds``, with the name at ``at`` (``None``: every name)."""

    by: Seeds
    kinds: frozenset[Kind] = frozenset()
    at: int | None = None

    def names(self, names: tuple[str, ...]) -> list[str]:
        """The asked names this seed uses, as it matches them (normalised for KEYS and SEARCH)."""
        chosen = names if self.at is None else names[self.at : self.at + 1]
        if self.by in (Seeds.KEYS, Seeds.SEARCH):
            return [normalize(n) for n in chosen]
        return list(chosen)

    def kinds_of(self, asked: Iterable[str]) -> frozenset[Kind]:
        """The kinds this seed selects from: its own, or for a KINDS seed without any, the kinds asked."""
        if self.by is Seeds.KINDS and not self.kinds:
            return frozenset(Kind(name) for name in asked if name in _KIND_NAMES)
        return self.kinds


@dataclass(frozen=True, slots=True)
class Hop:
    """From the nodes of ``from_kinds`` reached so far, along ``edges`` in ``direction``, at most ``depth`` far."""

    from_kinds: frozenset[Kind]
    edges: frozenset[EdgeKind]
    direction: Direction = Direction.OUT
    depth: int | None = 1


@dataclass(frozen=True, slots=True)
class Spec:
    """A reach's declaration: seeds, then hops in order, then (``absences``) the absences of the people reached."""

    seeds: tuple[Seed, ...]
    hops: tuple[Hop, ...] = ()
    absences: bool = False
    complete: frozenset[Kind] = frozenset()  # kinds fetched whole, besides those a KINDS seed is asked for

    def complete_for(self, names: tuple[str, ...]) -> frozenset[Kind]:
        """The kinds of which this reach, asked ``names``, fetches every record."""
        asked = [seed.kinds_of(seed.names(names)) for seed in self.seeds if seed.by is Seeds.KINDS]
        return self.complete.union(*asked)


def _hop(
    from_kinds: Iterable[Kind], edges: Iterable[EdgeKind], direction: Direction = Direction.OUT, depth: int | None = 1
) -> Hop:
    return Hop(frozenset(from_kinds), frozenset(edges), direction, depth)


D, P, R, A = Kind.DEPARTMENT, Kind.PERSON, Kind.ROLE, Kind.ACCOUNT
E = EdgeKind
_IN = Direction.IN

#: Around the people a question starts from: roles' and departments' heads and holders, the departments
#: above, everyone above those people and their delegates (REPORTS_TO and DELEGATES_TO, unbounded: a superset
#: of "a delegate, then their chain", as simple to compile), and the people's own departments.
_CLOSURE = (
    _hop([R], [E.IN]),
    _hop([D], [E.PART_OF], depth=None),
    _hop([D, R], [E.HEADS, E.HOLDS], _IN),
    _hop([P], [E.DELEGATES_TO, E.REPORTS_TO], depth=None),
    _hop([P], [E.MEMBER_OF]),
)

#: Around an account: who owns and runs it, its escalation contact, and an agency's contract owner.
_ACCOUNT = (
    _hop([A], [E.OWNS, E.OPERATES], _IN),
    _hop([A], [E.ESCALATES_TO]),
    _hop([Kind.AGENCY], [E.CONTRACT_OWNER_OF], _IN),
)

_TOP = Seed(Seeds.TOP)


class Reach(enum.Enum):
    """What a question reads; :attr:`spec` is its declaration."""

    ROUTE = "route"  # names: account, issue type
    TRIAGE = "triage"  # names: account (an unclassified message goes to the account's fallback)
    PERSON = "person"  # names: a person (chain, boss, a person by id)
    PEOPLE = "people"  # names: several people
    PARTIES = "parties"  # names: several people or departments (a department stands for its head)
    REPORTS = "reports"  # names: a person, whose direct reports are read
    TOP = "top"  # no names
    IN_CHARGE = "in_charge"  # names: an account or a department
    SEARCH = "search"  # names: the searched text
    KINDS = "kinds"  # names: kinds ("person", "account"…)
    NODES = "nodes"  # names: keys ("person:p-ann")
    WHOLE = "whole"  # everything

    @property
    def spec(self) -> Spec:
        return _SPECS[self]


_SPECS: dict[Reach, Spec] = {
    Reach.ROUTE: Spec(
        (Seed(Seeds.KEYS, frozenset([A]), 0), Seed(Seeds.KEYS, frozenset([Kind.ISSUE_TYPE]), 1), _TOP),
        (
            _hop([Kind.ISSUE_TYPE], [E.SUBTYPE_OF], depth=None),  # the broader issue types
            _hop([Kind.ISSUE_TYPE], [E.FOR], _IN),  # every rule for any of them
            _hop([Kind.RULE], [E.ASSIGNS]),  # and the rules' targets
            *_ACCOUNT,
            *_CLOSURE,
        ),
        absences=True,
    ),
    Reach.TRIAGE: Spec((Seed(Seeds.KEYS, frozenset([A]), 0), _TOP), (*_ACCOUNT, *_CLOSURE), absences=True),
    Reach.PERSON: Spec((Seed(Seeds.KEYS, frozenset([P]), 0), _TOP), _CLOSURE, absences=True),
    Reach.PEOPLE: Spec((Seed(Seeds.KEYS, frozenset([P])), _TOP), _CLOSURE, absences=True),
    Reach.PARTIES: Spec((Seed(Seeds.KEYS, frozenset([P, D])), _TOP), _CLOSURE, absences=True),
    # The person, the people whose recorded manager they are, and the chain above (a chart opens a level at a time).
    Reach.REPORTS: Spec(
        (Seed(Seeds.KEYS, frozenset([P]), 0), _TOP), (_hop([P], [E.REPORTS_TO], _IN), *_CLOSURE), absences=True
    ),
    Reach.TOP: Spec((_TOP,), _CLOSURE, absences=True),
    Reach.IN_CHARGE: Spec(
        (Seed(Seeds.KEYS, frozenset([A]), 0), Seed(Seeds.KEYS, frozenset([D]), 0), _TOP),
        (_ACCOUNT[0], _ACCOUNT[2], *_CLOSURE),
        absences=True,
    ),
    Reach.SEARCH: Spec((Seed(Seeds.SEARCH, at=0),)),
    Reach.KINDS: Spec((Seed(Seeds.KINDS),)),
    Reach.NODES: Spec((Seed(Seeds.NODES),)),
    Reach.WHOLE: Spec((Seed(Seeds.KINDS, frozenset(Kind)),), complete=frozenset(Kind)),
}


def reached(org: Org, spec: Spec, names: tuple[str, ...] = ()) -> set[str]:
    """The keys (``kind:id``) of the records ``spec`` reaches in the whole ``org`` when asked ``names``.

    Walks ``org.graph`` (edges filtered by their kind), as the compiled Cypher walks Neo4j's.
    """
    found: set[str] = set()
    for seed in spec.seeds:
        found |= _seeded(org, seed, names)
    graph = org.graph
    for hop in spec.hops:
        starts = [n for n in found if n in graph and Kind(n.split(":", 1)[0]) in hop.from_kinds]
        if not starts:
            continue
        view = _along(graph, hop)
        for depth, layer in enumerate(nx.bfs_layers(view, starts)):
            if hop.depth is not None and depth > hop.depth:
                break
            found.update(layer)
    if spec.absences:
        found |= {key(Kind.ABSENCE, a.id) for a in org.absences.values() if key(P, a.person_id) in found}
    return found


def _along(graph: nx.MultiDiGraph[str], hop: Hop) -> nx.MultiDiGraph[str]:
    """The view of ``graph`` a hop walks: only its edge kinds, reversed for ``IN``."""
    edges: frozenset[object] = hop.edges

    def kept(_source: str, _target: str, kind: int) -> bool:  # networkx types an edge's key as int; ours are EdgeKind
        return kind in edges

    view: nx.MultiDiGraph[str] = nx.subgraph_view(graph, filter_edge=kept)
    if hop.direction is Direction.IN:
        view = view.reverse(copy=False)
    return view


def _seeded(org: Org, seed: Seed, names: tuple[str, ...]) -> set[str]:
    asked = seed.names(names)
    if seed.by is Seeds.TOP:
        return {key(P, org.top_id)} if org.top_id is not None else set()
    if seed.by is Seeds.NODES:
        refs = (name.partition(":") for name in asked)
        return {key(k, i) for k, _, i in refs if k in _KIND_NAMES and org.exists(Kind(k), i)}
    records = (
        org.records() if seed.by is Seeds.SEARCH else (r for k in seed.kinds_of(asked) for r in org.of_kind(k).values())
    )
    if seed.by is Seeds.KINDS:
        return {key(r.kind, r.id) for r in records}
    if seed.by is Seeds.SEARCH:
        return {key(r.kind, r.id) for r in records if any(a in s for a in asked for s in search_names(r))}
    wanted = set(asked)
    return {key(r.kind, r.id) for r in records if not wanted.isdisjoint(match_keys(r))}
