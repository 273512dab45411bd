"""Shared fixtures: real stores, in real SQLite files under ``tmp_path`` or in a real Neo4j.

The fixtures that give a loaded store (``store_of``, ``acme_store``) are
parametrised over the backends, so every question asked in ``tests/queries``
is asked of the memory backend, of the focused memory store (which answers each
read with only its declared reach, as Neo4j does: :mod:`graph.focused`) and of
Neo4j, and must get the same answer.
Neo4j is the server at ``NEO4J_URI`` (``make test`` starts one); without it the
Neo4j cases skip, saying why -- except under ``CI=true``, where they fail.

A test that starts a process (a server, a ``buckstop`` command, ``mount``, a browser, a
Neo4j) is marked ``slow``, so that ``python -m pytest -m "not slow"`` is the inner loop
of a few seconds. The mark is checked, not trusted: a test that is not marked ``slow``
and starts a process anyway (while it is set up or runs) fails, naming what it started.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from buckstop.graph import MemoryStore, Store
from buckstop.graph.focused import FocusedStore
from buckstop.loaders import apply_bundle

from tests.orgs import OrgBuilder, acme

#: The backends a server runs on.
BACKENDS = ["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)]
#: The stores a question is asked of: the backends, and the memory backend read through each focus's reach.
STORES = ["memory", "focused", pytest.param("neo4j", marks=pytest.mark.neo4j)]

# The audit events (docs.python.org, "Audit events table") of starting a process, in any of Python's ways.
_PROCESS_EVENTS = frozenset({"subprocess.Popen", "os.system", "os.posix_spawn", "os.spawn", "os.exec", "os.fork"})
_started: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Called for every audited event of the session, so it only looks, and only at a set.
    if event in _PROCESS_EVENTS:
        _started.append(f"{event} {args[1] if event == 'subprocess.Popen' and len(args) > 1 else ''}".strip())


sys.addaudithook(_audit)  # a hook cannot be removed; it stays for the session, and costs a set lookup


def _watch_processes(item: pytest.Item) -> Generator[None, object, object]:
    """Run a phase of ``item``; fail it if it started a process without being marked ``slow``."""
    _started.clear()
    result = yield
    if _started and item.get_closest_marker("slow") is None:
        started, _ = _started[0], _started.clear()
        pytest.fail(
            f"{item.nodeid} started a process ({started[:200]}) but is not marked slow: "
            "mark it @pytest.mark.slow (or the module, pytestmark) so that `pytest -m 'not slow'` stays fast",
            pytrace=False,
        )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _watch_processes(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _watch_processes(item))


class Neo4jServer:
    """The session's Neo4j, and which bundle it holds (so a read-only org is not reloaded)."""

    def __init__(self) -> None:
        from buckstop.graph.neo4j import Neo4jStore

        self.store = Neo4jStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD"))
        self.holds: object = None

    def fresh(self) -> Store:
        self.store.clear()
        self.holds = None
        return self.store

    def load(self, folder: Path, holds: object = None) -> Store:
        if holds is None or holds != self.holds:
            self.fresh()
            apply_bundle(self.store, folder)
            self.holds = holds
        return self.store


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jServer]:
    if not os.environ.get("NEO4J_URI"):
        reason = "no Neo4j: NEO4J_URI is not set (`make test` starts one when Java and Maven are installed)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the Neo4j tests, but there is {reason}")
        pytest.skip(reason)
    server = Neo4jServer()
    yield server
    server.store.close()


@pytest.fixture(params=STORES)
def backend(request: pytest.FixtureRequest) -> str:
    """The name of the store a parametrised test runs on: ``memory``, ``focused`` or ``neo4j``."""
    return str(request.param)


def focused_if(backend: str, store: MemoryStore) -> Store:
    """``store`` itself, or for the ``focused`` backend, read through each focus's reach."""
    return FocusedStore(store) if backend == "focused" else store


@pytest.fixture
def open_store(tmp_path: Path) -> Iterator[Callable[..., MemoryStore]]:
    """Open a MemoryStore on a file in ``tmp_path`` (``org.db`` unless named); closed at teardown."""
    opened: list[MemoryStore] = []

    def open_(name: str = "org.db", **options: Any) -> MemoryStore:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)  # a store never makes its folder
        store = MemoryStore(tmp_path / name, **options)
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def store_of(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, open_store: Callable[..., MemoryStore]
) -> Callable[[OrgBuilder], Store]:
    """Write an org's bundle into ``tmp_path`` and load it into a fresh store of ``backend``."""
    count = 0

    def load(org: OrgBuilder) -> Store:
        nonlocal count
        count += 1
        folder = org.write(tmp_path / f"bundle{count}")
        if backend == "neo4j":
            return request.getfixturevalue("neo4j_server").load(folder)
        store = open_store(f"org{count}.db" if count > 1 else "org.db")
        apply_bundle(store, folder)
        return focused_if(backend, store)

    return load


@pytest.fixture(scope="session")
def acme_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("acme")
    return acme().write(folder / "bundle")


@pytest.fixture(scope="session")
def acme_memory(acme_folder: Path) -> Iterator[MemoryStore]:
    store = MemoryStore(acme_folder.parent / "org.db")
    apply_bundle(store, acme_folder)
    yield store
    store.close()


@pytest.fixture
def acme_store(request: pytest.FixtureRequest, backend: str, acme_folder: Path) -> Iterator[Store]:
    """The Acme org as it is, for the tests that only ask it questions. Never apply to it.

    It is loaded once per backend per session; a test that applies to it fails at teardown.
    """
    if backend == "neo4j":
        store: Store = request.getfixturevalue("neo4j_server").load(acme_folder, holds="acme")
    else:
        store = focused_if(backend, request.getfixturevalue("acme_memory"))
    before = store.changes(1)
    yield store
    assert store.changes(1) == before, "a test applied changes to the shared Acme org: build its own with store_of"


def case_store(request: pytest.FixtureRequest, backend: str, folder: Path, holds: str, db: Path) -> Iterator[Store]:
    """A store of the bundle ``folder`` on ``backend``, with no cases and no webhooks: for the case and webhook tests.

    On Neo4j it is the session's server holding ``folder`` under the name ``holds`` (one org per name); its
    hooks are removed afterwards too, since the next module's cases restart at 1 and no hook of this one may
    want them. On the memory backend it is the new SQLite file ``db``.
    """
    if backend == "neo4j":
        store: Store = request.getfixturevalue("neo4j_server").load(folder, holds=holds)
        store.cases.clear()
        store.webhooks.clear()
        yield store
        store.webhooks.clear()
        return
    memory = MemoryStore(db)
    apply_bundle(memory, folder)
    yield memory
    memory.close()
