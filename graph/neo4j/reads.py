"""The reads: each :class:`~graph.reach.Reach` compiled to one Cypher query.

Vocabulary:

- A read answers one question's :class:`~graph.store.Focus` with one query, one round
  trip: it looks at the *commit gate* (:mod:`graph.neo4j.store`) and the ``Meta`` node
  first (``before``: the gate's ``pending`` and ``done``, its ``age``, and the version the
  org's nodes hold: ``version``, ``top_id``, ``effective``, ``until``), fetches the nodes
  the focus's reach reaches as ``[labels, properties]`` pairs (:mod:`graph.neo4j.records`),
  and looks at the gate again last (``after``). The store keeps the answer only if the gate
  was closed and unchanged; the nodes are fetched only if it was closed, the org's nodes
  hold the version in force on ``$day`` and that version is not one the caller already
  holds whole (``$held``, for a whole read).
- The query is compiled from the reach's :class:`~graph.reach.Spec`: one
  ``COLLECT`` of the seeds (a ``UNION`` of one ``MATCH`` per way of seeding), then
  per hop one ``COLLECT`` of the nodes one variable-length pattern reaches from
  those reached so far, added to them, then the absences of the people reached.
  COLLECT subqueries never drop the row, so a question about a missing name
  still returns the gate and the org's version.

Labels and relationship types come only from the model's enums; every value
(the asked names, kinds and keys, the day) is a parameter. Each spec compiles once
(:func:`compiled`, cached), so the texts are as constant as hand-written ones.
"""

from __future__ import annotations

import functools
from typing import Any

from buckstop.graph.model import Kind
from buckstop.graph.reach import Direction, Hop, Reach, Seed, Seeds, Spec
from buckstop.graph.store import Focus

from .records import LABELS

__all__ = ["compiled", "query_for"]

# The gate and the materialised version first; ``asked``: whether the nodes are worth fetching (see the vocabulary).
_BEFORE = (
    "OPTIONAL MATCH (g:Meta {id: 'commit'}) OPTIONAL MATCH (meta:Meta {id: 'org'})\n"
    "WITH {pending: coalesce(g.pending, 0), done: coalesce(g.done, 0), age: timestamp() - coalesce(g.since, 0),"
    " version: meta.version, top_id: meta.top_id, effective: meta.effective, until: meta.until} AS before\n"
    "WITH before, (before.pending <= before.done OR before.age >= $stale)"
    " AND (before.effective IS NULL OR (before.effective <= $day AND (before.until IS NULL OR $day < before.until)))"
    " AND NOT coalesce(before.version IN $held, false) AS asked\n"
)
# The gate again, last: a subquery that names the fetched nodes runs once they are read (a RollUpApply after
# their projection, not a product the planner may run first).
_AFTER = (
    "RETURN before, nodes, COLLECT { OPTIONAL MATCH (g:Meta {id: 'commit'}) WHERE nodes IS NOT NULL"
    " RETURN {pending: coalesce(g.pending, 0), done: coalesce(g.done, 0)} }[0] AS after"
)

#: A person is found by the indexed scalar copies of their keys (graph.neo4j.records), one index each.
_PERSON_KEYS = ("id_norm", "email_norm", "name_norm")


def query_for(focus: Focus, spec: Spec | None = None) -> tuple[str, dict[str, Any]]:
    """The Cypher text and parameters of ``focus`` (read with ``spec``, by default its reach's own)."""
    spec = spec or focus.reach.spec
    params: dict[str, Any] = {}
    for i, seed in enumerate(spec.seeds):
        asked = seed.names(focus.names)
        if seed.by is Seeds.KINDS:
            params[f"s{i}"] = sorted(k.value for k in seed.kinds_of(asked))
        elif seed.by is Seeds.NODES:
            params[f"s{i}"] = [list(name.split(":", 1)) for name in asked if ":" in name]
        elif seed.by is not Seeds.TOP:
            params[f"s{i}"] = asked
    return compiled(spec), params


@functools.cache
def compiled(spec: Spec) -> str:
    """The Cypher text of ``spec`` (see the module vocabulary)."""
    seeds = "\n  UNION\n".join(branch for i, seed in enumerate(spec.seeds) for branch in _seed(i, seed))
    lines = [_BEFORE, f"WITH before, COLLECT {{\n  {seeds}\n}} AS r0"]
    for h, hop in enumerate(spec.hops):
        lines.append(f"WITH before, r{h}, COLLECT {{ UNWIND r{h} AS x {_hop(hop)} RETURN DISTINCT y }} AS new")
        lines.append(f"WITH before, COLLECT {{ UNWIND r{h} + new AS n RETURN DISTINCT n }} AS r{h + 1}")
    reached = f"r{len(spec.hops)}"
    if spec.absences:
        reached += (
            f" + COLLECT {{ UNWIND {reached} AS p WITH p WHERE p:Person"
            " MATCH (a:Absence {person_id: p.id}) RETURN a }"
        )
    lines.append(f"WITH before, [n IN {reached} | [labels(n), properties(n)]] AS nodes")
    lines.append(_AFTER)
    return "\n".join(lines)


def _seed(i: int, seed: Seed) -> list[str]:
    """The UNION branches of one seed, each returning ``n``."""
    if seed.by is Seeds.TOP:
        return ["MATCH (n:Person) WHERE asked AND n.id = before.top_id RETURN n"]
    if seed.by is Seeds.KINDS:
        if seed.kinds == frozenset(Kind):
            return ["MATCH (n:OrgNode) WHERE asked RETURN n"]
        return [f"MATCH (n:OrgNode) WHERE asked AND n.kind IN $s{i} RETURN n"]
    if seed.by is Seeds.NODES:
        return [f"UNWIND $s{i} AS r MATCH (n:OrgNode {{kind: r[0]}}) WHERE asked AND n.id = r[1] RETURN n"]
    if seed.by is Seeds.SEARCH:
        return [f"UNWIND $s{i} AS q MATCH (n:OrgNode) WHERE asked AND any(s IN n.search WHERE s CONTAINS q) RETURN n"]
    branches = []
    for kind in sorted(seed.kinds):
        if kind is Kind.PERSON:
            branches += [f"UNWIND $s{i} AS k MATCH (n:Person {{{p}: k}}) WHERE asked RETURN n" for p in _PERSON_KEYS]
        else:
            branches.append(f"UNWIND $s{i} AS k MATCH (n:{LABELS[kind]}) WHERE asked AND k IN n.keys RETURN n")
    return branches


def _hop(hop: Hop) -> str:
    labels = "|".join(LABELS[k] for k in sorted(hop.from_kinds))
    types = "|".join(sorted(hop.edges))
    length = "" if hop.depth == 1 else "*1.." if hop.depth is None else f"*1..{hop.depth}"
    edge = f"[:{types}{length}]"
    pattern = f"-{edge}->" if hop.direction is Direction.OUT else f"<-{edge}-"
    return f"MATCH (x:{labels}){pattern}(y)"


#: Every reach's text, compiled when the module loads: a mistake in a spec shows at import, not at a question.
TEXTS = {reach: compiled(reach.spec) for reach in Reach}
