"""The reads: each :class:`~graph.reach.Reach` compiled to one Cypher query.

Vocabulary:

- A read answers one question's :class:`~graph.store.Focus` with one query that
  returns the org's version, its ``top_id`` and the nodes the focus's reach
  reaches, as ``[labels, properties]`` pairs (:mod:`graph.neo4j.records`).
- The query is compiled from the reach's :class:`~graph.reach.Spec`: one
  ``COLLECT`` of the seeds (a ``UNION`` of one ``MATCH`` per way of seeding), then
  per hop one ``COLLECT`` of the nodes one variable-length pattern reaches from
  those reached so far, added to them, then the absences of the people reached.
  COLLECT subqueries never drop the row, so a question about a missing name
  still returns the org's version.

Labels and relationship types come only from the model's enums; every value
(the asked names, kinds and keys) is a parameter. Each spec compiles once
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

_META = "OPTIONAL MATCH (meta:Meta {id: 'org'})\n"

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
    lines = [_META, f"WITH meta, COLLECT {{\n  {seeds}\n}} AS r0"]
    for h, hop in enumerate(spec.hops):
        lines.append(f"WITH meta, r{h}, COLLECT {{ UNWIND r{h} AS x {_hop(hop)} RETURN DISTINCT y }} AS new")
        lines.append(f"WITH meta, COLLECT {{ UNWIND r{h} + new AS n RETURN DISTINCT n }} AS r{h + 1}")
    reached = f"r{len(spec.hops)}"
    if spec.absences:
        reached += (
            f" + COLLECT {{ UNWIND {reached} AS p WITH p WHERE p:Person"
            " MATCH (a:Absence {person_id: p.id}) RETURN a }"
        )
    lines.append(
        f"RETURN meta.version AS version, meta.top_id AS top_id, [n IN {reached} | [labels(n), properties(n)]] AS nodes"
    )
    return "\n".join(lines)


def _seed(i: int, seed: Seed) -> list[str]:
    """The UNION branches of one seed, each returning ``n``."""
    if seed.by is Seeds.TOP:
        return ["MATCH (n:Person) WHERE n.id = meta.top_id RETURN n"]
    if seed.by is Seeds.KINDS:
        if seed.kinds == frozenset(Kind):
            return ["MATCH (n:OrgNode) RETURN n"]
        return [f"MATCH (n:OrgNode) WHERE n.kind IN $s{i} RETURN n"]
    if seed.by is Seeds.NODES:
        return [f"UNWIND $s{i} AS r MATCH (n:OrgNode {{kind: r[0]}}) WHERE n.id = r[1] RETURN n"]
    if seed.by is Seeds.SEARCH:
        return [f"UNWIND $s{i} AS q MATCH (n:OrgNode) WHERE any(s IN n.search WHERE s CONTAINS q) RETURN n"]
    branches = []
    for kind in sorted(seed.kinds):
        if kind is Kind.PERSON:
            branches += [f"UNWIND $s{i} AS k MATCH (n:Person {{{p}: k}}) RETURN n" for p in _PERSON_KEYS]
        else:
            branches.append(f"UNWIND $s{i} AS k MATCH (n:{LABELS[kind]}) WHERE k IN n.keys RETURN n")
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
