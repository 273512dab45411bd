"""Search: find people, departments, roles, accounts, agencies and issue types by any name.

Vocabulary: a *hit* is one node whose name, handle, title, email or synonym
contains the asked text (ignoring case and accents). Hits are ranked: an exact
name first, then names that start with the text, then the rest; ties by kind
and id, so the same question always gives the same list. A search asked
without ``private`` never matches a private name (:mod:`queries.lookup`): those
hits are never made, so the page is as full as any other and cannot tell how
many private addresses matched.
"""

from __future__ import annotations

from dataclasses import dataclass

from buckstop.graph.model import Kind, Record
from buckstop.graph.org import Org, names_of, normalize
from buckstop.graph.store import Focus, Store

from .lookup import names_to_match

__all__ = ["Hit", "search"]


@dataclass(frozen=True, slots=True)
class Hit:
    kind: Kind
    id: str
    name: str
    matched: str  # the name, handle, title, email or synonym that matched
    record: Record


def search(
    store: Store, text: str, *, kinds: frozenset[Kind] | None = None, limit: int = 20, private: bool = True
) -> tuple[list[Hit], Org]:
    """Up to ``limit`` hits for ``text``, best first; without ``private``, none on a private name."""
    org = store.read(Focus("search", (text,)))
    wanted = normalize(text)
    ranked: list[tuple[int, int, str, Hit]] = []
    if not wanted:
        return [], org
    order = {kind: i for i, kind in enumerate(Kind)}
    for record in org.records():
        if record.kind in (Kind.RULE, Kind.ABSENCE) or (kinds and record.kind not in kinds):
            continue
        best: tuple[int, str] | None = None
        for name in names_to_match(record, private=private):
            folded = normalize(name)
            if wanted not in folded:
                continue
            rank = 0 if folded == wanted else 1 if folded.startswith(wanted) else 2
            if best is None or rank < best[0]:
                best = (rank, name)
        if best is not None:
            display = next(names_of(record))
            hit = Hit(record.kind, record.id, display, best[1], record)
            ranked.append((best[0], order[record.kind], record.id, hit))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked[:limit]], org
