"""The neo4j backend: the same org in Neo4j, for many replicas sharing one organisation.

Vocabulary:

- Every node carries the label ``OrgNode`` and the label of its kind
  (``Person``, ``Role``…); its properties are the record's fields (as in
  :mod:`graph.codec`) plus the normalised names it can be asked by
  (``keys``, ``name_norm``, ``email_norm``) and ``search``, the names search looks in.
  Relationships are the design's edge kinds, derived from the records
  (:meth:`graph.org.Org.edges`). Absences are ``Absence`` nodes, with a
  ``DELEGATES_TO`` relationship from the absent person to the delegate.
- The ``Meta`` node holds the org's ``version`` and the ``top_id`` computed at load.
- ``Change`` nodes are the log of loads, one per version; ``Token`` nodes the
  API tokens (digests, never secrets). Neither is an ``OrgNode``: a load
  replaces the org and leaves them be.
- A *load* is one write transaction: read the current org, check the change set
  against it (the same :mod:`graph.validate` as the memory backend), then replace
  the org's nodes and relationships. A refused or interrupted load rolls back
  whole; readers see the previous org until the commit.
- A *read* answers one question's :class:`~graph.store.Focus` with one Cypher
  query that returns the part of the org the question needs; the questions in
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

Cypher texts are constants; every value is a parameter. Labels and relationship
types come from the model's enums, never from input.
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

from .access import Change, Token, now, unknown_token
from .codec import decode, encode
from .errors import StoreUnavailable, TokenExists
from .model import Kind, Record
from .org import ChangeSet, Org, handle_names, names_of, normalize
from .store import WHOLE, Applied, Focus, Summary
from .validate import require_valid

__all__ = ["Neo4jStore"]

log = logging.getLogger("buckstop.neo4j")

LABELS: dict[Kind, str] = {
    Kind.DEPARTMENT: "Department",
    Kind.ROLE: "Role",
    Kind.PERSON: "Person",
    Kind.ACCOUNT: "Account",
    Kind.AGENCY: "Agency",
    Kind.ISSUE_TYPE: "IssueType",
    Kind.RULE: "Rule",
    Kind.ABSENCE: "Absence",
}
KINDS = {label: kind for kind, label in LABELS.items()}
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

# -- the reads ------------------------------------------------------------------
#
# Each read gathers the "seed" nodes of its question, then the same closure a
# routing or chain question can walk: the departments above the seeds and their
# heads, role holders, delegates, everyone above along REPORTS_TO, the people's
# departments and absences. Pattern comprehensions and COLLECT subqueries never
# drop the row, so a question about a missing name still returns the org's version.

_META: LiteralString = """
OPTIONAL MATCH (meta:Meta {id: 'org'})
OPTIONAL MATCH (top:Person {id: meta.top_id})
"""

_CLOSURE: LiteralString = """
WITH meta, top, seeds, COLLECT {
  UNWIND seeds AS s
  MATCH (s:Department|Role)-[:IN*0..1]->(:Department)-[:PART_OF*0..]->(up:Department)
  RETURN DISTINCT up
} AS depts
WITH meta, seeds, depts, COLLECT {
  UNWIND seeds + depts AS x MATCH (x)<-[:HEADS|HOLDS]-(p:Person) RETURN p
  UNION
  UNWIND seeds AS x WITH x WHERE x:Person RETURN x AS p
  UNION
  WITH top WHERE top IS NOT NULL RETURN top AS p
} AS firsts
WITH meta, seeds, depts, COLLECT {
  UNWIND firsts AS p MATCH (p)-[:DELEGATES_TO*0..1]->(:Person)-[:REPORTS_TO*0..]->(m:Person) RETURN DISTINCT m
} AS chain
WITH meta, seeds, depts, COLLECT {
  UNWIND chain AS p MATCH (p)-[:DELEGATES_TO*0..1]->(:Person)-[:REPORTS_TO*0..]->(m:Person) RETURN DISTINCT m
} AS people
WITH meta, seeds + depts + people
  + COLLECT { UNWIND people AS p MATCH (p)-[:MEMBER_OF]->(d:Department) RETURN DISTINCT d }
  + COLLECT { UNWIND people AS p MATCH (a:Absence {person_id: p.id}) RETURN a } AS everything
RETURN meta.version AS version, meta.top_id AS top_id,
       COLLECT { UNWIND everything AS n WITH DISTINCT n RETURN [labels(n), properties(n)] } AS nodes
"""

_ROUTE: LiteralString = (
    _META
    + """
WITH meta, top,
     COLLECT { MATCH (a:Account) WHERE $account IN a.keys RETURN a } AS accounts,
     COLLECT { MATCH (i:IssueType) WHERE $issue IN i.keys RETURN i } AS asked
WITH meta, top, accounts,
     reduce(acc = [], i IN asked | acc + [(i)-[:SUBTYPE_OF*0..]->(up:IssueType) | up]) AS issues,
     reduce(acc = [], a IN accounts | acc
       + [(a)<-[:OWNS]-(:Department)-[:PART_OF*0..]->(d:Department) | d]
       + [(a)-[:ESCALATES_TO]->(c) | c]
       + [(a)<-[:OPERATES]-(o) | o]
       + [(a)<-[:OPERATES]-(:Agency)<-[:CONTRACT_OWNER_OF]-(p:Person) | p]) AS around
WITH meta, top, accounts + issues + around
     + reduce(acc = [], i IN issues | acc + [(i)<-[:FOR]-(r:Rule) | r]
       + [(i)<-[:FOR]-(:Rule)-[:ASSIGNS]->(t) | t]) AS seeds
"""
    + _CLOSURE
)

_PERSON: LiteralString = (
    _META
    + """
WITH meta, top, COLLECT {
  MATCH (p:Person {id: $name}) RETURN p
  UNION MATCH (p:Person {id_norm: $norm}) RETURN p
  UNION MATCH (p:Person {email_norm: $norm}) RETURN p
  UNION MATCH (p:Person {name_norm: $norm}) RETURN p
} AS seeds
"""
    + _CLOSURE
)

_TOP: LiteralString = _META + "WITH meta, top, [] AS seeds" + _CLOSURE

# commonManager: the people or departments named (each as _PERSON and _IN_CHARGE find them), their chains.
_PARTIES: LiteralString = (
    _META
    + """
WITH meta, top, COLLECT {
  UNWIND $asked AS x MATCH (n:Person {id: x.name}) RETURN n
  UNION UNWIND $asked AS x MATCH (n:Person {id_norm: x.norm}) RETURN n
  UNION UNWIND $asked AS x MATCH (n:Person {email_norm: x.norm}) RETURN n
  UNION UNWIND $asked AS x MATCH (n:Person {name_norm: x.norm}) RETURN n
  UNION UNWIND $asked AS x MATCH (n:Department) WHERE n.id = x.name OR n.id_norm = x.norm OR n.name_norm = x.norm
    RETURN n
} AS seeds
"""
    + _CLOSURE
)

_IN_CHARGE: LiteralString = (
    _META
    + """
WITH meta, top,
     COLLECT { MATCH (a:Account) WHERE $norm IN a.keys RETURN a } AS accounts,
     COLLECT { MATCH (d:Department) WHERE d.id = $name OR d.id_norm = $norm OR d.name_norm = $norm RETURN d }
       AS departments
WITH meta, top, accounts + departments
     + reduce(acc = [], a IN accounts | acc
       + [(a)<-[:OWNS|OPERATES]-(o) | o]
       + [(a)<-[:OPERATES]-(:Agency)<-[:CONTRACT_OWNER_OF]-(p:Person) | p]) AS seeds
"""
    + _CLOSURE
)

_NODES: LiteralString = """
RETURN meta.version AS version, meta.top_id AS top_id, [n IN nodes | [labels(n), properties(n)]] AS nodes
"""

_SEARCH: LiteralString = (
    _META
    + """
WITH meta, COLLECT {
  MATCH (n:OrgNode) WHERE n.kind IN $kinds AND any(s IN n.search WHERE s CONTAINS $norm) RETURN n
} AS nodes
"""
    + _NODES
)

_KINDS: LiteralString = (
    _META + "WITH meta, COLLECT { MATCH (n:OrgNode) WHERE n.kind IN $kinds RETURN n } AS nodes" + _NODES
)

_REFS: LiteralString = (
    _META
    + "WITH meta, COLLECT { UNWIND $refs AS r MATCH (n:OrgNode {kind: r.kind}) WHERE n.id = r.id RETURN n } AS nodes"
    + _NODES
)

_WHOLE: LiteralString = _META + "WITH meta, COLLECT { MATCH (n:OrgNode) RETURN n } AS nodes" + _NODES


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
        text, params = _query_for(focus)
        deadline = time.monotonic() + COMMIT_WAIT
        pause = 0.005
        while True:
            before, row, after = self._gated(text, params)
            if before == after and not _open(before):
                return _org_of(row, partial=text is not _WHOLE)
            if time.monotonic() > deadline:
                raise StoreUnavailable(
                    f"Neo4j at {self.uri} has been committing a load for over {COMMIT_WAIT:g} s; try again"
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.2)

    def _gated(self, text: LiteralString, params: dict[str, Any]) -> tuple[tuple[Any, ...], Any, tuple[Any, ...]]:
        """The gate, the question's row, the gate again: three queries of one read transaction."""

        def work(tx: ManagedTransaction) -> tuple[tuple[Any, ...], Any, tuple[Any, ...]]:
            before = tx.run(_GATE).single()
            row = tx.run(text, params).single()
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


def _query_for(focus: Focus) -> tuple[LiteralString, dict[str, Any]]:
    names = focus.names
    if focus.question == "route" and len(names) == 2:
        return _ROUTE, {"account": normalize(names[0]), "issue": normalize(names[1])}
    if focus.question in ("chain", "boss", "person") and names:
        return _PERSON, {"name": names[0].strip(), "norm": normalize(names[0])}
    if focus.question == "top":
        return _TOP, {}
    if focus.question == "common_manager" and names:
        bare = [
            n.strip().removeprefix("person:").removeprefix("department:") for n in names
        ]  # person:ID, department:ID
        return _PARTIES, {"asked": [{"name": n, "norm": normalize(n)} for n in bare]}
    if focus.question == "in_charge" and names:
        return _IN_CHARGE, {"name": names[0].strip(), "norm": normalize(names[0])}
    if focus.question == "search" and names:
        return _SEARCH, {"norm": normalize(names[0]), "kinds": [k.value for k in Kind]}
    if focus.question == "kinds":
        return _KINDS, {"kinds": list(names)}
    if focus.question == "nodes":
        refs = [dict(zip(("kind", "id"), name.split(":", 1), strict=True)) for name in names if ":" in name]
        return _REFS, {"refs": refs}
    return _WHOLE, {}


def _gate(row: Any) -> tuple[Any, ...]:
    """(pending, done) of the commit gate, and whether it is fresh (an open gate older than STALE_GATE is not)."""
    if row is None or row["pending"] is None:
        return (0, 0, True)
    return (row["pending"], row["done"], (row["age"] or 0) < STALE_GATE * 1000)


def _open(gate: tuple[Any, ...]) -> bool:
    pending, done, fresh = gate
    return bool(pending > done and fresh)


def _org_of(row: Any, *, partial: bool = False) -> Org:
    if row is None or row["version"] is None:
        return Org()
    records = [_record_of(labels, props) for labels, props in row["nodes"]]
    if not partial:
        return Org(records, version=int(row["version"]))
    return Org(records, version=int(row["version"]), partial=True, top_id=row["top_id"])


def _record_of(labels: list[str], props: dict[str, Any]) -> Record:
    kind = next(KINDS[label] for label in labels if label in KINDS)
    data = {k: v for k, v in props.items() if k not in _DERIVED}
    if kind is Kind.ABSENCE:
        data.pop("id", None)  # derived from person and start
    file, row = data.pop("source_file", None), data.pop("source_row", None)
    if file:
        data["source"] = [file, row]
    return decode(kind, data)


_DERIVED = frozenset({"kind", "keys", "id_norm", "name_norm", "email_norm", "search"})


def _properties(record: Record) -> dict[str, Any]:
    props = encode(record)
    source = props.pop("source", None)
    if source:
        props["source_file"], props["source_row"] = source
    props["id"] = record.id
    props["kind"] = record.kind.value
    props["id_norm"] = normalize(record.id)
    props["search"] = sorted({normalize(n) for n in names_of(record)})
    name = getattr(record, "name", None)
    if name:
        props["name_norm"] = normalize(name)
    email = getattr(record, "email", None)
    if email:
        props["email_norm"] = normalize(email)
    if record.kind is Kind.ACCOUNT:
        props["keys"] = sorted(_account_keys(record))
    if record.kind is Kind.ISSUE_TYPE:
        props["keys"] = sorted(
            {normalize(n) for n in (record.id, getattr(record, "name", ""), *getattr(record, "synonyms", ()))}
        )
    return props


def _account_keys(account: Any) -> set[str]:
    return {normalize(account.id), *handle_names(account)}


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _apply(tx: ManagedTransaction, changes: ChangeSet, actor: str, summary: Summary) -> tuple[Org, Org]:
    row = tx.run(_WHOLE).single()
    before = _org_of(row)
    after = require_valid(before, changes)
    text = summary(before, after) if callable(summary) else summary
    tx.run("MATCH (n:OrgNode) DETACH DELETE n").consume()
    by_kind: dict[Kind, list[dict[str, Any]]] = defaultdict(list)
    for record in after.records():
        by_kind[record.kind].append(_properties(record))
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
