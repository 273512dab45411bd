"""The org an answer was read from, and the store to read what that part of the org lacks.

A *view* is what every way in (GraphQL, ``--json``, MCP) shapes an answer from:
the question's org, and, for a remote store that answered with only the part
the question needs, the store to read a node the answer names but the part
lacks (a handler's department, an issue type's parent) by key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from buckstop.graph.model import Kind, key
from buckstop.graph.org import Org
from buckstop.graph.store import Focus, Store

__all__ = ["View"]


@dataclass(frozen=True)
class View:
    """The org a question was answered from, and the store to read what that part lacks."""

    org: Org
    store: Store | None = None

    def get(self, kind: Kind, id: str | None) -> Any:
        if not id:
            return None
        found = self.org.fetched(kind, id)  # a lookup that never raises: what the part lacks is read below
        if found is None and self.org.partial and self.store is not None:
            found = self.store.read(Focus.nodes(key(kind, id))).get(kind, id)
        return found
