"""The memory backend: the org in memory as networkx, made durable by one SQLite file.

Vocabulary:

- The *file* is a SQLite database with one row per record *while it is unchanged*
  (``kind``, ``id``, the record as JSON, and ``since`` and ``until``: the keys of the
  versions it is in from and no longer in, :func:`~graph.timeline.key_of`; ``until`` null
  while it is in the newest), a ``version`` counter and a log of changes, each with the
  effective date of the version it made. History is kept as changes, not copies.
- *Applying* a change set effective on a day checks it against the version in force on that
  day, and writes it in one SQLite transaction: the rows of records it changes or removes are
  closed at the new version (and, if they were in the version after it, reopened there, so the
  later versions stay as they were), the new and changed records get rows, the counter is
  bumped and the change logged. Only after the commit is the new org cached. A crash before the
  commit leaves the file as it was; readers holding an org finish on it.
- A read answers with the version in force on its focus's day (today by the store's *clock*):
  the day a scheduled version comes, reads answer with it, with no restart. The orgs of the
  versions asked are built once from the file and kept, the :data:`CACHED_VERSIONS` most
  recently asked (besides today's).
- The version written last, and the one in force today when it was written, are also kept *packed*
  (:mod:`graph.packed`): their records as columns in one blob, in the ``packed`` table, so that
  opening the store reads one blob rather than decoding every row. A pack that is missing or
  cannot be trusted is logged (``buckstop.store``) and the version is read from its rows: a pack
  makes an open quicker, never an org different.
- The file also keeps the API tokens (their digests, never the secrets).
- Another process may apply changes to the same file (``buckstop load`` while
  ``buckstop serve`` runs); a reader notices within :attr:`refresh_seconds` and
  reloads the file.
- A *read-only* file (its file system mounted read-only, or not ours to write)
  is opened for reading: it answers questions and refuses changes. SQLite reads
  a file in WAL mode beside its *write-ahead log* (``-wal``) through a shared
  index (``-shm``); where that index cannot be made, the file is opened
  *immutable*: read as it is, never re-read. That is right only while the log
  holds nothing, so closing a writable store *checkpoints* the log into the file.
- A store is *made* (its file created) only when asked to (``create``, the
  default); opened with ``create=False`` a missing file raises
  :class:`~graph.errors.NoSuchStore`, so a question asked of the wrong path
  creates nothing. No folder is ever made: a file in a missing folder is a
  :class:`~graph.errors.NoSuchStore` too.
- A file that exists is opened only if it is a *buckstop store*: an SQLite
  database with buckstop's ``meta`` and ``records`` tables, of a *schema*
  (``meta``'s ``schema``, :data:`SCHEMA_VERSION`; a store made before it was
  recorded has none, and is version 1) this code knows. Anything else (an empty
  file, another program's database, any other bytes, a store of a newer buckstop)
  raises :class:`~graph.errors.NotAStore` before a byte of it is written, and
  leaves no log or index beside it. :attr:`MemoryStore.made` says whether this
  opening made the file (only then is it new).
- *Faults of the disk* are named: a full disk and a read-only file each raise
  :class:`~graph.errors.StoreUnavailable` with a message that says so.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NoReturn

from .cases_sqlite import SqliteCaseBook
from .codec import dumps, loads
from .errors import NoSuchStore, NotAStore, StoreUnavailable, TokenExists
from .model import Kind, Record
from .org import ChangeSet, Org
from .packed import BadPack, Pack, pack, unpack
from .store import WHOLE, Applied, Change, Focus, OneVersion, Summary
from .timeline import BEGINNING, Clock, Timeline, Version, dropped_note, key_of, today
from .tokens import Token, now, unknown_token
from .validate import require_valid_on
from .webhooks_sqlite import SqliteWebhookBook

__all__ = ["CACHED_VERSIONS", "SCHEMA_VERSION", "MemoryStore"]

#: The layout of the file this code reads and writes, kept in ``meta`` as ``schema``; a store of a
#: higher one is refused (:class:`~graph.errors.NotAStore`) rather than misread or written.
#: Schema 2 keeps every version (``records.since``/``until``, ``changes.effective``); a schema 1
#: store is migrated when first opened for writing (its org becomes a version in force from the beginning).
SCHEMA_VERSION = 2

#: How many orgs of versions other than today's a store keeps built: each is the size of one org
#: in memory (at most the load benchmark's peak, about 200 MB at 100,000 people), so at most this many times that.
CACHED_VERSIONS = 4

log = logging.getLogger("buckstop.store")

# One transaction: a store is made whole or not at all, never left with half its tables.
_SCHEMA = f"""
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, id TEXT NOT NULL, since TEXT NOT NULL, until TEXT, data TEXT NOT NULL,
    PRIMARY KEY (kind, id, since)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (
    version INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
    summary TEXT NOT NULL, records INTEGER NOT NULL, effective TEXT
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY, name TEXT NOT NULL, scope TEXT NOT NULL, created TEXT NOT NULL, revoked TEXT
);
CREATE TABLE IF NOT EXISTS packed (
    version INTEGER PRIMARY KEY, records INTEGER NOT NULL, digest BLOB NOT NULL, data BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS tokens_active_name ON tokens (name) WHERE revoked IS NULL;
INSERT OR IGNORE INTO meta (key, value) VALUES ('version', '0');
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '{SCHEMA_VERSION}');
COMMIT;
"""

# Schema 1 to 2: every record row is in the one version there was, in force from the beginning.
_MIGRATE = f"""
BEGIN IMMEDIATE;
CREATE TABLE records_2 (
    kind TEXT NOT NULL, id TEXT NOT NULL, since TEXT NOT NULL, until TEXT, data TEXT NOT NULL,
    PRIMARY KEY (kind, id, since)
) WITHOUT ROWID;
INSERT INTO records_2 (kind, id, since, until, data)
    SELECT kind, id, '{BEGINNING.isoformat()}#' || substr('0000000000' || (
        SELECT value FROM meta WHERE key = 'version'), -10), NULL, data FROM records;
DROP TABLE records;
ALTER TABLE records_2 RENAME TO records;
ALTER TABLE changes ADD COLUMN effective TEXT;
UPDATE changes SET effective = '{BEGINNING.isoformat()}' WHERE version = (SELECT max(version) FROM changes);
INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', '2');
COMMIT;
"""


class MemoryStore(OneVersion):
    """The embedded default store. Thread-safe; one writer at a time."""

    name = "memory"

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        refresh_seconds: float = 1.0,
        create: bool = True,
        clock: Clock = today,
    ) -> None:
        self.path = str(path)
        self.refresh_seconds = refresh_seconds
        #: What day it is: which version a read without a day answers with (a test moves it).
        self.clock = clock
        self._cache: OrderedDict[int, Org] = OrderedDict()
        self._today: tuple[date, Org] | None = None
        #: Whether this opening made the store file: only then is it a new store.
        self.made = False
        if self.path != ":memory:":
            if _require_file(Path(self.path), create=create):
                self.made = _make_file(Path(self.path))
            if not self.made:
                _require_store(Path(self.path))  # before SQLite opens it: opening for writing writes
        self._write_lock = threading.Lock()
        #: Why the file cannot be written (it is then opened for reading only), or None.
        self.read_only = None if self.path == ":memory:" else _read_only(Path(self.path))
        try:
            self._db = self._open_for_reading() if self.read_only else self._open()
            # data_version first: a commit landing in between is then reloaded, never missed.
            self._data_version = self._pragma_data_version()
            # A read-only store of schema 1 is not migrated: it is read as the one version it holds.
            self._legacy = "since" not in _columns(self._db, "records")
            self._timeline = self._load_timeline()
        except (sqlite3.Error, OSError) as err:
            if hasattr(self, "_db"):
                self._db.close()
            if self.made:  # a store we could not finish making (a full disk) is not left to be refused as empty
                _remove(Path(self.path))
            raise self._fault("open", err) from err
        self._checked = time.monotonic()
        self.cases = SqliteCaseBook(self.path)  # the cases, in their own tables of this file (graph/cases_sqlite.py)
        self.webhooks = SqliteWebhookBook(self.cases)  # hooks and their outbox, written with the cases' events

    def _open(self) -> sqlite3.Connection:
        # isolation_level=None: transactions are ours (BEGIN IMMEDIATE … COMMIT).
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.executescript(_SCHEMA)
        if "since" not in _columns(db, "records"):
            db.executescript(_MIGRATE)
        return db

    def _open_for_reading(self) -> sqlite3.Connection:
        """The file opened read-only: with its log and index where SQLite can read them, else immutable."""
        uri = Path(self.path).resolve().as_uri()
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        try:
            db.execute("SELECT 1 FROM meta").fetchall()  # SQLite opens the file, its log and index lazily
            return db
        except sqlite3.OperationalError:
            db.close()
        wal = Path(f"{self.path}-wal")
        if wal.exists() and wal.stat().st_size:  # immutable would ignore the log, and what it holds
            raise StoreUnavailable(
                f"cannot open the store file {self.path!r}: it is read-only ({self.read_only}) and its "
                f"write-ahead log {wal.name!r} holds changes not yet in it; open it once where it can be "
                "written (any buckstop command does), then make it read-only again"
            )
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=False)

    # -- reading --------------------------------------------------------------

    def read(self, focus: Focus = WHOLE) -> Org:
        """The org in force on the focus's day (today by the clock); notices changes made by other processes."""
        if time.monotonic() - self._checked >= self.refresh_seconds:
            self._refresh()
        day = focus.day or self.clock()
        known = self._today
        if known is not None and known[0] == day:  # today's question, the common one: no search, no lock
            return known[1]
        org = self._org_of(self._timeline.in_force(day))
        if focus.day is None:
            self._today = (day, org)
        return org

    def timeline(self) -> Timeline:
        """The versions this store holds, in force order."""
        if time.monotonic() - self._checked >= self.refresh_seconds:
            self._refresh()
        return self._timeline

    def ready(self) -> bool:
        try:
            with self._write_lock:
                self._db.execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def _refresh(self) -> None:
        with self._write_lock:
            self._checked = time.monotonic()
            try:
                current = self._pragma_data_version()
                if current != self._data_version:
                    # A version's records never change once loaded: the orgs built stay right; only which
                    # version is in force on a day may have changed.
                    self._timeline = self._load_timeline()
                    self._today = None
                    self._data_version = current
            except sqlite3.Error:
                pass  # keep answering from the org we have; ready() reports the fault

    def _pragma_data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _load_timeline(self) -> Timeline:
        if self._legacy:
            number = int(self._db.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0])
            return Timeline([Version(number, BEGINNING)] if number else [])
        rows = self._db.execute("SELECT version, effective FROM changes WHERE effective IS NOT NULL").fetchall()
        return Timeline(Version(int(n), date.fromisoformat(str(e))) for n, e in rows)

    def _org_of(self, version: Version | None) -> Org:
        """The org of ``version`` (an empty one for None: before the first version), built once and cached."""
        if version is None:
            return Org()
        with self._write_lock:
            org = self._cache.get(version.number)
            if org is None:
                try:
                    org = self._load(version)
                except sqlite3.Error as err:
                    raise self._fault("read", err) from err
                self._remember(org)
            else:
                self._cache.move_to_end(version.number)
            return org

    def _remember(self, org: Org) -> None:
        self._cache[org.version] = org
        self._cache.move_to_end(org.version)
        while len(self._cache) > CACHED_VERSIONS + 1:  # +1: today's, which is asked most
            self._cache.popitem(last=False)

    def _load(self, version: Version) -> Org:
        # One read transaction, so that the records are of one commit.
        own = not self._db.in_transaction
        if own:
            self._db.execute("BEGIN")
        try:
            effective = None if version.effective == BEGINNING else version.effective
            by_kind = None if self._legacy else self._unpacked(version)
            if by_kind is not None:
                return Org(by_kind=by_kind, version=version.number, effective=effective)
            if self._legacy:
                rows = self._db.execute("SELECT kind, data FROM records").fetchall()
            else:
                rows = self._db.execute(_IN_FORCE, (version.key, version.key)).fetchall()
        finally:
            if own:
                self._db.execute("COMMIT")
        kinds = {kind.value: kind for kind in Kind}
        return Org((loads(kinds[kind], data) for kind, data in rows), version=version.number, effective=effective)

    def _unpacked(self, version: Version) -> dict[Kind, dict[str, Record]] | None:
        """The records of ``version`` from its pack, or None (saying why) when its rows must be read."""
        try:
            row = self._db.execute("SELECT records, digest, data FROM packed WHERE version = ?", (version.number,))
            found = row.fetchone()
        except sqlite3.OperationalError:  # a read-only store made before packs has no table of them
            found = None
        if found is None:
            log.info("version %d of %s has no pack: reading its rows (slower)", version.number, self.path)
            return None
        try:
            by_kind = unpack(Pack(bytes(found[2]), bytes(found[1]), int(found[0])))
        except BadPack as err:
            log.warning(
                "the pack of version %d of %s cannot be trusted (%s): reading its rows instead; the next load "
                "packs its version again",
                version.number,
                self.path,
                err,
            )
            return None
        log.debug("version %d of %s read from its pack", version.number, self.path)
        return by_kind

    # -- writing --------------------------------------------------------------

    def apply_versions(
        self,
        versions: Sequence[tuple[ChangeSet, date]],
        *,
        actor: str = "",
        summary: Summary = "",
        drop_later: bool = False,
    ) -> list[Applied]:
        """Check and apply each change set as a version effective on its day, in order, in one transaction.

        With ``drop_later`` the versions effective after the first one's day are dropped first (graph.store).
        """
        with self._write_lock:
            self._refuse_if_read_only()
            try:
                return self._apply(versions, actor, summary, drop_later)
            except sqlite3.Error as err:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise self._fault("write", err) from err

    def _apply(
        self, versions: Sequence[tuple[ChangeSet, date]], actor: str, summary: Summary, drop_later: bool
    ) -> list[Applied]:
        self._db.execute("BEGIN IMMEDIATE")
        done: list[Applied] = []
        try:
            if drop_later and versions:
                self._drop_after(versions[0][1])
            made: dict[int, Org] = {}  # the orgs of this transaction's versions, not yet cached
            for changes, effective in versions:
                applied = self._apply_version(changes, actor, summary, effective, made)
                made[applied.after.version] = applied.after
                done.append(applied)
            if done and self.path != ":memory:":  # a store in memory is never opened again
                self._pack(done[-1].after)
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        for applied in done:
            self._remember(applied.after)
        self._timeline = self._load_timeline()
        self._today = None
        self._data_version = self._pragma_data_version()
        return done

    def _apply_version(
        self, changes: ChangeSet, actor: str, summary: Summary, effective: date, made: dict[int, Org]
    ) -> Applied:
        """Write one version inside the open transaction (its rows and its line of the log)."""
        number = int(self._db.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0]) + 1
        timeline = self._load_timeline()
        base, following = timeline.in_force(effective), timeline.after(effective)
        if base is None:
            before = Org()
        else:
            before = made.get(base.number) or self._cache.get(base.number) or self._load(base)
        after = require_valid_on(before, changes, effective, following, self.clock())
        # Not yet seen by anyone: stamped, not mutated. A version from the beginning has no day to name.
        after.version, after.effective = number, None if effective == BEGINNING else effective
        text = summary(before, after) if callable(summary) else summary
        self._write_version(changes, before, after, base, following)
        self._db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (str(number),))
        self._db.execute(
            "INSERT INTO changes (version, at, actor, summary, records, effective) VALUES (?, ?, ?, ?, ?, ?)",
            (number, datetime.now(UTC).isoformat(), actor, text, len(changes), effective.isoformat()),
        )
        precedes = following.effective if following is not None else None
        return Applied(number, len(changes), before, after, effective, precedes)

    def _drop_after(self, day: date) -> None:
        """Drop every version effective after ``day``, inside the open transaction: its rows and its line of the log.

        The versions kept are the first in force order, so no row of theirs depends on a dropped one:
        a row a dropped version made goes, and a row it closed runs on. The counter is left as it is,
        so a dropped version's number is never given again (an org built for it may still be cached).
        """
        cut = key_of(day, 10**10 - 1)  # after every version of ``day``
        self._db.execute("DELETE FROM records WHERE since > ?", (cut,))
        self._db.execute("UPDATE records SET until = NULL WHERE until > ?", (cut,))
        self._db.execute("DELETE FROM changes WHERE effective > ?", (day.isoformat(),))
        self._db.execute("DELETE FROM packed WHERE version NOT IN (SELECT version FROM changes)")

    def _pack(self, org: Org) -> None:
        """Write the pack of ``org``, just written, inside the open transaction; keep only it and today's."""
        packed = pack({kind: org.of_kind(kind) for kind in Kind})
        self._db.execute(
            "INSERT OR REPLACE INTO packed (version, records, digest, data) VALUES (?, ?, ?, ?)",
            (org.version, packed.records, packed.digest, packed.data),
        )
        today = self._load_timeline().in_force(self.clock())
        kept = (org.version, today.number if today is not None else org.version)
        self._db.execute("DELETE FROM packed WHERE version NOT IN (?, ?)", kept)

    def _write_version(
        self, changes: ChangeSet, before: Org, after: Org, base: Version | None, following: Version | None
    ) -> None:
        """The rows of the new version ``after``: only the records that differ from ``before``'s."""
        new_key = key_of(after.effective or BEGINNING, after.version)
        next_key = following.key if following is not None else None
        kinds = sorted(k.value for k in changes.kinds)
        if base is not None and kinds:
            marks = ",".join("?" * len(kinds))
            alive = self._db.execute(
                f"SELECT kind, id, since, until, data FROM records WHERE kind IN ({marks}) "
                "AND since <= ? AND (until IS NULL OR until > ?)",
                (*kinds, base.key, base.key),
            ).fetchall()
            kind_of = {kind.value: kind for kind in Kind}
            for kind, id, since, until, data in alive:
                if after.fetched(kind_of[kind], id) == before.fetched(kind_of[kind], id):
                    continue  # unchanged: its row runs on through the new version
                self._db.execute(
                    "UPDATE records SET until = ? WHERE kind = ? AND id = ? AND since = ?", (new_key, kind, id, since)
                )
                if next_key is not None and (until is None or until > next_key):
                    # It was in the version after the new one: that version stays as it was.
                    self._db.execute(
                        "INSERT INTO records (kind, id, since, until, data) VALUES (?, ?, ?, ?, ?)",
                        (kind, id, next_key, until, data),
                    )
        self._db.executemany(
            "INSERT INTO records (kind, id, since, until, data) VALUES (?, ?, ?, ?, ?)",
            (
                (r.kind.value, r.id, new_key, next_key, dumps(r))
                for items in changes.records.values()
                for r in items
                if before.fetched(r.kind, r.id) != r
            ),
        )

    # -- retention ---------------------------------------------------------------

    def drop_versions(self, cutoff: date, why: str) -> list[Version]:
        """Drop the versions whose successor came into force before ``cutoff``, folding them into the oldest kept."""
        with self._write_lock:
            self._refuse_if_read_only()
            try:
                dropped = self._drop_versions(cutoff, why)
            except sqlite3.Error as err:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise self._fault("write", err) from err
            if dropped:
                self._timeline = self._load_timeline()
                self._today = None
                self._data_version = self._pragma_data_version()
                for version in dropped:
                    self._cache.pop(version.number, None)
            return dropped

    def _drop_versions(self, cutoff: date, why: str) -> list[Version]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            timeline = self._load_timeline()
            dropped = timeline.expired(cutoff)
            if dropped:
                kept = timeline.versions[len(dropped)].key
                # A row that ended by the oldest kept version was only in dropped ones; a row still alive there
                # starts there now, so a version loaded before it later does not see it (see _write_version).
                self._db.execute("DELETE FROM records WHERE until IS NOT NULL AND until <= ?", (kept,))
                self._db.execute("UPDATE records SET since = ? WHERE since < ?", (kept, kept))
                self._db.executemany("DELETE FROM packed WHERE version = ?", ((v.number,) for v in dropped))
                on = self.clock()
                self._db.executemany(
                    "UPDATE changes SET effective = NULL, summary = summary || ? WHERE version = ?",
                    ((dropped_note(v, on, why), v.number) for v in dropped),
                )
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        return dropped

    # -- the log and the tokens -------------------------------------------------

    def changes(self, limit: int = 100) -> list[Change]:
        rows = self._query(
            "SELECT version, at, actor, summary, records, effective FROM changes ORDER BY version DESC LIMIT ?",
            max(limit, 0),
        )
        return [
            Change(
                int(str(v)),
                datetime.fromisoformat(str(at)),
                str(actor),
                str(summary),
                int(str(n)),
                date.fromisoformat(str(e)) if e is not None else None,
            )
            for v, at, actor, summary, n, e in rows
        ]

    def tokens(self) -> list[Token]:
        return [_token(row) for row in self._query(f"SELECT {_TOKEN} FROM tokens ORDER BY name, created")]

    def token(self, digest: str) -> Token | None:
        rows = self._query(f"SELECT {_TOKEN} FROM tokens WHERE digest = ?", digest)
        return _token(rows[0]) if rows else None

    def add_token(self, token: Token) -> None:
        try:
            self._write(
                "INSERT INTO tokens (digest, name, scope, created, revoked) VALUES (?, ?, ?, ?, ?)",
                token.digest,
                token.name,
                token.scope.value,
                token.created.isoformat(),
                token.revoked.isoformat() if token.revoked else None,
            )
        except sqlite3.IntegrityError as err:
            raise TokenExists(token.name) from err

    def revoke_token(self, name: str) -> Token:
        rows = self._write(
            f"UPDATE tokens SET revoked = ? WHERE name = ? AND revoked IS NULL RETURNING {_TOKEN}",
            now().isoformat(),
            name,
        )
        if not rows:
            raise unknown_token(name, self.tokens())
        return _token(rows[0])

    def _query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        with self._write_lock:
            try:
                rows: list[tuple[object, ...]] = self._db.execute(sql, params).fetchall()
                return rows
            except sqlite3.Error as err:
                raise self._fault("read", err) from err

    def _write(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Run one writing statement; the rows it returns (``RETURNING``)."""
        with self._write_lock:
            self._refuse_if_read_only()
            try:
                rows: list[tuple[object, ...]] = self._db.execute(sql, params).fetchall()
                return rows
            except sqlite3.IntegrityError:
                raise
            except sqlite3.Error as err:
                raise self._fault("write", err) from err

    def close(self) -> None:
        with self._write_lock:
            if not self.read_only:
                # So that the file alone holds the org, even while another process keeps the log open.
                # At most a short wait: a busy log is checkpointed by whoever closes last.
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("PRAGMA busy_timeout = 200")
                    self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.close()

    # -- faults of the disk -----------------------------------------------------

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise StoreUnavailable(f"the store file {self.path!r} is read-only ({self.read_only}): nothing was changed")

    def _fault(self, doing: str, err: sqlite3.Error | OSError) -> StoreUnavailable:
        """The error to raise for ``err`` met when ``doing`` ("open", "read", "write"), naming a disk fault."""
        name = getattr(err, "sqlite_errorname", "")
        of_the_disk = isinstance(err, OSError) or name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN"))
        path = Path(self.path)
        free = _free_bytes(path.parent) if self.path != ":memory:" else None
        read_only = _read_only(path) if self.path != ":memory:" else None
        tail = ": nothing was changed" if doing == "write" else ""
        full = name == "SQLITE_FULL" or getattr(err, "errno", None) == errno.ENOSPC
        if full or (of_the_disk and not read_only and free is not None and free < _NEARLY_FULL):
            return StoreUnavailable(
                f"the disk holding the store file {self.path!r} is full ({free or 0:,} bytes free){tail}; "
                "free some space and try again"
            )
        if read_only and (of_the_disk or name.startswith("SQLITE_READONLY")):
            if doing == "write":
                return StoreUnavailable(f"the store file {self.path!r} is read-only ({read_only}){tail}")
            return StoreUnavailable(f"cannot {doing} the store file {self.path!r}: {read_only}")
        return StoreUnavailable(f"{_DOING[doing]} the store file {self.path!r}: {err}")


_TOKEN = "name, scope, digest, created, revoked"

#: The records of the version with key ``?``: the rows it is in.
_IN_FORCE = "SELECT kind, data FROM records WHERE since <= ? AND (until IS NULL OR until > ?)"
_DOING = {"open": "cannot open", "read": "cannot read", "write": "could not write"}

#: Below this much free space, an I/O error of SQLite is taken for a full disk (it says "disk I/O
#: error" when it cannot grow its shared index, ``-shm``, on a full disk).
_NEARLY_FULL = 1 << 20


def _require_file(path: Path, *, create: bool) -> bool:
    """Whether ``path`` is missing and may be made; NoSuchStore if it is missing and may not.

    It may be made with ``create``, in a folder that exists.
    """
    if path.exists():
        return False
    if not create:
        raise NoSuchStore(str(path))
    if not path.parent.is_dir():
        # A typo in a folder name would otherwise leave a new folder and an empty store behind it.
        raise NoSuchStore(str(path), f"there is no folder {str(path.parent)!r} to make it in; make the folder first")
    return True


def _make_file(path: Path) -> bool:
    """Make ``path``, empty, for SQLite to fill; whether we made it (not another process, first).

    O_EXCL makes "new" exact: of two processes making the same store, one made it. Where the
    file cannot be made (a read-only folder, a full disk) SQLite's own attempt names the fault.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except OSError:
        return False
    return True


def _remove(path: Path) -> None:
    for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(OSError):
            each.unlink()


#: The first bytes of every SQLite database file.
_SQLITE_HEADER = b"SQLite format 3\x00"

_NOT_SQLITE = "is not an SQLite database, so not a buckstop store"
_ANOTHER = "name your store file instead"

#: The tables, with their columns, that make a SQLite database a buckstop store (of every schema so far).
_OURS = {"meta": {"key", "value"}, "records": {"kind", "id", "data"}}


def _require_store(path: Path) -> None:
    """Raise NotAStore unless the existing file ``path`` is a buckstop store of a schema we know.

    Nothing is written: the file is read as it is (immutable, so SQLite makes no log or index and
    recovers no journal), or, where a write-ahead log is beside it, with its log. A file that cannot
    be read at all is let through, for opening to name the fault (a folder, a disk error, no access).
    """
    log = Path(f"{path}-wal")
    try:
        in_log = log.exists() and log.stat().st_size > 0
        with path.open("rb") as file:
            head = file.read(len(_SQLITE_HEADER))
    except OSError:
        return
    if not head and not in_log:
        _refuse(path, "is empty (0 bytes): not a buckstop store", "restore it from a backup, or remove it")
    if head and head != _SQLITE_HEADER:
        _refuse(path, _NOT_SQLITE, _ANOTHER)
    # With a log beside it the file alone may lack what the log holds (a new store's tables).
    mode = "mode=ro" if log.exists() else "mode=ro&immutable=1"
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)) as db:
            tables = {name: _columns(db, name) for (name,) in db.execute(_TABLES).fetchall()}
            ours = all(columns <= tables.get(table, set()) for table, columns in _OURS.items())
            schema = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() if ours else None
    except sqlite3.DatabaseError as err:
        if getattr(err, "sqlite_errorname", "") == "SQLITE_NOTADB":
            _refuse(path, _NOT_SQLITE, _ANOTHER)
        return  # opening meets it again and names it
    if not ours:
        names = sorted(tables)
        listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        held = f"its tables: {listed}" if names else "it has no tables"
        _refuse(path, f"is an SQLite database but not a buckstop store ({held})", _ANOTHER)
    version = str(schema[0]) if schema else "1"
    if not version.isdigit() or int(version) > SCHEMA_VERSION:
        _refuse(
            path,
            f"is a buckstop store of schema {version!r}, which this buckstop does not know (it reads schema "
            f"{SCHEMA_VERSION} and older)",
            "open it with the newer buckstop that made it",
        )


_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]) for row in db.execute("SELECT * FROM pragma_table_info(?)", (table,)).fetchall()}


def _refuse(path: Path, what: str, fix: str) -> NoReturn:
    raise NotAStore(str(path), what, fix)


def _read_only(path: Path) -> str | None:
    """Why the store file at ``path`` (or the folder it is made in) cannot be written, or None if it can."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "its file system is mounted read-only"
    except OSError:
        return None  # no folder: opening refuses it (_require_file)
    if path.exists() and not os.access(path, os.W_OK):
        return "you may not write to it"
    if not os.access(folder, os.W_OK):
        return "you may not write to its folder"
    return None


def _free_bytes(folder: Path) -> int | None:
    try:
        stat = os.statvfs(folder)
    except OSError:
        return None
    return stat.f_bavail * stat.f_frsize


def _token(row: tuple[object, ...]) -> Token:
    return Token.stored(*row)
