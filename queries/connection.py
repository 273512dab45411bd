"""How two things of the org are connected: the shortest explained path between any two nodes.

Vocabulary:

- A *node* is any record of the org but an absence: a person, department,
  role, account, agency, issue type or routing rule, keyed ``kind:id``.
- A *hop* is one edge of the design (``REPORTS_TO``, ``OWNS``…) between two
  nodes of the path, walked either way: ``forward`` when it points from the node
  the path is at to the next one, as the design names it. Each hop names the
  record that carries the reference (a person's ``manager_id``, a department's
  ``head_id``) and its bundle row, so the path can be checked or fixed.
- The *connection* of two nodes is a path with the fewest hops, the same on
  every backend: breadth-first from the first node, neighbours in key order,
  stopping at the second (:func:`networkx.bfs_edges` over :attr:`Org.links`).
  Absences are not nodes, nor are their delegations hops: they hold for days.
- A node is *named* by its key (``person:p-ann``, ``account:acc-help``), or by
  a name, whatever its kind: a person by id, name or e-mail address (one the
  asker may read), as :func:`~queries.lookup.find_person` finds them (not by
  title: many people share one); an account by handle as routing finds it; any
  other node by its id, name, title or synonym. A name held by several nodes is
  *ambiguous*: the error lists their keys, to ask by one.

The path is found over the whole org, so a question reads the whole org.

>>> connection(store, "@CorvidDeals", "Helena Marsh").hops  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import networkx as nx

from buckstop.graph.errors import NotFound
from buckstop.graph.model import EdgeKind, Kind, Record, Source
from buckstop.graph.org import Org, edges_of, normalize
from buckstop.graph.store import WHOLE, Store

from .lookup import label, shows_private, suggest

__all__ = ["AmbiguousNode", "Connection", "Hop", "UnknownNode", "connection", "find_node"]


class UnknownNode(NotFound):
    """Asked for a node by a key or name that nothing in the org has."""

    what = "node"


class AmbiguousNode(NotFound):
    """A name several nodes share: the suggestions are their keys."""

    code = "AMBIGUOUS_NAME"

    def __init__(self, asked: str, keys: list[str]) -> None:
        super().__init__(asked, keys)
        self.args = (f"{asked!r} names {len(keys)} things: {', '.join(keys)}; ask by one of these keys",)


@dataclass(frozen=True, slots=True)
class Hop:
    """One edge of a path: from the node ``at`` to the node ``to``."""

    at: str
    to: str
    kind: EdgeKind
    forward: bool  # the edge points from ``at`` to ``to``, as the design names it
    record: str  # the key of the record that carries the reference
    source: Source  # that record's bundle row


@dataclass(frozen=True)
class Connection:
    """The shortest path from ``start`` to ``end`` (keys), hop by hop; no hops and not ``connected`` if none."""

    start: str
    end: str
    connected: bool
    hops: tuple[Hop, ...]
    explanation: tuple[str, ...]
    org: Org = field(compare=False, repr=False)  # the org the answer was read from

    @property
    def nodes(self) -> tuple[str, ...]:
        """The keys along the path, ``start`` first."""
        return (self.start, *(h.to for h in self.hops)) if self.connected else ()


def connection(store: Store, start: str, end: str, *, private: bool = True) -> Connection:
    """The shortest explained path between the nodes named ``start`` and ``end`` (see the module vocabulary).

    ``private``: whether a person may be named by a private e-mail address (see :mod:`queries.lookup`).
    """
    org = store.read(WHOLE)
    first, last = find_node(org, start, private=private), find_node(org, end, private=private)
    path = _path(org.links, first, last)
    if path is None:
        why = f"Nothing links {_name(org, first)} to {_name(org, last)}: they are in separate parts of the org."
        return Connection(first, last, False, (), (why,), org)
    hops = tuple(_hop(org, at, to) for at, to in pairwise(path))
    count = "no hops: it is one node" if not hops else "1 hop" if len(hops) == 1 else f"{len(hops)} hops"
    lines = [f"{_name(org, first)} to {_name(org, last)}: {count}."]
    lines += [_line(org, hop) for hop in hops]
    return Connection(first, last, True, hops, tuple(lines), org)


def find_node(org: Org, asked: str, *, private: bool = True) -> str:
    """The key of the one node named ``asked`` (see the module vocabulary); UnknownNode or AmbiguousNode otherwise."""
    text = asked.strip()
    kind, _, id = text.partition(":")
    if kind in Kind.__members__.values() and kind != Kind.ABSENCE and id:
        if org.get(Kind(kind), id) is not None:
            return text
        near = suggest(id, sorted(org.of_kind(Kind(kind))))
        raise UnknownNode(asked, [f"{kind}:{n}" for n in near])
    found = _named(org, text, private)
    if len(found) == 1:
        return found[0]
    if found:
        raise AmbiguousNode(asked, found)
    near = suggest(asked, org.people_index.names) + suggest(asked, org.account_index, 2)
    raise UnknownNode(asked, list(dict.fromkeys(near)))


def _named(org: Org, text: str, private: bool) -> list[str]:
    """The keys of every node with the name ``text`` (normalised), by kind then id."""
    wanted = normalize(text)
    by_email = [p for p in org.people_index.with_email(wanted) if shows_private(p, private=private)]
    found = {f"{Kind.PERSON}:{p.id}" for p in [*org.people_index.named(wanted), *by_email]}
    account = org.find_account(text)
    if account is not None:
        found.add(f"{Kind.ACCOUNT}:{account.id}")
    for kind, entries in org.search_entries.items():
        if kind in (Kind.PERSON, Kind.ACCOUNT):
            continue
        found |= {f"{kind}:{e.record.id}" for e in entries if any(norm == wanted for norm, _ in e.names)}
    if text in org.rules:
        found.add(f"{Kind.RULE}:{text}")
    return sorted(found, key=lambda k: (list(Kind).index(Kind(k.partition(":")[0])), k))


def _path(links: nx.Graph[str], start: str, end: str) -> list[str] | None:
    """The keys of a shortest path from ``start`` to ``end``: breadth first, neighbours in key order."""
    if start == end:
        return [start]
    parent: dict[str, str] = {}
    for at, to in nx.bfs_edges(links, start, sort_neighbors=sorted):
        parent[to] = at
        if to == end:
            path = [end]
            while path[-1] != start:
                path.append(parent[path[-1]])
            return path[::-1]
    return None


def _hop(org: Org, at: str, to: str) -> Hop:
    """The edge between two neighbours, read from the records at either end (the first, by edge kind, if several)."""
    candidates = []
    for node in (at, to):
        record = _record(org, node)
        if record is None:
            continue
        for source, target, kind in edges_of(record):
            if {source, target} == {at, to} and kind is not EdgeKind.DELEGATES_TO:
                candidates.append((list(EdgeKind).index(kind), source != at, node, record, kind))
    _, backward, carrier, record, kind = min(candidates, key=lambda c: c[:3])
    return Hop(at, to, kind, not backward, carrier, record.source)


def _record(org: Org, node: str) -> Record | None:
    kind, _, id = node.partition(":")
    return org.get(Kind(kind), id)


def _name(org: Org, node: str) -> str:
    kind, _, id = node.partition(":")
    return label(org, Kind(kind), id)


def _line(org: Org, hop: Hop) -> str:
    """``Sue Park (p-sue) HEADS Customer Support (d-support)``, in the edge's own direction.

    The bundle row is the hop's ``source``, not in the line: the public view withholds rows.
    """
    source, target = (hop.at, hop.to) if hop.forward else (hop.to, hop.at)
    return f"{_name(org, source)} {hop.kind} {_name(org, target)}"
