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
- The demo has a little *history* (:data:`seed.VERSIONS`): a reorg 180 days before the day
  its store is made and one scheduled 90 days after, so today's answers are those of
  ``seed/`` on any day, and a store freshly made always has an upcoming change to show.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from buckstop import seed
from buckstop.graph.errors import BundleRefused, NoSuchStore, StoreUnavailable
from buckstop.graph.memory import MemoryStore
from buckstop.graph.model import Kind
from buckstop.graph.org import ChangeSet, Org
from buckstop.graph.store import DEMO_ACTOR, Focus, Store
from buckstop.graph.timeline import BEGINNING, today
from buckstop.loaders import diff, read_bundle

from .settings import Settings

__all__ = ["answering_version", "demo_versions", "is_default_store", "open_store", "seed_if_empty", "store_to_serve"]


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


def seed_if_empty(store: Store, made: date | None = None) -> bool:
    """Load the demo org with its history into ``store`` if it holds nothing, marked as the demo; whether it did.

    Its versions (:data:`seed.VERSIONS`) are dated from ``made`` (default today), the day the demo store is made,
    and applied in one transaction: the first is in force from the beginning, so a first load of one's own
    org, on whatever day, comes after it; that load drops the demo's versions after its day (loaders.load).
    """
    if not store.read().empty:
        return False
    versions = demo_versions(made or today())
    names = {day: name for _, day, name in versions}

    def summary(before: Org, after: Org) -> str:
        # The log says which of the demo's versions each is, and what it changed.
        return f"the demo org, {names[after.effective or BEGINNING]}: {diff(before, after).brief()}"

    store.apply_versions([(changes, day) for changes, day, _ in versions], actor=DEMO_ACTOR, summary=summary)
    return True


def demo_versions(made: date) -> list[tuple[ChangeSet, date, str]]:
    """The demo's versions dated from the day ``made``: each change set, its effective day and its folder's name.

    Each version is :data:`seed.FOLDER` with its history folder's files in place of its own; the first
    replaces every kind, each later one the kinds its folder or the one before it holds.
    """
    own = _read(seed.FOLDER)
    versions: list[tuple[ChangeSet, date, str]] = []
    held: frozenset[Kind] = frozenset(Kind)
    for folder, days in seed.VERSIONS:
        files = _read(folder) if folder is not None else ChangeSet()
        records = {**own.records, **files.records}
        kinds = frozenset(Kind) if not versions else held | files.kinds
        day = BEGINNING if days is None else made + timedelta(days=days)
        name = "seed/" if folder is None else f"seed/{folder.relative_to(seed.FOLDER).as_posix()}/"
        versions.append((ChangeSet({kind: records.get(kind, ()) for kind in sorted(kinds)}), day, name))
        held = files.kinds
    return versions


def _read(folder: Path) -> ChangeSet:
    bundle = read_bundle(folder)
    if bundle.problems:  # the shipped demo is checked by the tests; this names a broken copy
        raise BundleRefused(bundle.problems)
    return bundle.changes


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
