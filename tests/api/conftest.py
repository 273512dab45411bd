"""Fixtures for the api tests: a real server on the demo org, on each backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.server import Server, demo_store, make_token, start_server, stop_server
from tests.conftest import BACKENDS


@pytest.fixture(scope="session", params=BACKENDS)
def demo_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of the demo org (memory: loaded first; Neo4j: seeded by the server), with a read token."""
    db = tmp_path_factory.mktemp("demo") / "buckstop.db"
    if request.param == "neo4j":
        neo4j = request.getfixturevalue("neo4j_server")
        neo4j.fresh()
        neo4j.holds = "demo"  # the server loads it, then it must be left alone
    token = make_token(demo_store(db) if request.param == "memory" else neo4j.store, "tests")
    # The session's Neo4j is shared with the other tests, which open, sweep and deliver cases of their own: this
    # server, running all session, must not sweep or post them behind their backs.
    quiet = {"BUCKSTOP_SWEEP_SECONDS": "0", "BUCKSTOP_WEBHOOK_SECONDS": "0"}
    process, url = start_server(db, backend=request.param, default_store=True, env=quiet)
    server = Server(url, db, token)
    yield server
    server.client.close()
    stop_server(process)
