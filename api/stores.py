"""Opening the store the settings name; which commands may make one, and where the demo org comes from.

Vocabulary:

- The *default store* is ``buckstop.db`` in the current folder: the settings' default
  path, when neither ``--db`` nor ``BUCKSTOP_DB`` names another.
- Only ``buckstop load`` and ``buckstop serve`` *make* a store (create its file);
  every other command opens an existing one, and a missing file is
  :class:`~graph.errors.NoSuchStore` naming the file and how to make it. So a
  question asked in the wrong folder, or of a mistyped path, answers nothing and
  leaves nothing behind. No command makes a folder.
- A file that exists but is not a buckstop store (empty, another program's
  database, anything else) is :class:`~graph.errors.NotAStore` for every
  command, and is never written (:class:`~graph.memory.MemoryStore` checks it).
- The *demo org* (Corvid Electronics, ``seed/``) is loaded only by ``buckstop serve``
  into the default store file it has just made, never into a file that was there
  (an empty store stays empty), logged as the change of the actor
  :data:`~graph.store.DEMO_ACTOR`; the first real load replaces it whole
  (:mod:`loaders.load`). A Neo4j store always exists: ``serve`` seeds it when empty.
"""

from __future__ import annotations

from pathlib import Path

from buckstop import seed
from buckstop.graph.errors import NoSuchStore, StoreUnavailable
from buckstop.graph.memory import MemoryStore
from buckstop.graph.store import DEMO_ACTOR, Focus, Store
from buckstop.graph.timeline import BEGINNING
from buckstop.loaders import apply_bundle

from .settings import Settings

__all__ = ["answering_version", "is_default_store", "open_store", "seed_if_empty", "store_to_serve"]


def is_default_store(settings: Settings) -> bool:
    """Whether ``settings`` name the default store file (``buckstop.db`` here), not one of their own."""
    default: Path = Settings.model_fields["db"].default
    return settings.db == default


def open_store(settings: Settings, *, create: bool = False) -> Store:
    """The store of ``settings.backend``; raises NoSuchStore or StoreUnavailable when it cannot be opened.

    Only with ``create`` is a missing store file made (``buckstop load`` and ``buckstop serve``).
    """
    if settings.backend == "neo4j":
        from buckstop.graph.neo4j import Neo4jStore  # the driver is only needed for this backend

        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        return Neo4jStore(settings.neo4j_uri, settings.neo4j_user, password, settings.neo4j_database)
    try:
        return MemoryStore(settings.db, create=create)
    except NoSuchStore as err:
        if create:
            raise  # its folder is missing, and the error says so
        raise _no_such_store(settings) from err


def store_to_serve(settings: Settings) -> tuple[Store, str | None]:
    """The store ``buckstop serve`` serves, and a line to log if the demo org was just loaded into it.

    The default store is made if missing and seeded if it was (unless ``seed`` is off); with
    seeding off any store is made, empty; a store of its own that is missing is refused. A file
    that was there is never seeded: an empty one is not a store, and an empty store may be one
    on purpose (``--no-seed``). Neo4j is seeded while empty.
    """
    if settings.backend == "neo4j" or is_default_store(settings) or not settings.seed:
        store = open_store(settings, create=True)
    else:
        store = _open_named(settings)
    if not (settings.seed and (settings.backend == "neo4j" or is_default_store(settings))):
        return store, None
    if isinstance(store, MemoryStore) and not store.made:
        return store, None
    try:
        seeded = seed_if_empty(store)
    except BaseException:
        store.close()
        raise
    neo4j = settings.backend == "neo4j"
    done = f"Neo4j at {settings.neo4j_uri} was empty: loaded" if neo4j else f"made {settings.db} with"
    note = f"{done} the demo org (Corvid Electronics); the first `buckstop load` replaces it whole"
    return store, note if seeded else None


def seed_if_empty(store: Store) -> bool:
    """Load the demo org into ``store`` if it holds nothing, marked as the demo; whether it did."""
    if not store.read().empty:
        return False
    # In force from the beginning: a first load of one's own org, on whatever day, comes after it.
    apply_bundle(store, seed.FOLDER, actor=DEMO_ACTOR, effective=BEGINNING)
    return True


def _open_named(settings: Settings) -> Store:
    try:
        return MemoryStore(settings.db, create=False)
    except NoSuchStore as err:
        db = settings.db
        raise NoSuchStore(
            str(db),
            f"make one with `buckstop load BUNDLE --db {db}`, or start it empty with "
            f"`buckstop serve --db {db} --no-seed`; the demo org is served only from the default store "
            "(`buckstop serve` without --db or BUCKSTOP_DB)",
        ) from err


def _no_such_store(settings: Settings) -> NoSuchStore:
    if is_default_store(settings):
        path = Path(settings.db).absolute()
        fix = "make one here with `buckstop load BUNDLE`, or run `buckstop serve` here for the demo org"
    else:
        path = settings.db
        fix = (
            f"make one with `buckstop load BUNDLE --db {path}`, or run `buckstop serve` "
            "without --db or BUCKSTOP_DB for the demo org"
        )
    return NoSuchStore(str(path), fix)


def answering_version(store: Store) -> int | None:
    """The version of the org ``store`` answers from now; ``None`` when it cannot answer (``/readyz``, ``/metrics``).

    It reads the version alone, no records: one short query on Neo4j, where the whole org of 100,000
    people takes seconds to read. It may wait on the network: call it off the event loop.
    """
    try:
        return store.read(Focus.kinds()).version if store.ready() else None
    except StoreUnavailable:
        return None
