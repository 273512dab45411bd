"""Opening the store the settings name."""

from __future__ import annotations

from graph.memory import MemoryStore
from graph.store import Store

from .settings import Settings

__all__ = ["open_store"]


def open_store(settings: Settings) -> Store:
    """The store of ``settings.backend``; raises StoreUnavailable when it cannot be opened."""
    return MemoryStore(settings.db)
