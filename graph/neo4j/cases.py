"""The case book of the Neo4j backend: ``Case`` nodes beside the org, through the store's driver.

Vocabulary:

- A ``Case`` node holds a case: its ``id``, ``revision`` (the number of its events), the
  properties the lists filter on (``status``, ``account``, ``customer``, ``respond_by`` and
  ``last_at``, the time of its newest event, as seconds since the epoch; ``handlers``, whom it is
  with now, as one text ``|p-a|p-b|`` under a text index, so "whose cases" is ``CONTAINS
  '|p-a|'`` answered by the index; ``climbs``, true while it is below the top of its chain: what
  the sweep reads), the case as JSON (``data``, :func:`graph.cases.encode_case`)
  and its events as a list of JSON texts, oldest first. It is not an ``OrgNode``: a load replaces
  the org and leaves it. ``CaseLog`` nodes are the log of what was done to personal data.
- Case numbers come from the ``Meta`` node ``cases`` (``next``), raised in the transaction that
  creates the case: its write lock makes every number unique across replicas.
- A change is one write transaction that first *locks* the case (a write to it: Neo4j reads are
  read-committed, and a revision read before the lock could be stale) and then compares its
  revision (compare and set): of two writers from the same revision, the second finds it moved.
  The sweep's changes go many to a transaction, in one ``UNWIND`` (:meth:`Neo4jCaseBook.update_many`),
  each case locked and compared alone, in the order of their ids (two sweeps lock alike, and so
  cannot deadlock each other).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction, Query, RoutingControl

from buckstop.graph.cases import (
    Case,
    CaseBook,
    CaseStatus,
    Wipe,
    decode_case,
    decode_event,
    encode_case,
    encode_event,
)
from buckstop.graph.store import Change

__all__ = ["Neo4jCaseBook"]

_SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT buckstop_case_id IF NOT EXISTS FOR (c:Case) REQUIRE c.id IS UNIQUE",
    "CREATE INDEX buckstop_case_due IF NOT EXISTS FOR (c:Case) ON (c.status, c.respond_by)",
    "CREATE INDEX buckstop_case_customer IF NOT EXISTS FOR (c:Case) ON (c.customer)",
    "CREATE INDEX buckstop_case_kept IF NOT EXISTS FOR (c:Case) ON (c.status, c.last_at)",
    "CREATE INDEX buckstop_case_climbing IF NOT EXISTS FOR (c:Case) ON (c.status, c.climbs, c.respond_by)",
    "CREATE TEXT INDEX buckstop_case_handlers IF NOT EXISTS FOR (c:Case) ON (c.handlers)",
    "CREATE INDEX buckstop_case_log IF NOT EXISTS FOR (l:CaseLog) ON (l.seq)",
)

_ADD: LiteralString = (
    "MERGE (m:Meta {id: 'cases'}) ON CREATE SET m.next = 0 "
    "SET m.next = m.next + 1 "
    "CREATE (c:Case {id: m.next, revision: $revision, status: $status, account: $account, customer: $customer, "
    "respond_by: $respond_by, last_at: $last_at, handlers: $handlers, climbs: $climbs, data: $data, "
    "events: $events}) "
    "RETURN c.id AS id"
)

# The write to `locked` takes the case's write lock before its revision is compared (see the docstring);
# it is removed at once, the lock held to the end of the transaction.
_UPDATE: LiteralString = (
    "UNWIND $changes AS change MATCH (c:Case {id: change.id}) SET c.locked = true REMOVE c.locked "
    "WITH c, change WHERE c.revision = change.revision "
    "SET c.revision = change.new_revision, c.status = change.status, c.respond_by = change.respond_by, "
    "c.last_at = change.last_at, c.handlers = change.handlers, c.climbs = change.climbs, c.data = change.data, "
    "c.events = c.events + change.events "
    "RETURN c.id AS id"
)


class Neo4jCaseBook(CaseBook):
    """Cases in the Neo4j database of a :class:`~graph.neo4j.store.Neo4jStore`."""

    def __init__(self, driver: Driver, database: str | None, reachable: Callable[[], AbstractContextManager[None]]):
        self._driver = driver
        self._database = database
        self._reachable = reachable  # the store's: Neo4j gone away is StoreUnavailable
        #: Called in the transaction that writes a case's new events (the case's id, the case, the first new
        #: event's place): the webhooks' outbox (graph/neo4j/webhooks.py), written with them or not at all.
        self.outbox: Callable[[ManagedTransaction, int, Case, int], None] | None = None
        for statement in _SCHEMA:
            self._run(statement, RoutingControl.WRITE)
        self._migrate()

    def _migrate(self) -> None:
        """Give the cases kept before the customer and handler filters, or before ``climbs``, their
        properties, from their JSON."""
        rows = self._run(
            "MATCH (c:Case) WHERE c.handlers IS NULL RETURN c.id AS id, c.data AS data, c.events AS events"
        )
        for row in rows:
            case = _case(int(row["id"]), row)
            self._run(
                "MATCH (c:Case {id: $id}) SET c.customer = $customer, c.last_at = $last_at, c.handlers = $handlers",
                RoutingControl.WRITE,
                id=case.id,
                customer=case.customer,
                last_at=_epoch(case.last_at),
                handlers=_handlers(case.handler_ids),
            )
        rows = self._run("MATCH (c:Case) WHERE c.climbs IS NULL RETURN c.id AS id, c.data AS data")
        if rows:
            climbs = [{"id": int(r["id"]), "climbs": _climbs(json.loads(r["data"]))} for r in rows]
            self._run(
                "UNWIND $rows AS row MATCH (c:Case {id: row.id}) SET c.climbs = row.climbs",
                RoutingControl.WRITE,
                rows=climbs,
            )

    def _run(self, text: LiteralString, routing: RoutingControl = RoutingControl.READ, **params: Any) -> Any:
        with self._reachable():
            return self._driver.execute_query(Query(text), params, routing_=routing, database_=self._database).records

    def clear(self) -> None:
        """Remove every case and restart the numbers (for tests)."""
        self._run("MATCH (c:Case) DETACH DELETE c", RoutingControl.WRITE)
        self._run("MATCH (l:CaseLog) DELETE l", RoutingControl.WRITE)
        self._run("MATCH (m:Meta {id: 'caselog'}) DELETE m", RoutingControl.WRITE)
        self._run("MATCH (m:Meta {id: 'cases'}) DELETE m", RoutingControl.WRITE)

    def add(self, case: Case) -> Case:
        def work(tx: ManagedTransaction) -> int:
            case_id = int(
                tx.run(
                    _ADD,
                    revision=case.revision,
                    status=case.status.value,
                    account=case.account_id,
                    customer=case.customer,
                    respond_by=_epoch(case.respond_by),
                    last_at=_epoch(case.last_at),
                    handlers=_handlers(case.handler_ids),
                    climbs=case.climbs,
                    data=_json(encode_case(case)),
                    events=[_json(encode_event(e)) for e in case.events],
                ).single(strict=True)["id"]
            )
            if self.outbox is not None:
                self.outbox(tx, case_id, case, 0)
            return case_id

        with self._reachable(), self._driver.session(database=self._database) as session:
            case_id = session.execute_write(work)
        return decode_case(case_id, encode_case(case), case.events)

    def get(self, case_id: int) -> Case | None:
        rows = self._run("MATCH (c:Case {id: $id}) RETURN c.data AS data, c.events AS events", id=case_id)
        return _case(case_id, rows[0]) if rows else None

    def update_many(self, changes: Sequence[tuple[Case, int]]) -> list[Case]:
        if not changes:
            return []
        ordered = sorted(changes, key=lambda change: change[0].id)  # every writer locks in the same order

        def work(tx: ManagedTransaction) -> set[int]:
            rows = [
                {
                    "id": case.id,
                    "revision": revision,
                    "new_revision": case.revision,
                    "status": case.status.value,
                    "respond_by": _epoch(case.respond_by),
                    "last_at": _epoch(case.last_at),
                    "handlers": _handlers(case.handler_ids),
                    "climbs": case.climbs,
                    "data": _json(encode_case(case)),
                    "events": [_json(encode_event(e)) for e in case.events[revision:]],
                }
                for case, revision in ordered
            ]
            moved = {int(record["id"]) for record in tx.run(_UPDATE, changes=rows)}
            if self.outbox is not None:
                for case, revision in ordered:  # per case, in the same transaction as its events
                    if case.id in moved:
                        self.outbox(tx, case.id, case, revision)
            return moved

        with self._reachable(), self._driver.session(database=self._database) as session:
            moved = session.execute_write(work)
        return [case for case, _revision in changes if case.id in moved]

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
        rows = self._run(
            "MATCH (c:Case) WHERE ($status IS NULL OR c.status = $status) "
            "AND ($account IS NULL OR c.account = $account) "
            "AND ($due IS NULL OR (c.status = 'open' AND c.respond_by IS NOT NULL AND c.respond_by <= $due)) "
            "AND ($handler IS NULL OR c.handlers CONTAINS $handler) "
            "AND ($customer IS NULL OR c.customer = $customer) "
            "AND (NOT $climbing OR c.climbs) "
            "RETURN c.id AS id, c.data AS data, c.events AS events ORDER BY c.id DESC SKIP $offset LIMIT $first",
            status=status.value if status else None,
            account=account_id,
            due=_epoch(due_by),
            handler=f"|{handler_id}|" if handler_id is not None else None,
            customer=customer,
            climbing=climbing,
            offset=offset,
            first=first,
        )
        return [_case(int(row["id"]), row) for row in rows]

    def corrections(self) -> list[tuple[str, str]]:
        # A case's events are JSON texts on its node: the hand-offs to an issue type are those naming one.
        rows = self._run(
            "MATCH (c:Case) WITH c, [e IN c.events WHERE e CONTAINS '\"issueType\"'] AS corrected "
            "WHERE size(corrected) > 0 RETURN c.data AS data, corrected ORDER BY c.id"
        )
        found: list[tuple[str, str]] = []
        for row in rows:
            message = str(json.loads(row["data"])["message"])
            found.extend((str(json.loads(e)["issueType"]), message) for e in row["corrected"])
        return found

    def wipe(self, wipe: Wipe, *, summary: Callable[[int], Change | None]) -> int:
        if wipe.customer is None and wipe.resolved_before is None:
            raise ValueError("a wipe names a customer or a time")

        def work(tx: ManagedTransaction) -> int:
            record = tx.run(
                "MATCH (c:Case) WHERE ($customer IS NOT NULL AND c.customer = $customer) "
                "OR ($before IS NOT NULL AND c.status = 'resolved' AND c.last_at < $before) "
                "DETACH DELETE c RETURN count(*) AS count",
                customer=wipe.customer,
                before=_epoch(wipe.resolved_before),
            ).single()
            count = int(record["count"]) if record is not None else 0
            entry = summary(count)
            if entry is not None:
                _log(tx, entry)
            return count

        with self._reachable(), self._driver.session(database=self._database) as session:
            return int(session.execute_write(work))

    def log(self, entry: Change) -> None:
        with self._reachable(), self._driver.session(database=self._database) as session:
            session.execute_write(_log, entry)

    def logged(self, limit: int = 100) -> list[Change]:
        rows = self._run(
            "MATCH (l:CaseLog) RETURN l.at AS at, l.actor AS actor, l.summary AS summary, l.count AS count, "
            "l.version AS version ORDER BY l.seq DESC LIMIT $limit",
            limit=max(limit, 0),
        )
        return [
            Change(
                int(r["version"]),
                datetime.fromisoformat(r["at"]),
                r["actor"],
                r["summary"],
                int(r["count"]),
                kind="cases",
            )
            for r in rows
        ]


def _log(tx: ManagedTransaction, entry: Change) -> None:
    # Numbered from the Meta node `caselog`, as cases are from `cases`: its write lock orders the lines.
    tx.run(
        "MERGE (m:Meta {id: 'caselog'}) ON CREATE SET m.next = 0 SET m.next = m.next + 1 "
        "CREATE (:CaseLog {seq: m.next, at: $at, actor: $actor, summary: $summary, count: $count, version: $version})",
        at=entry.at.isoformat(),
        actor=entry.actor,
        summary=entry.summary,
        count=entry.records,
        version=entry.version,
    )


def _handlers(ids: tuple[str, ...]) -> str:
    return "".join(f"|{i}" for i in ids) + "|"


def _climbs(data: dict[str, Any]) -> bool:
    """Whether a case kept as ``data`` (:func:`graph.cases.encode_case`) is below the top of its chain."""
    return int(data["level"]) < len(data["chain"]) - 1


def _case(case_id: int, row: Any) -> Case:
    return decode_case(case_id, json.loads(row["data"]), (decode_event(json.loads(e)) for e in row["events"]))


def _epoch(at: datetime | None) -> float | None:
    return at.timestamp() if at is not None else None


def _json(data: dict[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
