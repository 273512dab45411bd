"""Opening the store the settings name, and seeding it with the demo org when it is empty."""

from __future__ import annotations

import logging

from buckstop import seed
from buckstop.graph.memory import MemoryStore
from buckstop.graph.store import Store
from buckstop.loaders import apply_bundle

from .settings import Settings

__all__ = ["open_store", "seed_if_empty"]

log = logging.getLogger("buckstop")


def open_store(settings: Settings) -> Store:
    """The store of ``settings.backend``; raises StoreUnavailable when it cannot be opened."""
    if settings.backend == "neo4j":
        from buckstop.graph.neo4j import Neo4jStore  # the driver is only needed for this backend

        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        return Neo4jStore(settings.neo4j_uri, settings.neo4j_user, password, settings.neo4j_database)
    return MemoryStore(settings.db)


def seed_if_empty(store: Store) -> bool:
    """Load the demo org into ``store`` if it holds nothing; whether it did."""
    if not store.read().empty:
        return False
    apply_bundle(store, seed.FOLDER, actor="seed")
    log.info("the store was empty: loaded the demo org (Corvid Electronics)")
    return True
