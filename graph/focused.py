"""A focused memory store: the memory backend answering each read with only its focus's reach, as Neo4j does.

Vocabulary:

- A :class:`FocusedStore` wraps a :class:`~graph.memory.MemoryStore`. Its
  :meth:`~FocusedStore.read` interprets the focus's declared reach over the whole
  org (:func:`graph.reach.reached`) and returns the records reached as a
  *partial* org with the stored top, exactly the part Neo4j's compiled Cypher
  would return; a ``WHOLE`` read returns the whole org.
- ``specs`` may replace the declaration of some reaches (a test narrows one to
  see an under-fetch raise :class:`~graph.errors.IncompleteRead`).

It exists for the tests: every question runs over partial orgs on every
machine, Neo4j or not. Production's memory backend keeps answering with its
whole org, which costs nothing per read.
"""

from __future__ import annotations

from collections.abc import Mapping

from .memory import MemoryStore
from .model import Kind
from .org import Org
from .reach import Reach, Spec, reached
from .store import WHOLE, Focus, Wrapping

__all__ = ["FocusedStore"]


class FocusedStore(Wrapping):
    """``store`` read through each focus's reach; writes, the log and tokens go to ``store`` itself."""

    def __init__(self, store: MemoryStore, specs: Mapping[Reach, Spec] | None = None) -> None:
        super().__init__(store)
        self.name = "focused"
        self.specs = dict(specs or {})

    def read(self, focus: Focus = WHOLE) -> Org:
        whole = self.store.read(Focus(Reach.WHOLE, day=focus.day))
        if focus.reach is Reach.WHOLE:
            return whole
        spec = self.specs.get(focus.reach, focus.reach.spec)
        keys = reached(whole, spec, focus.names)
        records = []
        for found in keys:
            kind, id = found.split(":", 1)
            record = whole.get(Kind(kind), id)
            if record is not None:
                records.append(record)
        complete = spec.complete_for(focus.names)
        return Org(
            records,
            version=whole.version,
            effective=whole.effective,
            partial=True,
            top_id=whole.top_id,
            reach=focus.reach.value,
            complete=complete,
        )
