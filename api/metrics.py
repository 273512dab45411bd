"""Prometheus figures of ``buckstop serve``, answered at ``/metrics`` in the Prometheus text format.

The metrics (docs/metrics.md says how to scrape them):

- ``buckstop_requests_total{endpoint, operation, outcome}`` (counter) and
  ``buckstop_request_duration_seconds{endpoint, operation, outcome}`` (histogram):
  requests to ``/graphql`` and ``/mcp``, refused ones included, and how long each
  took until its response was sent.
- ``buckstop_org_version`` (gauge): the version of the org the store serves, as ``/readyz`` says.
- ``buckstop_org_loaded_timestamp_seconds`` (gauge): when that version was loaded (Unix time, from the log
  of changes).
- ``buckstop_store_up`` (gauge): 1 while the store answers, 0 while it does not (``/readyz``'s 200 or 503).
- ``buckstop_loads_total{outcome}`` (counter) and ``buckstop_load_duration_seconds{outcome}`` (histogram):
  loads made through the service (the ``loadPeople`` mutation); ``buckstop load`` on the command line is
  another process and is not counted here (``changes`` logs every load).
- ``process_*`` and ``python_*``: the library's process and runtime figures, with one worker only (see below).

Vocabulary:

- *endpoint*: ``graphql`` or ``mcp``.
- *operation*: a GraphQL document's operation name; for an unnamed operation its first root field
  (``route``, ``top``…); for ``/mcp`` the tool called. A name a client chose is kept for the first
  :data:`MAX_OPERATIONS` distinct ones a worker sees and folds into ``(other)`` after that, as does
  a name over 64 characters or a root field the schema does not have, so clients cannot grow the
  number of series without bound. ``(none)``: no operation was read (refused before parsing, a
  document that does not parse, an MCP request that calls no tool, GraphiQL's page).
- *outcome* of a request: ``ok``; ``client_error`` (the client's mistake: a syntax or validation
  error, an unknown name, a page too large, a bad request); ``forbidden`` (a token without the scope);
  ``unauthenticated`` (401: no token where one is needed, a wrong or revoked one); ``too_large`` (413);
  ``unavailable`` (503: the store is down, or the org kept changing under the request);
  ``internal_error`` (a bug, logged with a request id).
- *outcome* of a load: ``applied``, ``dry_run``, ``refused`` (the file's problems), ``failed``
  (anything else: the store down, a full disk, a read-only store file, a bug).

*Multiprocess mode*: with ``buckstop serve --workers N`` each worker is a process, so each counts in
files under ``PROMETHEUS_MULTIPROC_DIR`` (:func:`multiprocess_environment`, made by ``serve`` before the
workers start and removed when it exits), and the worker that answers a scrape sums every worker's
files. Counters and histograms of a worker that died stay counted, as counters must. The gauges are
set by the answering worker just before each scrape, in ``mostrecent`` mode, so the freshest value
wins and a dead worker's stale one never shows: no dead worker needs marking. The library cannot
collect other processes' CPU and memory, so ``process_*`` and ``python_*`` figures are only answered
with one worker.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, OperationDefinitionNode
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, make_asgi_app, multiprocess
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from buckstop.graph.errors import BuckstopError, BundleRefused
from buckstop.graph.store import Store

from .stores import answering_version

__all__ = [
    "MAX_OPERATIONS",
    "MULTIPROC_ENV",
    "Measured",
    "OperationMetrics",
    "metrics_app",
    "multiprocess_environment",
    "note_operation",
    "noted",
    "timed_load",
]

#: The environment variable that puts prometheus_client in multiprocess mode, naming its directory.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

#: Distinct client-chosen operation names a worker keeps as labels; later ones count as ``(other)``.
MAX_OPERATIONS = 100

OTHER = "(other)"
NONE = "(none)"

_ENDPOINTS = {"/graphql": "graphql", "/mcp": "mcp"}
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")

# Routes answer in about a millisecond; an upload of a large HR export takes seconds.
_REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_LOAD_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

REQUESTS = Counter("buckstop_requests", "Requests to /graphql and /mcp.", ["endpoint", "operation", "outcome"])
REQUEST_SECONDS = Histogram(
    "buckstop_request_duration_seconds",
    "Time to answer a request to /graphql or /mcp, until its response was sent.",
    ["endpoint", "operation", "outcome"],
    buckets=_REQUEST_BUCKETS,
)
ORG_VERSION = Gauge("buckstop_org_version", "Version of the org the store serves.", multiprocess_mode="mostrecent")
ORG_LOADED = Gauge(
    "buckstop_org_loaded_timestamp_seconds",
    "When the served org version was loaded (Unix time).",
    multiprocess_mode="mostrecent",
)
STORE_UP = Gauge("buckstop_store_up", "1 while the store answers, 0 while it does not.", multiprocess_mode="mostrecent")
LOADS = Counter("buckstop_loads", "Loads through the service (loadPeople), by outcome.", ["outcome"])
LOAD_SECONDS = Histogram(
    "buckstop_load_duration_seconds", "Time a load through the service took.", ["outcome"], buckets=_LOAD_BUCKETS
)

# Error codes (``extensions.code``) with an outcome of their own, worst first; any other code is a client_error.
_OUTCOME_OF_CODE = {
    "INTERNAL_ERROR": "internal_error",
    "STORE_UNAVAILABLE": "unavailable",
    "ORG_CHANGED": "unavailable",
    "FORBIDDEN": "forbidden",
}
_OUTCOME_OF_STATUS = {401: "unauthenticated", 413: "too_large", 503: "unavailable"}


# -- requests ---------------------------------------------------------------------------------------------


@dataclass
class _Request:
    """What the layers inside a request learnt of it: its operation, and the outcome the answer says."""

    operation: str | None = None
    trusted: bool = False  # a name from our schema or tools, not a client's choice
    outcome: str | None = None


_current: ContextVar[_Request | None] = ContextVar("buckstop_metrics_request", default=None)


def note_operation(operation: str | None, codes: Iterable[str | None], *, trusted: bool) -> None:
    """Tell the request being measured its operation and the error codes of its answer (none: ok).

    ``trusted`` names come from the schema or the tools, not from a client. Outside
    a measured request (the command line, MCP over stdio) this does nothing.
    """
    request = _current.get()
    if request is None:
        return
    found = [_OUTCOME_OF_CODE.get(code or "", "client_error") for code in codes]
    worst = [o for o in (*_OUTCOME_OF_CODE.values(), "client_error") if o in found]
    request.operation, request.trusted = operation, trusted
    request.outcome = worst[0] if worst else "ok"


def noted() -> tuple[str | None, bool]:
    """The operation the request being measured was told, and whether the name is trusted (none: None, False)."""
    request = _current.get()
    return (request.operation, request.trusted) if request is not None else (None, False)


class _Operations:
    """The operation label of a name: itself, or ``(other)`` once too many distinct names were seen."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.seen: set[str] = set()

    def label(self, request: _Request) -> str:
        name = request.operation
        if name is None:
            return NONE
        if request.trusted or name in self.seen:
            return name
        if not _NAME.fullmatch(name) or len(self.seen) >= self.most:
            return OTHER
        self.seen.add(name)
        return name


class Measured:
    """An ASGI middleware counting and timing the requests to ``/graphql`` and ``/mcp``.

    It stands outside every other layer, so refusals (401, 413) are counted too;
    the GraphQL extension and the MCP tools tell it the operation
    (:func:`note_operation`); otherwise the response's status decides the outcome.
    """

    def __init__(self, app: ASGIApp, *, most_operations: int = MAX_OPERATIONS) -> None:
        self.app = app
        self.operations = _Operations(most_operations)
        # Each label set's counter and histogram, found once: the library's labels() takes a lock and checks
        # the labels each time. Bounded as the labels are (endpoints × operations × outcomes).
        self._series: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = _ENDPOINTS.get(scope.get("path", "")) if scope["type"] == "http" else None
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        request = _Request()
        status = 500  # if the app raises before answering
        started = time.perf_counter()

        async def watching_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        reset = _current.set(request)
        try:
            await self.app(scope, receive, watching_send)
        finally:
            _current.reset(reset)
            outcome = _OUTCOME_OF_STATUS.get(status) or request.outcome or _outcome_of_status(status)
            labels = (endpoint, self.operations.label(request), outcome)
            series = self._series.get(labels)
            if series is None:
                series = self._series[labels] = (REQUESTS.labels(*labels), REQUEST_SECONDS.labels(*labels))
            series[0].inc()
            series[1].observe(time.perf_counter() - started)


def _outcome_of_status(status: int) -> str:
    if status >= 500:
        return "internal_error"
    return "client_error" if status >= 400 else "ok"


class OperationMetrics(SchemaExtension):
    """Tells the measured request its GraphQL operation and the outcome of its answer.

    List it before :class:`~api.errors.ErrorShape`: extensions finish in reverse
    order, so it then reads the errors with their codes.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        operation, trusted = _operation_of(context.graphql_document, context.operation_name, self._root_fields())
        result = context.result
        errors = getattr(result, "errors", None) or []
        note_operation(operation, [(e.extensions or {}).get("code") for e in errors], trusted=trusted)

    def _root_fields(self) -> dict[str, set[str]]:
        schema = self.execution_context.schema._schema
        roots = {"query": schema.query_type, "mutation": schema.mutation_type}
        return {kind: {*root.fields, "__typename", "__schema", "__type"} for kind, root in roots.items() if root}


def _operation_of(document: object, name: str | None, roots: dict[str, set[str]]) -> tuple[str | None, bool]:
    """The operation label of a parsed document and whether it is ours: (name, False), or (root field, True)."""
    definitions = getattr(document, "definitions", None)
    if not definitions:
        return None, False
    operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [op for op in operations if name is None or (op.name and op.name.value == name)]
    if not chosen:
        return (name, False) if name else (None, False)
    operation = chosen[0]
    if operation.name:
        return operation.name.value, False
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    if fields and fields[0].name.value in roots.get(operation.operation.value, set()):
        return fields[0].name.value, True
    return OTHER, True


# -- loads --------------------------------------------------------------------------------------------------


@dataclass
class _Load:
    outcome: str = "failed"


@contextlib.contextmanager
def timed_load(dry_run: bool) -> Iterator[_Load]:
    """Count and time the load made inside; set ``.outcome = "applied"`` once it applied.

    A refusal of the file (:class:`~graph.errors.BundleRefused`) is ``refused``,
    a dry run without an error ``dry_run``, any other error ``failed``.
    """
    done = _Load("dry_run" if dry_run else "failed")
    started = time.perf_counter()
    try:
        yield done
    except BundleRefused:
        done.outcome = "refused"
        raise
    except BaseException:
        done.outcome = "failed"
        raise
    finally:
        LOADS.labels(done.outcome).inc()
        LOAD_SECONDS.labels(done.outcome).observe(time.perf_counter() - started)


# -- the endpoint and multiprocess mode ---------------------------------------------------------------------


#: How far back the log is searched for the load of the version in force (past the scheduled ones loaded since).
_LOG_SEARCHED = 100


def _refresh(store: Store) -> None:
    """Set the gauges to what ``/readyz`` would say now."""
    version = answering_version(store)
    try:
        if version is not None:
            ORG_VERSION.set(version)
            # The version in force need not be the newest load: scheduled ones are loaded after it.
            for change in store.changes(limit=_LOG_SEARCHED):
                if change.version == version:
                    ORG_LOADED.set(change.at.timestamp())
                    break
    except BuckstopError:  # the store went away between the two questions
        version = None
    STORE_UP.set(0 if version is None else 1)


def metrics_app(store: Store) -> ASGIApp:
    """The ``/metrics`` endpoint: the gauges refreshed from ``store``, then every figure, as the library writes it.

    With ``PROMETHEUS_MULTIPROC_DIR`` set it answers the sum of every worker's files;
    otherwise this process's figures, with the library's process and runtime collectors.
    """
    registry = REGISTRY
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    export = make_asgi_app(registry)

    async def metrics(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.to_thread(_refresh, store)  # ready() on Neo4j waits for the network
        await export(scope, receive, send)

    return metrics


def multiprocess_environment() -> dict[str, str]:
    """``PROMETHEUS_MULTIPROC_DIR``, a new and private directory, for the workers about to start; removed at exit.

    The caller puts it in the environment the workers start with, and the library
    reads it when a worker imports it. New and private for each run, because the
    files of an earlier run or of another server would be summed in. It is removed
    when this process exits normally (uvicorn returns once its workers have
    stopped, on SIGTERM and Ctrl-C too); a process killed outright leaves it in the
    system's temporary folder.
    """
    path = tempfile.mkdtemp(prefix="buckstop-metrics-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return {MULTIPROC_ENV: path}
