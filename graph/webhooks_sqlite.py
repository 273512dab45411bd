"""The webhooks of the memory backend: hooks and the outbox in the store's SQLite file, beside the cases.

Vocabulary (the records are in :mod:`graph.webhooks`):

- ``webhooks`` holds one row per hook (its patterns as JSON); a removed hook keeps its row, with
  ``removed`` set, so that its deliveries still name it. ``webhook_deliveries`` is the outbox: one
  row per event and hook, keyed by the message id.
- The book works through the case book's connections (:class:`graph.cases_sqlite.SqliteCaseBook`),
  and the case book calls :meth:`SqliteWebhookBook.enqueue` inside the transaction that writes a
  case's events: the event and its deliveries commit together, or neither does.
- A claim is one ``BEGIN IMMEDIATE`` transaction: SQLite lets one writer in at a time, so the due
  deliveries it reads are still due when it raises their attempt counts (the compare and set on
  the count is then a formality here, and the contract's).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from .cases import Case
from .cases_sqlite import SqliteCaseBook
from .webhooks import Claim, Delivery, DeliveryState, Hook, UnknownWebhook, outbox_rows

__all__ = ["SqliteWebhookBook"]

# Statement by statement, not a script: they run inside the case book's transaction (a script commits it).
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS webhooks (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, "
    "events TEXT NOT NULL, secret TEXT NOT NULL, created REAL NOT NULL, actor TEXT NOT NULL, removed REAL)",
    "CREATE TABLE IF NOT EXISTS webhook_deliveries (id TEXT PRIMARY KEY, hook INTEGER NOT NULL, "
    "case_id INTEGER NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, enqueued REAL NOT NULL, "
    "state TEXT NOT NULL, attempt INTEGER NOT NULL, next_try REAL, last_try REAL, status INTEGER, "
    "error TEXT NOT NULL DEFAULT '', snapshot TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (state, next_try)",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_order ON webhook_deliveries (hook, case_id, seq)",
)

_DELIVERY = "id, hook, case_id, seq, type, enqueued, state, attempt, next_try, last_try, status, error, snapshot"

# Due: pending, its time come, and no earlier event of its case still pending for its hook.
_DUE = (
    "SELECT d.id, d.attempt FROM webhook_deliveries d WHERE d.state = 'pending' AND d.next_try <= ? "
    "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.hook = d.hook AND e.case_id = d.case_id "
    "AND e.seq < d.seq AND e.state = 'pending') ORDER BY d.enqueued, d.case_id, d.seq LIMIT ?"
)


class SqliteWebhookBook:
    """Hooks and the outbox in the file of ``cases``; it writes the outbox with the cases' events."""

    def __init__(self, cases: SqliteCaseBook) -> None:
        self._cases = cases
        self._made = False
        cases.outbox = self.enqueue

    def _make(self, db: sqlite3.Connection) -> None:
        if not self._made:
            for statement in _SCHEMA:
                db.execute(statement)
            self._made = True

    def enqueue(self, db: sqlite3.Connection, case_id: int, case: Case, since: int) -> None:
        """Write the deliveries of ``case``'s events from ``since`` on, in the caller's transaction."""
        self._make(db)
        hooks = db.execute("SELECT id, events FROM webhooks WHERE removed IS NULL").fetchall()
        if not hooks:
            return
        rows = outbox_rows(((int(i), json.loads(e)) for i, e in hooks), case_id, case, since)
        db.executemany(
            f"INSERT INTO webhook_deliveries ({_DELIVERY}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_row(d) for d in rows),
        )

    def add(self, hook: Hook) -> Hook:
        with self._cases._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            self._make(db)
            cursor = db.execute(
                "INSERT INTO webhooks (url, events, secret, created, actor) VALUES (?, ?, ?, ?, ?)",
                (hook.url, json.dumps(list(hook.events)), hook.secret, hook.created.timestamp(), hook.actor),
            )
            db.execute("COMMIT")
        return Hook(int(cursor.lastrowid or 0), hook.url, hook.events, hook.secret, hook.created, hook.actor)

    def hooks(self) -> list[Hook]:
        with self._cases._connect() as db:
            self._make(db)
            rows = db.execute(
                "SELECT id, url, events, secret, created, actor FROM webhooks WHERE removed IS NULL ORDER BY id"
            ).fetchall()
        return [_hook(row) for row in rows]

    def remove(self, hook_id: int) -> Hook:
        with self._cases._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            self._make(db)
            row = db.execute(
                "UPDATE webhooks SET removed = ? WHERE id = ? AND removed IS NULL "
                "RETURNING id, url, events, secret, created, actor",
                (datetime.now(UTC).timestamp(), hook_id),
            ).fetchone()
            if row is None:
                db.execute("ROLLBACK")
                raise UnknownWebhook(hook_id)
            db.execute(
                "UPDATE webhook_deliveries SET state = 'failed', next_try = NULL, error = 'the webhook was removed' "
                "WHERE hook = ? AND state = 'pending'",
                (hook_id,),
            )
            db.execute("COMMIT")
        return _hook(row)

    def deliveries(self, hook_id: int | None = None, *, first: int = 100) -> list[Delivery]:
        with self._cases._connect() as db:
            self._make(db)
            rows = db.execute(
                f"SELECT {_DELIVERY} FROM webhook_deliveries WHERE (? IS NULL OR hook = ?) "
                "ORDER BY enqueued DESC, case_id DESC, seq DESC, hook DESC LIMIT ?",
                (hook_id, hook_id, first),
            ).fetchall()
        return [_delivery(row) for row in rows]

    def claim(self, now: datetime, lease_until: datetime, *, limit: int = 100) -> list[Claim]:
        with self._cases._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            self._make(db)
            due = db.execute(_DUE, (now.timestamp(), limit)).fetchall()
            claimed: list[Claim] = []
            for delivery_id, attempt in due:
                row = db.execute(
                    f"UPDATE webhook_deliveries SET attempt = attempt + 1, next_try = ? WHERE id = ? AND attempt = ? "
                    f"RETURNING {_DELIVERY}",
                    (lease_until.timestamp(), delivery_id, attempt),
                ).fetchone()
                if row is not None:
                    hook = db.execute("SELECT url, secret FROM webhooks WHERE id = ?", (row[1],)).fetchone()
                    claimed.append(Claim(_delivery(row), hook[0], hook[1]))
            db.execute("COMMIT")
        return claimed

    def record(self, outcomes: Iterable[Delivery]) -> int:
        written = 0
        with self._cases._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            self._make(db)
            for d in outcomes:
                written += db.execute(
                    "UPDATE webhook_deliveries SET state = ?, next_try = ?, last_try = ?, status = ?, error = ? "
                    "WHERE id = ? AND attempt = ? AND state = 'pending'",
                    (d.state.value, _epoch(d.next_try), _epoch(d.last_try), d.status, d.error, d.id, d.attempt),
                ).rowcount
            db.execute("COMMIT")
        return written


def _epoch(at: datetime | None) -> float | None:
    return at.timestamp() if at is not None else None


def _at(epoch: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch is not None else None


def _row(d: Delivery) -> tuple[object, ...]:
    return (
        d.id,
        d.hook_id,
        d.case_id,
        d.seq,
        d.type,
        d.enqueued.timestamp(),
        d.state.value,
        d.attempt,
        _epoch(d.next_try),
        _epoch(d.last_try),
        d.status,
        d.error,
        d.snapshot,
    )


def _delivery(row: Any) -> Delivery:
    id_, hook, case_id, seq, type_, enqueued, state, attempt, next_try, last_try, status, error, snapshot = row
    return Delivery(
        str(id_),
        int(hook),
        int(case_id),
        int(seq),
        str(type_),
        datetime.fromtimestamp(float(enqueued), UTC),
        DeliveryState(state),
        int(attempt),
        _at(next_try),
        _at(last_try),
        int(status) if status is not None else None,
        str(error),
        str(snapshot),
    )


def _hook(row: Any) -> Hook:
    id_, url, events, secret, created, actor = row
    return Hook(
        int(id_),
        str(url),
        tuple(json.loads(str(events))),
        str(secret),
        datetime.fromtimestamp(float(created), UTC),
        str(actor),
    )
