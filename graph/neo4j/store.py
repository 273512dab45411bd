"""The Neo4j store: the driver, the commit gate, loads, the change log and the tokens.

Vocabulary:

- The ``Meta`` node holds the org's ``version`` and the ``top_id`` computed at load.
- ``Change`` nodes are the log of loads, one per version; ``Token`` nodes the
  API tokens (digests, never secrets). Neither is an ``OrgNode``: a load
  replaces the org and leaves them be.
- A *load* is one write transaction: read the current org, check the change set
  against it (the same :mod:`graph.validate` as the memory backend), then replace
  the org's nodes (:mod:`graph.neo4j.records`) and relationships. A refused or
  interrupted load rolls back whole; readers see the previous org until the commit.
- A *read* answers one question's :class:`~graph.store.Focus` with the one Cypher
  query its reach compiles to (:mod:`graph.neo4j.reads`); the questions in
  ``queries/`` then run over that part exactly as over the memory backend's org.
- The *commit gate* keeps a read from straddling a commit. Neo4j's reads are
  read-committed: a query running while a load's commit is applied can see
  part of each org. So a load, its work done and just before its commit, opens
  the gate (the ``Meta`` node ``commit``: ``pending`` one up, in a transaction
  of its own), and closes it once committed (``done`` up to ``pending``). A read
  looks at the gate before and after its query, in one read transaction, and
  keeps its answer only if the gate was closed and unchanged; otherwise it
  asks again, for at most :data:`COMMIT_WAIT` seconds. A gate left open by a
  loader that died is ignored after :data:`STALE_GATE` seconds. (A seqlock.)

Every value is a parameter. Labels and relationship types come from the model's enums, never from input.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, LiteralString

from neo4j import Driver, GraphDatabase, ManagedTransaction, NotificationMinimumSeverity, Query, RoutingControl
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

from buckstop.graph.errors import StoreUnavailable, TokenExists
from buckstop.graph.model import Kind
from buckstop.graph.org import ChangeSet, Org
from buckstop.graph.reach import Reach
from buckstop.graph.store import WHOLE, Applied, Change, Focus, Summary
from buckstop.graph.tokens import Token, now, unknown_token
from buckstop.graph.validate import require_valid

from .cases import Neo4jCaseBook
from .reads import compiled, query_for
from .records import LABELS, org_of, properties

__all__ = ["Neo4jStore"]

log = logging.getLogger("buckstop.neo4j")

BATCH = 5_000

_SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT buckstop_department_id IF NOT EXISTS FOR (n:Department) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT buckstop_role_id IF NOT EXISTS FOR (n:Role) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT buckstop_person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT buckstop_account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT buckstop_agency_id IF NOT EXISTS FOR (n:Agency) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT buckstop_issue_type_id IF NOT EXISTS FOR (n:IssueType) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT buckstop_rule_id IF NOT EXISTS FOR (n:Rule) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT buckstop_absence_id IF NOT EXISTS FOR (n:Absence) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT buckstop_change_version IF NOT EXISTS FOR (n:Change) REQUIRE n.version IS UNIQUE",
    "CREATE CONSTRAINT buckstop_token_digest IF NOT EXISTS FOR (n:Token) REQUIRE n.digest IS UNIQUE",
    "CREATE INDEX buckstop_token_name IF NOT EXISTS FOR (n:Token) ON (n.name)",
    "CREATE INDEX buckstop_person_email IF NOT EXISTS FOR (n:Person) ON (n.email_norm)",
    "CREATE INDEX buckstop_person_name IF NOT EXISTS FOR (n:Person) ON (n.name_norm)",
    "CREATE INDEX buckstop_person_id_norm IF NOT EXISTS FOR (n:Person) ON (n.id_norm)",
    "CREATE INDEX buckstop_department_name IF NOT EXISTS FOR (n:Department) ON (n.name_norm)",
    "CREATE INDEX buckstop_absence_person IF NOT EXISTS FOR (n:Absence) ON (n.person_id)",
    "CREATE INDEX buckstop_orgnode_kind IF NOT EXISTS FOR (n:OrgNode) ON (n.kind)",
    "MERGE (m:Meta {id: 'org'}) ON CREATE SET m.version = 0",
    "MERGE (g:Meta {id: 'commit'}) ON CREATE SET g.pending = 0, g.done = 0, g.since = 0",
)

#: How long a read waits for a load's commit to be applied before it gives up (StoreUnavailable).
COMMIT_WAIT = 10.0
#: After how many seconds an open commit gate is taken for the leftover of a loader that died.
STALE_GATE = 60.0

_GATE: LiteralString = (
    "OPTIONAL MATCH (g:Meta {id: 'commit'}) RETURN g.pending AS pending, g.done AS done, timestamp() - g.since AS age"
)
_OPEN_GATE: LiteralString = (
    "MERGE (g:Meta {id: 'commit'}) ON CREATE SET g.pending = 0, g.done = 0 "
    "SET g.pending = g.pending + 1, g.since = timestamp() RETURN g.pending AS ticket"
)
# Only the last loader to open the gate closes it: a concurrent load still committing keeps it open.
_CLOSE_GATE: LiteralString = "MATCH (g:Meta {id: 'commit'}) WHERE g.pending = $ticket SET g.done = $ticket"

_WHOLE = compiled(Reach.WHOLE.spec)


class Neo4jStore:
    """The org in Neo4j. Thread-safe (the driver pools connections)."""

    name = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        *,
        connection_timeout: float = 5.0,
    ) -> None:
        self.uri = uri
        self.database = database or None
        auth = (user, password or "") if user else None
        try:
            self._driver: Driver = GraphDatabase.driver(
                uri,
                auth=auth,
                connection_timeout=connection_timeout,
                max_transaction_retry_time=5.0,  # transient errors are retried this long
                notifications_min_severity=NotificationMinimumSeverity.OFF,
            )
            self._driver.verify_connectivity()
        except AuthError as err:
            raise StoreUnavailable(f"Neo4j at {uri} refused the credentials of user {user!r}: {err.message}") from err
        except (ServiceUnavailable, SessionExpired, OSError) as err:
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {err}") from err
        except (ValueError, Neo4jError) as err:
            raise StoreUnavailable(f"cannot use Neo4j at {uri}: {err}") from err
        self.init_schema()
        self.cases = Neo4jCaseBook(self._driver, self.database, self._reachable)  # graph/neo4j/cases.py

    # -- plumbing ---------------------------------------------------------------

    def _run(self, text: LiteralString, routing: RoutingControl = RoutingControl.READ, **params: Any) -> Any:
        with self._reachable():
            return self._driver.execute_query(Query(text), params, routing_=routing, database_=self.database).records

    @contextlib.contextmanager
    def _reachable(self) -> Iterator[None]:
        """Neo4j gone away (or never reached) is StoreUnavailable: a 503 for clients, one line for the CLI."""
        try:
            yield
        except (ServiceUnavailable, SessionExpired, OSError) as err:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unavailable: {err}") from err

    def init_schema(self) -> None:
        """Create the constraints and indexes the questions need (idempotent)."""
        for statement in _SCHEMA:
            self._run(statement, RoutingControl.WRITE)

    def clear(self) -> None:
        """Remove the org and its version: the database is as new (for tests and re-initialisation)."""
        self._run("MATCH (n:OrgNode|Change|Token) DETACH DELETE n", RoutingControl.WRITE)
        self._run("MERGE (m:Meta {id: 'org'}) SET m.version = 0, m.top_id = null", RoutingControl.WRITE)

    def ready(self) -> bool:
        try:
            self._driver.verify_connectivity()
        except Exception:
            return False
        return True

    def close(self) -> None:
        self._driver.close()

    # -- reading ----------------------------------------------------------------

    def read(self, focus: Focus = WHOLE) -> Org:
        """The part of the org ``focus`` needs: one query, between two looks at the commit gate."""
        text, params = query_for(focus)
        reach = None if focus.reach is Reach.WHOLE else focus.reach.value
        complete = focus.reach.spec.complete_for(focus.names)
        deadline = time.monotonic() + COMMIT_WAIT
        pause = 0.005
        while True:
            before, row, after = self._gated(text, params)
            if before == after and not _open(before):
                return org_of(row, reach=reach, complete=complete)
            if time.monotonic() > deadline:
                raise StoreUnavailable(
                    f"Neo4j at {self.uri} has been committing a load for over {COMMIT_WAIT:g} s; try again"
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.2)

    def _gated(self, text: str, params: dict[str, Any]) -> tuple[tuple[Any, ...], Any, tuple[Any, ...]]:
        """The gate, the question's row, the gate again: three queries of one read transaction."""

        def work(tx: ManagedTransaction) -> tuple[tuple[Any, ...], Any, tuple[Any, ...]]:
            before = tx.run(_GATE).single()
            row = tx.run(_literal(text), params).single()
            after = tx.run(_GATE).single()
            return _gate(before), row, _gate(after)

        with self._reachable(), self._driver.session(database=self.database, default_access_mode="READ") as session:
            return session.execute_read(work)

    # -- writing ----------------------------------------------------------------

    def apply(self, changes: ChangeSet, *, actor: str = "", summary: Summary = "") -> Applied:
        """Check ``changes`` against the current org and replace it, in one transaction."""
        ticket: int | None = None

        def work(tx: ManagedTransaction) -> tuple[Org, Org]:
            nonlocal ticket
            before, after = _apply(tx, changes, actor, summary)
            # The work is done and the commit is next: readers wait until it has been applied.
            ticket = int(self._run(_OPEN_GATE, RoutingControl.WRITE)[0]["ticket"])
            return before, after

        try:
            with self._reachable(), self._driver.session(database=self.database) as session:
                before, after = session.execute_write(work)
        finally:
            if ticket is not None:
                self._close_gate(ticket)
        return Applied(after.version, len(changes), before, after)

    def _close_gate(self, ticket: int) -> None:
        try:
            self._run(_CLOSE_GATE, RoutingControl.WRITE, ticket=ticket)
        except StoreUnavailable:
            log.warning("could not close the commit gate (ticket %s); readers ignore it after %g s", ticket, STALE_GATE)

    # -- the log and the tokens -------------------------------------------------

    def changes(self, limit: int = 100) -> list[Change]:
        rows = self._run("MATCH (c:Change) RETURN c ORDER BY c.version DESC LIMIT $limit", limit=max(limit, 0))
        return [
            Change(int(c["version"]), datetime.fromisoformat(c["at"]), c["actor"], c["summary"], int(c["records"]))
            for c in (row["c"] for row in rows)
        ]

    def tokens(self) -> list[Token]:
        rows = self._run("MATCH (t:Token) RETURN t ORDER BY t.name, t.created")
        return [_token(row["t"]) for row in rows]

    def token(self, digest: str) -> Token | None:
        rows = self._run("MATCH (t:Token {digest: $digest}) RETURN t", digest=digest)
        return _token(rows[0]["t"]) if rows else None

    def add_token(self, token: Token) -> None:
        # One statement: the name check and the create are one transaction.
        rows = self._run(
            "OPTIONAL MATCH (old:Token {name: $name}) WHERE old.revoked IS NULL "
            "WITH count(old) AS taken WHERE taken = 0 "
            "CREATE (t:Token {digest: $digest, name: $name, scope: $scope, created: $created, revoked: null}) "
            "RETURN t.digest AS digest",
            RoutingControl.WRITE,
            name=token.name,
            digest=token.digest,
            scope=token.scope.value,
            created=token.created.isoformat(),
        )
        if not rows:
            raise TokenExists(token.name)

    def revoke_token(self, name: str) -> Token:
        rows = self._run(
            "MATCH (t:Token {name: $name}) WHERE t.revoked IS NULL SET t.revoked = $now RETURN t",
            RoutingControl.WRITE,
            name=name,
            now=now().isoformat(),
        )
        if not rows:
            raise unknown_token(name, self.tokens())
        return _token(rows[0]["t"])


def _token(node: Any) -> Token:
    return Token.stored(
        node.get("name"), node.get("scope"), node.get("digest"), node.get("created"), node.get("revoked")
    )


def _literal(text: str) -> LiteralString:
    """A compiled read's text, for the driver: its labels and types come from the model's enums (graph.neo4j.reads)."""
    return text  # not a literal, but compiled from literals and the model's enums only


def _gate(row: Any) -> tuple[Any, ...]:
    """(pending, done) of the commit gate, and whether it is fresh (an open gate older than STALE_GATE is not)."""
    if row is None or row["pending"] is None:
        return (0, 0, True)
    return (row["pending"], row["done"], (row["age"] or 0) < STALE_GATE * 1000)


def _open(gate: tuple[Any, ...]) -> bool:
    pending, done, fresh = gate
    return bool(pending > done and fresh)


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _apply(tx: ManagedTransaction, changes: ChangeSet, actor: str, summary: Summary) -> tuple[Org, Org]:
    row = tx.run(_literal(_WHOLE)).single()
    before = org_of(row)
    after = require_valid(before, changes)
    text = summary(before, after) if callable(summary) else summary
    tx.run("MATCH (n:OrgNode) DETACH DELETE n").consume()
    by_kind: dict[Kind, list[dict[str, Any]]] = defaultdict(list)
    for record in after.records():
        by_kind[record.kind].append(properties(record))
    for kind, rows in by_kind.items():
        statement = f"UNWIND $rows AS row CREATE (n:OrgNode:{LABELS[kind]}) SET n = row"
        for batch in _batches(rows):
            tx.run(statement, rows=batch).consume()
    for statement, pairs in _edge_groups(after.edges()):
        for batch in _batches(pairs):
            tx.run(statement, pairs=batch).consume()
    tx.run(
        "MERGE (m:Meta {id: 'org'}) SET m.version = $version, m.top_id = $top, m.actor = $actor, "
        "m.summary = $summary, m.at = datetime()",
        version=after.version,
        top=after.top_id,
        actor=actor,
        summary=text,
    ).consume()
    tx.run(
        "CREATE (:Change {version: $version, at: $at, actor: $actor, summary: $summary, records: $records})",
        version=after.version,
        at=now().isoformat(),
        actor=actor,
        summary=text,
        records=len(changes),
    ).consume()
    return before, after


def _edge_groups(edges: Iterable[tuple[str, str, Any]]) -> Iterator[tuple[LiteralString, list[dict[str, str]]]]:
    """One parametrised CREATE statement per (edge kind, source label, target label)."""
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for source, target, kind in edges:
        source_kind, source_id = source.split(":", 1)
        target_kind, target_id = target.split(":", 1)
        groups[(str(kind), LABELS[Kind(source_kind)], LABELS[Kind(target_kind)])].append(
            {"s": source_id, "t": target_id}
        )
    for (kind, source_label, target_label), pairs in sorted(groups.items()):
        statement = (
            f"UNWIND $pairs AS p MATCH (a:{source_label} {{id: p.s}}) MATCH (b:{target_label} {{id: p.t}}) "
            f"CREATE (a)-[:{kind}]->(b)"
        )
        yield statement, pairs
