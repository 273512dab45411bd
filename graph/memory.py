"""The memory backend: the org in memory as networkx, made durable by one SQLite file.

Vocabulary:

- The *file* is a SQLite database with one row per record (``kind``, ``id``,
  the record as JSON), a ``version`` counter and a log of changes.
- *Applying* a change set checks it against the current org, writes it in one
  SQLite transaction (replaced kinds deleted and re-inserted, the version
  bumped, the change logged) and only after the commit swaps the new org in.
  A crash before the commit leaves the file at the previous version; readers
  holding the old org finish on it.
- The file also keeps the API tokens (their digests, never the secrets).
- Another process may apply changes to the same file (``buckstop load`` while
  ``buckstop serve`` runs); a reader notices within :attr:`refresh_seconds` and
  reloads the file.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from .access import Change, Scope, Token, now, unknown_token
from .codec import dumps, loads
from .errors import StoreUnavailable, TokenExists
from .model import Kind
from .org import ChangeSet, Org
from .store import WHOLE, Applied, Focus
from .validate import require_valid

__all__ = ["MemoryStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (
    version INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
    summary TEXT NOT NULL, records INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY, name TEXT NOT NULL, scope TEXT NOT NULL, created TEXT NOT NULL, revoked TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS tokens_active_name ON tokens (name) WHERE revoked IS NULL;
INSERT OR IGNORE INTO meta (key, value) VALUES ('version', '0');
"""


class MemoryStore:
    """The embedded default store. Thread-safe; one writer at a time."""

    name = "memory"

    def __init__(self, path: str | Path = ":memory:", *, refresh_seconds: float = 1.0) -> None:
        self.path = str(path)
        self.refresh_seconds = refresh_seconds
        self._write_lock = threading.Lock()
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are ours (BEGIN IMMEDIATE … COMMIT).
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as err:
            raise StoreUnavailable(f"cannot open the store file {self.path!r}: {err}") from err
        # data_version first: a commit landing in between is then reloaded, never missed.
        self._data_version = self._pragma_data_version()
        self._org = self._load()
        self._checked = time.monotonic()

    # -- reading --------------------------------------------------------------

    def read(self, focus: Focus = WHOLE) -> Org:
        """The current org; notices changes made by other processes."""
        if time.monotonic() - self._checked >= self.refresh_seconds:
            self._refresh()
        return self._org

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
                    self._org = self._load()
                    self._data_version = current
            except sqlite3.Error:
                pass  # keep answering from the org we have; ready() reports the fault

    def _pragma_data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _load(self) -> Org:
        # One read transaction, so that the version and the records are of the same commit.
        own = not self._db.in_transaction
        if own:
            self._db.execute("BEGIN")
        try:
            version = int(self._db.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0])
            rows = self._db.execute("SELECT kind, data FROM records").fetchall()
        finally:
            if own:
                self._db.execute("COMMIT")
        kinds = {kind.value: kind for kind in Kind}
        return Org((loads(kinds[kind], data) for kind, data in rows), version=version)

    # -- writing --------------------------------------------------------------

    def apply(self, changes: ChangeSet, *, actor: str = "", summary: str = "") -> Applied:
        """Check ``changes`` against the current org and commit them whole."""
        with self._write_lock:
            try:
                return self._apply(changes, actor, summary)
            except sqlite3.Error as err:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise StoreUnavailable(f"could not write the store file {self.path!r}: {err}") from err

    def _apply(self, changes: ChangeSet, actor: str, summary: str) -> Applied:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = int(self._db.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0])
            before = self._org if version == self._org.version else self._load()
            after = require_valid(before, changes)
            kinds = sorted(changes.kinds)
            self._db.executemany("DELETE FROM records WHERE kind = ?", [(k.value,) for k in kinds])
            self._db.executemany(
                "INSERT INTO records (kind, id, data) VALUES (?, ?, ?)",
                ((r.kind.value, r.id, dumps(r)) for items in changes.records.values() for r in items),
            )
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (str(after.version),))
            self._db.execute(
                "INSERT INTO changes (version, at, actor, summary, records) VALUES (?, ?, ?, ?, ?)",
                (after.version, datetime.now(UTC).isoformat(), actor, summary, len(changes)),
            )
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._org = after
        self._data_version = self._pragma_data_version()
        return Applied(after.version, len(changes), before, after)

    # -- the log and the tokens -------------------------------------------------

    def changes(self, limit: int = 100) -> list[Change]:
        rows = self._query(
            "SELECT version, at, actor, summary, records FROM changes ORDER BY version DESC LIMIT ?", max(limit, 0)
        )
        return [
            Change(int(str(v)), datetime.fromisoformat(str(at)), str(actor), str(summary), int(str(n)))
            for v, at, actor, summary, n in rows
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
                raise StoreUnavailable(f"cannot read the store file {self.path!r}: {err}") from err

    def _write(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Run one writing statement; the rows it returns (``RETURNING``)."""
        with self._write_lock:
            try:
                rows: list[tuple[object, ...]] = self._db.execute(sql, params).fetchall()
                return rows
            except sqlite3.IntegrityError:
                raise
            except sqlite3.Error as err:
                raise StoreUnavailable(f"could not write the store file {self.path!r}: {err}") from err

    def close(self) -> None:
        with self._write_lock:
            self._db.close()


_TOKEN = "name, scope, digest, created, revoked"


def _token(row: tuple[object, ...]) -> Token:
    name, scope, digest, created, revoked = (str(v) if v is not None else None for v in row)
    assert name and scope and digest and created
    return Token(
        name,
        Scope(scope),
        digest,
        datetime.fromisoformat(created),
        datetime.fromisoformat(revoked) if revoked else None,
    )
