"""Search: find people, departments, roles, accounts, agencies and issue types by any name.

Vocabulary: a *hit* is one node whose name, handle, title, email or synonym
contains the asked text (ignoring case and accents). Hits are ranked: an exact
name first, then names that start with the text, then the rest; ties by kind
and id, so the same question always gives the same list. A search asked
without ``private`` never matches a private name (:mod:`queries.lookup`): those
hits are never made, so the page is as full as any other and cannot tell how
many private addresses matched.

Each record's names are normalised once per org version (the org's search
entries, :mod:`graph.names`): a search tests each record with one ``in`` and
keeps only the best ``limit`` hits, rather than folding every name each time.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from buckstop.graph.model import Kind, Record
from buckstop.graph.names import SearchEntry
from buckstop.graph.org import Org, normalize
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus, Store

from .lookup import shows_private

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
    org = store.read(Focus(Reach.SEARCH, (text,)))
    wanted = normalize(text)
    ranked: list[tuple[int, int, str, Hit]] = []
    if not wanted:
        return [], org
    order = {kind: i for i, kind in enumerate(Kind)}
    for kind, entries in org.search_entries.items():
        if kinds and kind not in kinds:
            continue
        for entry in [e for e in entries if wanted in e.text]:  # the few that may match, in one pass
            best = _best(entry, wanted, private)
            if best is not None:
                hit = Hit(kind, entry.record.id, entry.names[0][1], best[1], entry.record)
                ranked.append((best[0], order[kind], entry.record.id, hit))
    best_first = heapq.nsmallest(max(limit, 0), ranked, key=lambda item: item[:3])
    return [item[3] for item in best_first], org


def _best(entry: SearchEntry, wanted: str, private: bool) -> tuple[int, str] | None:
    """The best rank of ``entry``'s names that contain ``wanted``, and that name; none on a withheld name.

    A withheld name is a private address (:func:`~queries.lookup.shows_private`), unless it is also the
    record's id or name, as :func:`~queries.lookup.names_to_match` says.
    """
    record = entry.record
    hidden = None if shows_private(record, private=private) else getattr(record, "email", None)
    best: tuple[int, str] | None = None
    for folded, name in entry.names:
        if wanted not in folded or (name == hidden and name not in (record.id, getattr(record, "name", None))):
            continue
        rank = 0 if folded == wanted else 1 if folded.startswith(wanted) else 2
        if best is None or rank < best[0]:
            best = (rank, name)
    return best
