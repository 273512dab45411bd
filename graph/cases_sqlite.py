"""The case book of the memory backend: its own tables in the store's SQLite file.

Vocabulary:

- ``cases`` holds one row per case: its id, *revision* (the number of its events), the
  columns the lists filter on (status, account, customer, respond-by and the time of its newest
  event as seconds since the epoch) and the case as JSON (:func:`graph.cases.encode_case`);
  ``case_events`` one row per event; ``case_handlers`` one row per handler it is with now, so
  that "whose cases" is an index lookup; ``case_log`` the log of what was done to personal data.
- The tables are made on first use if missing, beside the org's tables: a store made before
  cases existed gains them, and its org is untouched; a ``cases`` table made before the
  customer and handler filters gains their columns and rows, filled from the kept JSON, and one
  made before ``climbs`` (1 while the case is below the top of its chain: what the sweep reads)
  gains it the same way.
- Each call opens its own short connection (WAL, ``synchronous=FULL``): a write is on disk
  before it returns, threads share nothing, and ``buckstop cases sweep`` run from cron and the
  sweep inside ``buckstop serve`` meet only in SQLite's own locking.
- A change is written in one ``BEGIN IMMEDIATE`` transaction that first checks the revision
  (compare and set): of two writers from the same revision, the second finds it moved. The
  sweep's changes go many to a transaction (:meth:`SqliteCaseBook.update_many`), each compared
  alone: one durable commit for the lot, not one each.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from .cases import Case, CaseBook, CaseStatus, Wipe, decode_case, decode_event, encode_case, encode_event
from .errors import StoreUnavailable
from .store import Change

__all__ = ["SqliteCaseBook", "insert"]

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
CREATE TABLE IF NOT EXISTS case_handlers (
    person TEXT NOT NULL, case_id INTEGER NOT NULL, PRIMARY KEY (person, case_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS case_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, summary TEXT NOT NULL,
    count INTEGER NOT NULL, version INTEGER NOT NULL
);
COMMIT;
"""

# The columns of the filters added after cases were first kept; filled from each case's JSON (see _migrate).
_ADDED = """
BEGIN IMMEDIATE;
ALTER TABLE cases ADD COLUMN customer TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN last_at REAL;
COMMIT;
"""

_INDEXES = """
CREATE INDEX IF NOT EXISTS cases_customer ON cases (customer);
CREATE INDEX IF NOT EXISTS cases_climbing ON cases (status, climbs, respond_by);
CREATE INDEX IF NOT EXISTS cases_kept ON cases (status, last_at);
CREATE INDEX IF NOT EXISTS case_handlers_case ON case_handlers (case_id);
"""


class SqliteCaseBook(CaseBook):
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
                if "customer" not in {row[1] for row in db.execute("PRAGMA table_info(cases)")}:
                    db.executescript(_ADDED)
                    _migrate(db)
                _add_climbs(db)
                db.executescript(_INDEXES)
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
            case_id = insert(db, case)
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

    def update_many(self, changes: Sequence[tuple[Case, int]]) -> list[Case]:
        if not changes:
            return []
        landed: list[Case] = []
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            for case, revision in changes:
                if self._write(db, case, revision):
                    landed.append(case)
            db.execute("COMMIT")
        return landed

    def _write(self, db: sqlite3.Connection, case: Case, revision: int) -> bool:
        """Write ``case`` in ``db``'s open transaction if it is still at ``revision``; whether it was."""
        moved = db.execute(
            "UPDATE cases SET revision = ?, status = ?, respond_by = ?, last_at = ?, climbs = ?, data = ? "
            "WHERE id = ? AND revision = ?",
            (
                case.revision,
                case.status.value,
                _epoch(case.respond_by),
                _epoch(case.last_at),
                int(case.climbs),
                _json(encode_case(case)),
                case.id,
                revision,
            ),
        ).rowcount
        if moved != 1:
            return False
        _append(db, case.id, case, revision)
        if self.outbox is not None:
            self.outbox(db, case.id, case, revision)
        _handlers(db, case.id, case)
        return True

    def find(
        self,
        *,
        status: CaseStatus | None = None,
        account_id: str | None = None,
        due_by: datetime | None = None,
        handler_id: str | None = None,
        customer: str | None = None,
        climbing: bool = False,
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
        if handler_id is not None:
            where.append("id IN (SELECT case_id FROM case_handlers WHERE person = ?)")
            params.append(handler_id)
        if customer is not None:
            where.append("customer = ?")
            params.append(customer)
        if climbing:
            where.append("climbs = 1")
        # Two statements for the whole page, not one per case: the sweep reads thousands at once.
        with self._connect() as db:
            db.execute("BEGIN")
            rows = db.execute(
                f"SELECT id, data FROM cases WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ? OFFSET ?",
                (*params, first, offset),
            ).fetchall()
            events: dict[int, list[str]] = {int(i): [] for i, _ in rows}
            for case_id, data in db.execute(
                "SELECT case_id, data FROM case_events WHERE case_id IN (SELECT value FROM json_each(?)) "
                "ORDER BY case_id, seq",
                (json.dumps(list(events)),),
            ):
                events[int(case_id)].append(data)
            db.execute("COMMIT")
        return [
            decode_case(int(i), json.loads(data), (decode_event(json.loads(e)) for e in events[int(i)]))
            for i, data in rows
        ]

    def corrections(self) -> list[tuple[str, str]]:
        # The partial index holds only the hand-offs to an issue type: this reads them, not every event.
        with self._connect() as db:
            rows = db.execute(
                "SELECT json_extract(e.data, '$.issueType'), json_extract(c.data, '$.message') "
                "FROM case_events e JOIN cases c ON c.id = e.case_id "
                "WHERE json_extract(e.data, '$.issueType') IS NOT NULL ORDER BY e.case_id, e.seq"
            ).fetchall()
        return [(str(issue_type), str(message)) for issue_type, message in rows]

    def wipe(self, wipe: Wipe, *, summary: Callable[[int], Change | None]) -> int:
        where, params = _wiped(wipe)
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            ids = f"SELECT id FROM cases WHERE {where}"
            db.execute(f"DELETE FROM case_events WHERE case_id IN ({ids})", params)
            db.execute(f"DELETE FROM case_handlers WHERE case_id IN ({ids})", params)
            count = db.execute(f"DELETE FROM cases WHERE {where}", params).rowcount
            entry = summary(count)
            if entry is not None:
                _log(db, entry)
            db.execute("COMMIT")
        return count

    def log(self, entry: Change) -> None:
        with self._connect() as db:
            _log(db, entry)

    def logged(self, limit: int = 100) -> list[Change]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT at, actor, summary, count, version FROM case_log ORDER BY id DESC LIMIT ?", (max(limit, 0),)
            ).fetchall()
        return [
            Change(int(version), datetime.fromisoformat(at), actor, summary, int(count), kind="cases")
            for at, actor, summary, count, version in rows
        ]


def _wiped(wipe: Wipe) -> tuple[str, tuple[object, ...]]:
    """The condition and parameters selecting the cases ``wipe`` erases."""
    if wipe.customer is not None:
        return "customer = ?", (wipe.customer,)
    if wipe.resolved_before is not None:
        return "status = 'resolved' AND last_at < ?", (_epoch(wipe.resolved_before),)
    raise ValueError("a wipe names a customer or a time")


def _log(db: sqlite3.Connection, entry: Change) -> None:
    db.execute(
        "INSERT INTO case_log (at, actor, summary, count, version) VALUES (?, ?, ?, ?, ?)",
        (entry.at.isoformat(), entry.actor, entry.summary, entry.records, entry.version),
    )


def _handlers(db: sqlite3.Connection, case_id: int, case: Case) -> None:
    """The case's rows of ``case_handlers``: whom it is with now."""
    db.execute("DELETE FROM case_handlers WHERE case_id = ?", (case_id,))
    db.executemany(
        "INSERT OR IGNORE INTO case_handlers (person, case_id) VALUES (?, ?)",
        ((person, case_id) for person in case.handler_ids),
    )


def _migrate(db: sqlite3.Connection) -> None:
    """Fill the columns and rows of the filters of cases kept before them, from each case's JSON."""
    db.execute("BEGIN IMMEDIATE")
    for case_id, data in db.execute("SELECT id, data FROM cases").fetchall():
        events = [json.loads(e) for (e,) in db.execute("SELECT data FROM case_events WHERE case_id = ?", (case_id,))]
        case = decode_case(int(case_id), json.loads(data), (decode_event(e) for e in events))
        db.execute(
            "UPDATE cases SET customer = ?, last_at = ? WHERE id = ?", (case.customer, _epoch(case.last_at), case_id)
        )
        _handlers(db, case.id, case)
    db.execute("COMMIT")


def _add_climbs(db: sqlite3.Connection) -> None:
    """Give a ``cases`` table made before ``climbs`` the column, filled from each case's JSON.

    Checked again inside the write transaction: two processes opening the file at once add it once."""
    if "climbs" in {row[1] for row in db.execute("PRAGMA table_info(cases)")}:
        return
    db.execute("BEGIN IMMEDIATE")
    if "climbs" not in {row[1] for row in db.execute("PRAGMA table_info(cases)")}:
        db.execute("ALTER TABLE cases ADD COLUMN climbs INTEGER NOT NULL DEFAULT 1")
        db.execute("UPDATE cases SET climbs = (json_extract(data, '$.level') < json_array_length(data, '$.chain') - 1)")
    db.execute("COMMIT")


def insert(db: sqlite3.Connection, case: Case) -> int:
    """Write a new case, its events and its handlers' rows in ``db``'s open transaction; its id."""
    cursor = db.execute(
        "INSERT INTO cases (revision, status, account, customer, respond_by, last_at, climbs, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case.revision,
            case.status.value,
            case.account_id,
            case.customer,
            _epoch(case.respond_by),
            _epoch(case.last_at),
            int(case.climbs),
            _json(encode_case(case)),
        ),
    )
    case_id = int(cursor.lastrowid or 0)
    _append(db, case_id, case, 0)
    _handlers(db, case_id, case)
    return case_id


def _append(db: sqlite3.Connection, case_id: int, case: Case, since: int) -> None:
    db.executemany(
        "INSERT INTO case_events (case_id, seq, data) VALUES (?, ?, ?)",
        ((case_id, seq, _json(encode_event(case.events[seq]))) for seq in range(since, case.revision)),
    )


def _epoch(at: datetime | None) -> float | None:
    return at.timestamp() if at is not None else None


def _json(data: dict[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
