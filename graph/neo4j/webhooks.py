"""The webhooks of the Neo4j backend: ``Webhook`` and ``WebhookDelivery`` nodes beside the cases.

Vocabulary (the records are in :mod:`graph.webhooks`):

- A ``Webhook`` node is a hook (its patterns a list of texts); a removed one keeps its node with
  ``removed`` set. Hook numbers come from the ``Meta`` node ``webhooks``, as case numbers do.
- A ``WebhookDelivery`` node is one delivery of the outbox, keyed by its message id. The case book
  (:class:`graph.neo4j.cases.Neo4jCaseBook`) calls :meth:`Neo4jWebhookBook.enqueue` inside the
  transaction that writes a case's events: they commit together or not at all.
- A claim first reads the due deliveries, then, in one write transaction, *locks* each (a write,
  undone at once: the lock is held to the end of the transaction; Neo4j reads are read-committed,
  so a count read before the lock could be stale) and raises its
  attempt count only if it is still the count read (compare and set). Of two replicas claiming
  at once, each delivery goes to one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction, Query, RoutingControl

from buckstop.graph.cases import Case
from buckstop.graph.webhooks import Claim, Delivery, DeliveryState, Hook, UnknownWebhook, outbox_rows

__all__ = ["Neo4jWebhookBook"]

_SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT buckstop_webhook_id IF NOT EXISTS FOR (h:Webhook) REQUIRE h.id IS UNIQUE",
    "CREATE CONSTRAINT buckstop_delivery_id IF NOT EXISTS FOR (d:WebhookDelivery) REQUIRE d.id IS UNIQUE",
    "CREATE INDEX buckstop_delivery_due IF NOT EXISTS FOR (d:WebhookDelivery) ON (d.state, d.next_try)",
    "CREATE INDEX buckstop_delivery_order IF NOT EXISTS FOR (d:WebhookDelivery) ON (d.hook, d.case_id)",
)

_FIELDS: LiteralString = (
    "id: d.id, hook: d.hook, case_id: d.case_id, seq: d.seq, type: d.type, enqueued: d.enqueued, state: d.state, "
    "attempt: d.attempt, next_try: d.next_try, last_try: d.last_try, status: d.status, error: d.error, "
    "snapshot: d.snapshot"
)

_HOOK: LiteralString = "h {.id, .url, .events, .secret, .created, .actor}"

_DUE: LiteralString = (
    "MATCH (d:WebhookDelivery) WHERE d.state = 'pending' AND d.next_try <= $now "
    "AND NOT EXISTS { MATCH (e:WebhookDelivery) WHERE e.hook = d.hook AND e.case_id = d.case_id "
    "AND e.seq < d.seq AND e.state = 'pending' } "
    "RETURN d.id AS id, d.attempt AS attempt ORDER BY d.enqueued, d.case_id, d.seq LIMIT $limit"
)

# The write to `locked` takes each delivery's write lock before its count is compared (see the docstring).
_CLAIM: LiteralString = (
    "UNWIND $due AS due MATCH (d:WebhookDelivery {id: due.id}) SET d.locked = true REMOVE d.locked "
    "WITH d, due WHERE d.attempt = due.attempt AND d.state = 'pending' "
    "SET d.attempt = d.attempt + 1, d.next_try = $lease "
    "WITH d MATCH (h:Webhook {id: d.hook}) "
    "RETURN {" + _FIELDS + "} AS d, h.url AS url, h.secret AS secret"
)

_RECORD: LiteralString = (
    "UNWIND $outcomes AS o MATCH (d:WebhookDelivery {id: o.id}) SET d.locked = true REMOVE d.locked "
    "WITH d, o WHERE d.attempt = o.attempt AND d.state = 'pending' "
    "SET d.state = o.state, d.next_try = o.next_try, d.last_try = o.last_try, d.status = o.status, "
    "d.error = o.error RETURN count(d) AS written"
)


class Neo4jWebhookBook:
    """Hooks and the outbox in the Neo4j database of a :class:`~graph.neo4j.store.Neo4jStore`."""

    def __init__(self, driver: Driver, database: str | None, reachable: Callable[[], AbstractContextManager[None]]):
        self._driver = driver
        self._database = database
        self._reachable = reachable  # the store's: Neo4j gone away is StoreUnavailable
        for statement in _SCHEMA:
            self._run(statement, RoutingControl.WRITE)

    def _run(self, text: LiteralString, routing: RoutingControl = RoutingControl.READ, **params: Any) -> Any:
        with self._reachable():
            return self._driver.execute_query(Query(text), params, routing_=routing, database_=self._database).records

    def clear(self) -> None:
        """Remove every hook and delivery and restart the numbers (for tests)."""
        self._run("MATCH (n:Webhook|WebhookDelivery) DETACH DELETE n", RoutingControl.WRITE)
        self._run("MATCH (m:Meta {id: 'webhooks'}) DELETE m", RoutingControl.WRITE)

    def enqueue(self, tx: ManagedTransaction, case_id: int, case: Case, since: int) -> None:
        """Write the deliveries of ``case``'s events from ``since`` on, in the caller's transaction."""
        found = tx.run("MATCH (h:Webhook) WHERE h.removed IS NULL RETURN h.id AS id, h.events AS events")
        hooks = [(int(r["id"]), r["events"]) for r in found]
        if not hooks:
            return
        rows = [_properties(d) for d in outbox_rows(hooks, case_id, case, since)]
        if rows:
            tx.run("UNWIND $rows AS row CREATE (d:WebhookDelivery) SET d = row", rows=rows).consume()

    def add(self, hook: Hook) -> Hook:
        rows = self._run(
            "MERGE (m:Meta {id: 'webhooks'}) ON CREATE SET m.next = 0 SET m.next = m.next + 1 "
            "CREATE (h:Webhook {id: m.next, url: $url, events: $events, secret: $secret, created: $created, "
            "actor: $actor}) RETURN h.id AS id",
            RoutingControl.WRITE,
            url=hook.url,
            events=list(hook.events),
            secret=hook.secret,
            created=hook.created.timestamp(),
            actor=hook.actor,
        )
        return Hook(int(rows[0]["id"]), hook.url, hook.events, hook.secret, hook.created, hook.actor)

    def hooks(self) -> list[Hook]:
        rows = self._run(f"MATCH (h:Webhook) WHERE h.removed IS NULL RETURN {_HOOK} AS h ORDER BY h.id")
        return [_hook(row["h"]) for row in rows]

    def remove(self, hook_id: int) -> Hook:
        def work(tx: ManagedTransaction) -> Any:
            found = tx.run(
                f"MATCH (h:Webhook {{id: $id}}) WHERE h.removed IS NULL SET h.removed = $now RETURN {_HOOK} AS h",
                id=hook_id,
                now=datetime.now(UTC).timestamp(),
            ).single()
            if found is None:
                return None
            tx.run(
                "MATCH (d:WebhookDelivery {hook: $id, state: 'pending'}) "
                "SET d.state = 'failed', d.next_try = null, d.error = 'the webhook was removed'",
                id=hook_id,
            ).consume()
            return found["h"]

        with self._reachable(), self._driver.session(database=self._database) as session:
            removed = session.execute_write(work)
        if removed is None:
            raise UnknownWebhook(hook_id)
        return _hook(removed)

    def deliveries(self, hook_id: int | None = None, *, first: int = 100) -> list[Delivery]:
        rows = self._run(
            "MATCH (d:WebhookDelivery) WHERE $hook IS NULL OR d.hook = $hook "
            f"RETURN {{{_FIELDS}}} AS d ORDER BY d.enqueued DESC, d.case_id DESC, d.seq DESC, d.hook DESC "
            "LIMIT $first",
            hook=hook_id,
            first=first,
        )
        return [_delivery(row["d"]) for row in rows]

    def claim(self, now: datetime, lease_until: datetime, *, limit: int = 100) -> list[Claim]:
        due = self._run(_DUE, now=now.timestamp(), limit=limit)
        if not due:
            return []

        def work(tx: ManagedTransaction) -> list[Any]:
            return list(
                tx.run(
                    _CLAIM, due=[{"id": r["id"], "attempt": r["attempt"]} for r in due], lease=lease_until.timestamp()
                )
            )

        with self._reachable(), self._driver.session(database=self._database) as session:
            rows = session.execute_write(work)
        return [Claim(_delivery(row["d"]), row["url"], row["secret"]) for row in rows]

    def record(self, outcomes: Iterable[Delivery]) -> int:
        batch = [
            {
                "id": d.id,
                "attempt": d.attempt,
                "state": d.state.value,
                "next_try": _epoch(d.next_try),
                "last_try": _epoch(d.last_try),
                "status": d.status,
                "error": d.error,
            }
            for d in outcomes
        ]
        if not batch:
            return 0
        rows = self._run(_RECORD, RoutingControl.WRITE, outcomes=batch)
        return int(rows[0]["written"]) if rows else 0


def _epoch(at: datetime | None) -> float | None:
    return at.timestamp() if at is not None else None


def _at(epoch: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch is not None else None


def _properties(d: Delivery) -> dict[str, object]:
    return {
        "id": d.id,
        "hook": d.hook_id,
        "case_id": d.case_id,
        "seq": d.seq,
        "type": d.type,
        "enqueued": d.enqueued.timestamp(),
        "state": d.state.value,
        "attempt": d.attempt,
        "next_try": _epoch(d.next_try),
        "error": d.error,
        "snapshot": d.snapshot,
    }


def _delivery(d: Any) -> Delivery:
    return Delivery(
        d["id"],
        int(d["hook"]),
        int(d["case_id"]),
        int(d["seq"]),
        d["type"],
        datetime.fromtimestamp(d["enqueued"], UTC),
        DeliveryState(d["state"]),
        int(d["attempt"]),
        _at(d["next_try"]),
        _at(d["last_try"]),
        int(d["status"]) if d["status"] is not None else None,
        d["error"] or "",
        d["snapshot"],
    )


def _hook(h: Any) -> Hook:
    created = datetime.fromtimestamp(h["created"], UTC)
    return Hook(int(h["id"]), h["url"], tuple(h["events"]), h["secret"], created, h["actor"])
