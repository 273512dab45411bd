"""The case book of the memory backend: its own tables in the store's SQLite file.

Vocabulary:

- ``cases`` holds one row per case: its id, *revision* (the number of its events), the
  columns the lists filter on (status, account, respond-by as seconds since the epoch) and
  the case as JSON (:func:`graph.cases.encode_case`); ``case_events`` one row per event.
- The tables are made on first use if missing, beside the org's tables: a store made before
  cases existed gains them, and its org is untouched.
- Each call opens its own short connection (WAL, ``synchronous=FULL``): a write is on disk
  before it returns, threads share nothing, and ``buckstop cases sweep`` run from cron and the
  sweep inside ``buckstop serve`` meet only in SQLite's own locking.
- A change is written in one ``BEGIN IMMEDIATE`` transaction that first checks the revision
  (compare and set): of two writers from the same revision, the second finds it moved.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime

from .cases import Case, CaseChanged, CaseStatus, decode_case, decode_event, encode_case, encode_event
from .errors import StoreUnavailable

__all__ = ["SqliteCaseBook"]

_SCHEMA = """
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT, revision INTEGER NOT NULL, status TEXT NOT NULL,
    account TEXT NOT NULL, respond_by REAL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_due ON cases (status, respond_by);
CREATE TABLE IF NOT EXISTS case_events (
    case_id INTEGER NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS case_corrections ON case_events (case_id, seq, json_extract(data, '$.issueType'))
    WHERE json_extract(data, '$.issueType') IS NOT NULL;
COMMIT;
"""


class SqliteCaseBook:
    """Cases in the SQLite file at ``path`` (the store's own file)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._made = False
        # An in-memory store has no file another connection could share: keep one connection to it.
        self._shared = sqlite3.connect(":memory:", check_same_thread=False) if path == ":memory:" else None
        #: Called in the transaction that writes a case's new events (the case's id, the case, the first new
        #: event's place): the webhooks' outbox (graph/webhooks_sqlite.py), written with them or not at all.
        self.outbox: Callable[[sqlite3.Connection, int, Case, int], None] | None = None

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if self._shared is not None:
            db = self._shared
            db.isolation_level = None
        else:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=10)
            db.execute("PRAGMA synchronous=FULL")
        try:
            if not self._made:
                db.executescript(_SCHEMA)
                self._made = True
            yield db
        except sqlite3.Error as err:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreUnavailable(f"cannot keep cases in the store file {self.path!r}: {err}") from err
        finally:
            if self._shared is None:
                db.close()

    def add(self, case: Case) -> Case:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            cursor = db.execute(
                "INSERT INTO cases (revision, status, account, respond_by, data) VALUES (?, ?, ?, ?, ?)",
                (case.revision, case.status.value, case.account_id, _epoch(case.respond_by), _json(encode_case(case))),
            )
            case_id = int(cursor.lastrowid or 0)
            _append(db, case_id, case, 0)
            if self.outbox is not None:
                self.outbox(db, case_id, case, 0)
            db.execute("COMMIT")
        return self._with_id(case, case_id)

    @staticmethod
    def _with_id(case: Case, case_id: int) -> Case:
        return decode_case(case_id, encode_case(case), case.events)

    def get(self, case_id: int) -> Case | None:
        with self._connect() as db:
            db.execute("BEGIN")
            row = db.execute("SELECT data FROM cases WHERE id = ?", (case_id,)).fetchone()
            events = db.execute("SELECT data FROM case_events WHERE case_id = ? ORDER BY seq", (case_id,)).fetchall()
            db.execute("COMMIT")
        if row is None:
            return None
        return decode_case(case_id, json.loads(row[0]), (decode_event(json.loads(e)) for (e,) in events))

    def update(self, case: Case, *, revision: int) -> Case:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            moved = db.execute(
                "UPDATE cases SET revision = ?, status = ?, respond_by = ?, data = ? WHERE id = ? AND revision = ?",
                (
                    case.revision,
                    case.status.value,
                    _epoch(case.respond_by),
                    _json(encode_case(case)),
                    case.id,
                    revision,
                ),
            ).rowcount
            if moved != 1:
                db.execute("ROLLBACK")
                raise CaseChanged(case.id)
            _append(db, case.id, case, revision)
            if self.outbox is not None:
                self.outbox(db, case.id, case, revision)
            db.execute("COMMIT")
        return case

    def find(
        self,
        *,
        status: CaseStatus | None = None,
        account_id: str | None = None,
        due_by: datetime | None = None,
        first: int = 100,
        offset: int = 0,
    ) -> list[Case]:
        where: list[str] = ["1"]
        params: list[object] = []
        if status is not None:
            where.append("status = ?")
            params.append(status.value)
        if account_id is not None:
            where.append("account = ?")
            params.append(account_id)
        if due_by is not None:
            where.append("status = 'open' AND respond_by IS NOT NULL AND respond_by <= ?")
            params.append(_epoch(due_by))
        with self._connect() as db:
            ids = db.execute(
                f"SELECT id FROM cases WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ? OFFSET ?",
                (*params, first, offset),
            ).fetchall()
        found = (self.get(int(i)) for (i,) in ids)
        return [case for case in found if case is not None]

    def corrections(self) -> list[tuple[str, str]]:
        # The partial index holds only the hand-offs to an issue type: this reads them, not every event.
        with self._connect() as db:
            rows = db.execute(
                "SELECT json_extract(e.data, '$.issueType'), json_extract(c.data, '$.message') "
                "FROM case_events e JOIN cases c ON c.id = e.case_id "
                "WHERE json_extract(e.data, '$.issueType') IS NOT NULL ORDER BY e.case_id, e.seq"
            ).fetchall()
        return [(str(issue_type), str(message)) for issue_type, message in rows]


def _append(db: sqlite3.Connection, case_id: int, case: Case, since: int) -> None:
    db.executemany(
        "INSERT INTO case_events (case_id, seq, data) VALUES (?, ?, ?)",
        ((case_id, seq, _json(encode_event(case.events[seq]))) for seq in range(since, case.revision)),
    )


def _epoch(at: datetime | None) -> float | None:
    return at.timestamp() if at is not None else None


def _json(data: dict[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
