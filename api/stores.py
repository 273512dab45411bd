"""Opening the store the settings name."""

from __future__ import annotations

from graph.memory import MemoryStore
from graph.store import Store

from .settings import Settings

__all__ = ["open_store"]


def open_store(settings: Settings) -> Store:
    """The store of ``settings.backend``; raises StoreUnavailable when it cannot be opened."""
    if settings.backend == "neo4j":
        from graph.neo4j import Neo4jStore  # the driver is only needed for this backend

        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        return Neo4jStore(settings.neo4j_uri, settings.neo4j_user, password, settings.neo4j_database)
    return MemoryStore(settings.db)
