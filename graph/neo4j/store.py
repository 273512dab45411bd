"""The Neo4j store: the driver, the commit gate, loads, the change log and the tokens.

Vocabulary:

- The ``Meta`` node holds the org's ``version`` and the ``top_id`` computed at load.
- ``Change`` nodes are the log of loads, one per version; ``Token`` nodes the
  API tokens (digests, never secrets); ``Version`` nodes the history
  (:mod:`graph.neo4j.history`). None is an ``OrgNode``: a load replaces the org
  and leaves them be.
- A *load* is one write transaction: read the history, fold the version in force
  on the load's effective day, check the change set against it (the same
  :mod:`graph.validate` as the memory backend), add the new version (and re-base
  the one after it, if it was loaded between two), then *materialise* the version
  in force today: replace the org's nodes (:mod:`graph.neo4j.records`) and
  relationships, and note in ``Meta`` its ``version``, ``effective`` date and the
  day it is in force ``until``. A refused or interrupted load rolls back whole;
  readers see the previous org until the commit.
- A *read* answers one question's :class:`~graph.store.Focus`: about a day the
  materialised version is in force, with the one Cypher query its reach compiles
  to (:mod:`graph.neo4j.reads`), sent as one auto-commit transaction: one round
  trip, the commit gate included; a whole read of a version this store already
  holds (the cache below) fetches no node. About another day (the past, a
  scheduled version, or today once a scheduled version has come into force since
  the last load), with that version's whole org, folded from the history in a read
  transaction between two looks at the gate, and kept for the next question (the
  :data:`~graph.memory.CACHED_VERSIONS` most recent). The questions in
  ``queries/`` then run over either exactly as over the memory backend's org.
- The *commit gate* keeps a read from straddling a commit. Neo4j's reads are
  read-committed: a query running while a load's commit is applied can see
  part of each org. So a load, its work done and just before its commit, opens
  the gate (the ``Meta`` node ``commit``: ``pending`` one up, in a transaction
  of its own), and closes it once committed (``done`` up to ``pending``). A read's
  query looks at the gate first and last (Neo4j reads the latest committed value
  each time, so a commit applied in between shows), and the read keeps its answer
  only if the gate was closed and unchanged; otherwise it asks again, for at
  most :data:`COMMIT_WAIT` seconds. A gate left open by a loader that died is
  ignored after :data:`STALE_GATE` seconds. (A seqlock.)

Every value is a parameter. Labels and relationship types come from the model's enums, never from input.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, LiteralString

from neo4j import Driver, GraphDatabase, ManagedTransaction, NotificationMinimumSeverity, Query, RoutingControl
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from buckstop.graph.errors import StoreUnavailable, TokenExists
from buckstop.graph.memory import CACHED_VERSIONS
from buckstop.graph.model import Kind
from buckstop.graph.org import ChangeSet, Org
from buckstop.graph.reach import Reach
from buckstop.graph.store import WHOLE, Applied, Change, Focus, OneVersion, Summary
from buckstop.graph.timeline import BEGINNING, Clock, Timeline, Version, dropped_note, today
from buckstop.graph.tokens import Token, now, unknown_token
from buckstop.graph.validate import require_valid_on

from .cases import Neo4jCaseBook
from .history import Stored, delta, fold, stored
from .reads import compiled, query_for
from .records import LABELS, org_of, properties
from .webhooks import Neo4jWebhookBook

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
    "CREATE CONSTRAINT buckstop_version_number IF NOT EXISTS FOR (n:Version) REQUIRE n.number IS UNIQUE",
    "CREATE CONSTRAINT buckstop_token_digest IF NOT EXISTS FOR (n:Token) REQUIRE n.digest IS UNIQUE",
    # Every read looks at two Meta nodes first: found by the constraint's index, not a scan of the label.
    "CREATE CONSTRAINT buckstop_meta_id IF NOT EXISTS FOR (n:Meta) REQUIRE n.id IS UNIQUE",
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

#: How long a transient error (a leader election, a dropped connection) is retried before a question fails.
RETRY_TIME = 5.0
#: How long a read waits for a load's commit to be applied before it gives up (StoreUnavailable).
COMMIT_WAIT = 10.0
#: After how many seconds an open commit gate is taken for the leftover of a loader that died.
STALE_GATE = 60.0

# The gate, and which version the org's nodes hold (the same before and after: else a load came between).
_GATE: LiteralString = (
    "OPTIONAL MATCH (g:Meta {id: 'commit'}) OPTIONAL MATCH (m:Meta {id: 'org'}) "
    "RETURN g.pending AS pending, g.done AS done, timestamp() - g.since AS age, "
    "m.version AS version, m.effective AS effective, m.until AS until"
)
_VERSIONS: LiteralString = "MATCH (v:Version) RETURN v.number AS number, v.effective AS effective ORDER BY v.key"
_HISTORY: LiteralString = (
    "MATCH (v:Version) WHERE v.key <= $key "
    "RETURN v.number AS number, v.effective AS effective, v.delta AS delta ORDER BY v.key"
)
_OPEN_GATE: LiteralString = (
    "MERGE (g:Meta {id: 'commit'}) ON CREATE SET g.pending = 0, g.done = 0 "
    "SET g.pending = g.pending + 1, g.since = timestamp() RETURN g.pending AS ticket"
)
# Only the last loader to open the gate closes it: a concurrent load still committing keeps it open.
_CLOSE_GATE: LiteralString = "MATCH (g:Meta {id: 'commit'}) WHERE g.pending = $ticket SET g.done = $ticket"

_WHOLE = compiled(Reach.WHOLE.spec)


class Neo4jStore(OneVersion):
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
        clock: Clock = today,
    ) -> None:
        self.uri = uri
        #: What day it is: which version a read without a day answers with (a test moves it).
        self.clock = clock
        self._cache: OrderedDict[int, Org] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.database = database or None
        auth = (user, password or "") if user else None
        try:
            self._driver: Driver = GraphDatabase.driver(
                uri,
                auth=auth,
                connection_timeout=connection_timeout,
                max_transaction_retry_time=RETRY_TIME,  # transient errors are retried this long
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
        self.webhooks = Neo4jWebhookBook(self._driver, self.database, self._reachable)  # graph/neo4j/webhooks.py
        self.cases.outbox = self.webhooks.enqueue  # the outbox is written with the cases' events

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
        self._run("MATCH (n:OrgNode|Change|Token|Version) DETACH DELETE n", RoutingControl.WRITE)
        self._run(
            "MERGE (m:Meta {id: 'org'}) SET m.version = 0, m.top_id = null, m.effective = null, m.until = null, "
            "m.dropped = null",
            RoutingControl.WRITE,
        )
        with self._cache_lock:
            self._cache.clear()

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
        """The part of the org ``focus`` needs, of the version in force on its day: one query, gate included."""
        text, params = query_for(focus)
        whole = focus.reach is Reach.WHOLE
        reach = None if whole else focus.reach.value
        complete = focus.reach.spec.complete_for(focus.names)
        day = focus.day or self.clock()
        params.update(day=day.isoformat(), stale=STALE_GATE * 1000, held=self._held() if whole else [])
        deadline = time.monotonic() + COMMIT_WAIT
        pause = 0.005
        while True:
            row = self._ask(_literal(text), params)
            before, after = _gate(row["before"]), row["after"]
            if not _open(before) and (after["pending"], after["done"]) == before[:2]:
                if not _covers(before, day):
                    found = self._of_another_day(day)
                    if found is not None:
                        return found
                elif whole and (cached := self._cached(before[3])) is not None:
                    return cached
                else:
                    return org_of(
                        {"version": before[3], "top_id": row["before"]["top_id"], "nodes": row["nodes"]},
                        reach=reach,
                        complete=complete,
                        effective=_effective(before[4]),
                    )
            if time.monotonic() > deadline:
                raise StoreUnavailable(
                    f"Neo4j at {self.uri} has been committing a load for over {COMMIT_WAIT:g} s; try again"
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.2)

    def _ask(self, text: LiteralString, params: dict[str, Any]) -> Any:
        """The one row of a read's query, as an auto-commit transaction: RUN and PULL in one round trip.

        ``execute_query`` would add a BEGIN and a COMMIT (a second round trip) to a query that writes nothing and
        is consistent on its own (the gate); the driver's retry of transient errors and its bookmarks (a read
        after a load sees it, on a cluster too) are kept by hand: the same retry time, the same bookmark manager.
        """
        deadline = time.monotonic() + RETRY_TIME
        while True:
            try:
                with (
                    self._reachable(),
                    self._driver.session(
                        database=self.database,
                        default_access_mode="READ",
                        bookmark_manager=self._driver.execute_query_bookmark_manager,
                    ) as session,
                ):
                    return session.run(Query(text), params).single(strict=True)
            except (Neo4jError, StoreUnavailable) as err:
                retryable = err.__cause__ if isinstance(err, StoreUnavailable) else err
                if not isinstance(retryable, Neo4jError | DriverError) or not retryable.is_retryable():
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def timeline(self) -> Timeline:
        rows = self._run(_VERSIONS)
        return Timeline(Version(int(r["number"]), date.fromisoformat(r["effective"])) for r in rows)

    def _held(self) -> list[int]:
        """The versions whose whole org this store holds (a whole read of one of them fetches no node)."""
        with self._cache_lock:
            return list(self._cache)

    def _cached(self, version: Any) -> Org | None:
        with self._cache_lock:
            org = self._cache.get(int(version)) if version else None
            if org is not None:
                self._cache.move_to_end(org.version)
            return org

    def _of_another_day(self, day: date) -> Org | None:
        """The whole org in force on a day the org's nodes do not hold, folded from the history between two looks
        at the gate (all in one read transaction); None if a commit came between."""

        def work(tx: ManagedTransaction) -> Org | None:
            before = _gate(tx.run(_GATE).single())
            found = self._of_day(tx, day)
            after = _gate(tx.run(_GATE).single())
            return found if before == after and not _open(before) else None

        with self._reachable(), self._driver.session(database=self.database, default_access_mode="READ") as session:
            return session.execute_read(work)

    def _of_day(self, tx: ManagedTransaction, day: date) -> Org:
        """The whole org in force on ``day``, folded from the history (or the cache)."""
        version = Timeline(
            Version(int(r["number"]), date.fromisoformat(r["effective"])) for r in tx.run(_VERSIONS)
        ).in_force(day)
        if version is None:
            return Org()
        with self._cache_lock:
            org = self._cache.get(version.number)
            if org is not None:
                self._cache.move_to_end(version.number)
                return org
        org = fold(stored(r) for r in tx.run(_HISTORY, key=version.key))
        self._remember(org)
        return org

    def _remember(self, org: Org) -> None:
        with self._cache_lock:
            self._cache[org.version] = org
            self._cache.move_to_end(org.version)
            while len(self._cache) > CACHED_VERSIONS:
                self._cache.popitem(last=False)

    # -- writing ----------------------------------------------------------------

    def apply_versions(
        self,
        versions: Sequence[tuple[ChangeSet, date]],
        *,
        actor: str = "",
        summary: Summary = "",
        drop_later: bool = False,
    ) -> list[Applied]:
        """Add each change set as a version effective on its day, in order, in one transaction: all or none.

        With ``drop_later`` the versions effective after the first one's day are dropped first (graph.store).
        """
        ticket: int | None = None

        def work(tx: ManagedTransaction) -> list[Applied]:
            nonlocal ticket
            if drop_later and versions:
                _drop_after(tx, versions[0][1])
            done = [_apply(tx, changes, actor, summary, effective, self.clock()) for changes, effective in versions]
            if done:
                _materialise(tx, _history(tx), self.clock(), done[-1].after)
            # The work is done and the commit is next: readers wait until it has been applied.
            ticket = int(self._run(_OPEN_GATE, RoutingControl.WRITE)[0]["ticket"])
            return done

        try:
            with self._reachable(), self._driver.session(database=self.database) as session:
                done = session.execute_write(work)
        finally:
            if ticket is not None:
                self._close_gate(ticket)
        for applied in done:
            self._remember(applied.after)
        return done

    def _close_gate(self, ticket: int) -> None:
        try:
            self._run(_CLOSE_GATE, RoutingControl.WRITE, ticket=ticket)
        except StoreUnavailable:
            log.warning("could not close the commit gate (ticket %s); readers ignore it after %g s", ticket, STALE_GATE)

    # -- retention ---------------------------------------------------------------

    def drop_versions(self, cutoff: date, why: str) -> list[Version]:
        """Drop the versions whose successor came into force before ``cutoff``, folding them into the oldest kept:
        one write transaction, behind the commit gate as a load is."""
        ticket: int | None = None
        on = self.clock()

        def work(tx: ManagedTransaction) -> list[Version]:
            nonlocal ticket
            dropped = _drop_versions(tx, cutoff, why, on)
            if dropped:
                ticket = int(self._run(_OPEN_GATE, RoutingControl.WRITE)[0]["ticket"])
            return dropped

        try:
            with self._reachable(), self._driver.session(database=self.database) as session:
                dropped: list[Version] = session.execute_write(work)
        finally:
            if ticket is not None:
                self._close_gate(ticket)
        with self._cache_lock:
            for version in dropped:
                self._cache.pop(version.number, None)
        return dropped

    # -- the log and the tokens -------------------------------------------------

    def changes(self, limit: int = 100) -> list[Change]:
        rows = self._run("MATCH (c:Change) RETURN c ORDER BY c.version DESC LIMIT $limit", limit=max(limit, 0))
        return [
            Change(
                int(c["version"]),
                datetime.fromisoformat(c["at"]),
                c["actor"],
                c["summary"],
                int(c["records"]),
                date.fromisoformat(c["effective"]) if c.get("effective") else None,
            )
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
    """(pending, done) of the commit gate, whether it is fresh (an open gate older than STALE_GATE is not),
    and the materialised version's (number, effective, until): from a row of ``_GATE`` or a read's ``before``."""
    if row is None:
        return (0, 0, True, None, None, None)
    org = (row["version"], row["effective"], row["until"])
    if row["pending"] is None:
        return (0, 0, True, *org)
    return (row["pending"], row["done"], (row["age"] or 0) < STALE_GATE * 1000, *org)


def _open(gate: tuple[Any, ...]) -> bool:
    pending, done, fresh = gate[:3]
    return bool(pending > done and fresh)


def _covers(gate: tuple[Any, ...], day: date) -> bool:
    """Whether the org's nodes hold the version in force on ``day``."""
    version, effective, until = gate[3:]
    if not version and effective is None:
        return True  # nothing loaded yet
    if effective is None:
        return True  # loaded before versions had dates: one version, in force from the beginning
    text = day.isoformat()
    return bool(effective <= text and (until is None or text < until))


def _effective(text: str | None) -> date | None:
    return None if text is None or text == BEGINNING.isoformat() else date.fromisoformat(text)


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _apply(
    tx: ManagedTransaction, changes: ChangeSet, actor: str, summary: Summary, effective: date, today: date
) -> Applied:
    """Add the version of ``changes`` effective on ``effective``; the caller materialises the one in force today."""
    history = _history(tx)
    # Above every number given, dropped versions' too (Meta's ``dropped``): a number is never given twice.
    counted = tx.run(
        "OPTIONAL MATCH (m:Meta {id: 'org'}) OPTIONAL MATCH (c:Change) "
        "RETURN coalesce(max(c.version), 0) AS n, coalesce(max(m.dropped), 0) AS d"
    ).single()
    number = (max(int(counted["n"]), int(counted["d"])) if counted else 0) + 1
    timeline = Timeline(h.version for h in history)
    base, following = timeline.in_force(effective), timeline.after(effective)
    before = fold(h for h in history if base is not None and h.version.key <= base.key)
    after = require_valid_on(before, changes, effective, following, today)
    # Not yet seen by anyone: stamped, not mutated. A version from the beginning has no day to name.
    after.version, after.effective = number, None if effective == BEGINNING else effective
    text = summary(before, after) if callable(summary) else summary
    new = Stored(Version(number, effective), delta(before, after, sorted(changes.kinds)))
    tx.run(
        "CREATE (:Version {number: $number, effective: $effective, key: $key, delta: $delta})",
        number=number,
        effective=effective.isoformat(),
        key=new.version.key,
        delta=new.delta,
    ).consume()
    history.append(new)
    if following is not None:
        # Loaded between two versions: the one after stays as it was, so its change is now from the new one.
        of_following = fold([next(h for h in history if h.version == following)], base=before)
        tx.run(
            "MATCH (v:Version {number: $number}) SET v.delta = $delta",
            number=following.number,
            delta=delta(after, of_following),
        ).consume()
    tx.run(
        "CREATE (:Change {version: $version, at: $at, actor: $actor, summary: $summary, records: $records, "
        "effective: $effective})",
        version=number,
        at=now().isoformat(),
        actor=actor,
        summary=text,
        records=len(changes),
        effective=effective.isoformat(),
    ).consume()
    return Applied(number, len(changes), before, after, effective, following.effective if following else None)


def _drop_versions(tx: ManagedTransaction, cutoff: date, why: str, on: date) -> list[Version]:
    """Fold the expired versions into the oldest kept one (its delta becomes its whole org) and delete them."""
    history = _history(tx)
    timeline = Timeline(h.version for h in history)
    dropped = timeline.expired(cutoff)
    if not dropped:
        return []
    kept = history[len(dropped)]
    whole = fold(history[: len(dropped) + 1])
    tx.run(
        "MATCH (v:Version {number: $number}) SET v.delta = $delta",
        number=kept.version.number,
        delta=delta(Org(), whole),
    ).consume()
    for version in dropped:
        tx.run("MATCH (v:Version {number: $number}) DELETE v", number=version.number).consume()
        tx.run(
            "MATCH (c:Change {version: $number}) SET c.effective = null, c.summary = c.summary + $note",
            number=version.number,
            note=dropped_note(version, on, why),
        ).consume()
    return dropped


def _drop_after(tx: ManagedTransaction, day: date) -> None:
    """Drop every version effective after ``day`` and its ``Change``, noting the highest number dropped.

    Each ``Version``'s delta is from the one before it in force order, and the versions kept are the first:
    none of theirs depends on a dropped one.
    """
    cut = day.isoformat()
    tx.run(
        "MATCH (m:Meta {id: 'org'}) OPTIONAL MATCH (v:Version) WHERE v.effective > $cut "
        "WITH m, max(v.number) AS highest WHERE highest IS NOT NULL "
        "SET m.dropped = CASE WHEN coalesce(m.dropped, 0) > highest THEN m.dropped ELSE highest END",
        cut=cut,
    ).consume()
    tx.run("MATCH (v:Version) WHERE v.effective > $cut DETACH DELETE v", cut=cut).consume()
    tx.run("MATCH (c:Change) WHERE c.effective > $cut DETACH DELETE c", cut=cut).consume()


def _history(tx: ManagedTransaction) -> list[Stored]:
    """Every version, in force order; a store loaded before versions had dates gets its one version first."""
    rows = tx.run(
        "MATCH (v:Version) RETURN v.number AS number, v.effective AS effective, v.delta AS delta ORDER BY v.key"
    )
    history = [stored(row) for row in rows]
    if history:
        return history
    meta = tx.run("MATCH (m:Meta {id: 'org'}) RETURN m.version AS version").single()
    if meta is None or not meta["version"]:
        return []
    # The gate is not looked at (a stale limit of 0 takes it for closed): this transaction is the writer.
    found = tx.run(_literal(_WHOLE), day=BEGINNING.isoformat(), stale=0, held=[]).single(strict=True)
    legacy = org_of({"version": meta["version"], "top_id": found["before"]["top_id"], "nodes": found["nodes"]})
    first = Stored(Version(legacy.version, BEGINNING), delta(Org(), legacy))
    tx.run(
        "CREATE (:Version {number: $number, effective: $effective, key: $key, delta: $delta})",
        number=first.version.number,
        effective=BEGINNING.isoformat(),
        key=first.version.key,
        delta=first.delta,
    ).consume()
    tx.run(
        "MATCH (c:Change {version: $number}) SET c.effective = $effective",
        number=legacy.version,
        effective=BEGINNING.isoformat(),
    ).consume()
    return [first]


def _materialise(tx: ManagedTransaction, history: list[Stored], day: date, newest: Org) -> None:
    """Make the org's nodes the version in force on ``day``, and note which it is and until when."""
    timeline = Timeline(h.version for h in history)
    current = timeline.in_force(day)
    if current is None:
        org, effective = Org(), BEGINNING
        first = timeline.versions[0] if timeline.versions else None
        until = first.effective if first else None
    else:
        org = newest if current.number == newest.version else fold(h for h in history if h.version.key <= current.key)
        effective = current.effective
        following = timeline.after(current.effective)
        until = following.effective if following else None
    held = tx.run("MATCH (m:Meta {id: 'org'}) RETURN m.version AS version").single()
    if held is None or held["version"] != org.version or org is newest:
        _write_org(tx, org)
    tx.run(
        "MERGE (m:Meta {id: 'org'}) SET m.version = $version, m.top_id = $top, m.effective = $effective, "
        "m.until = $until, m.at = datetime()",
        version=org.version,
        top=org.top_id,
        effective=effective.isoformat(),
        until=until.isoformat() if until else None,
    ).consume()


def _write_org(tx: ManagedTransaction, org: Org) -> None:
    tx.run("MATCH (n:OrgNode) DETACH DELETE n").consume()
    by_kind: dict[Kind, list[dict[str, Any]]] = defaultdict(list)
    for record in org.records():
        by_kind[record.kind].append(properties(record))
    for kind, rows in by_kind.items():
        statement = f"UNWIND $rows AS row CREATE (n:OrgNode:{LABELS[kind]}) SET n = row"
        for batch in _batches(rows):
            tx.run(statement, rows=batch).consume()
    for statement, pairs in _edge_groups(org.edges()):
        for batch in _batches(pairs):
            tx.run(statement, pairs=batch).consume()


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
