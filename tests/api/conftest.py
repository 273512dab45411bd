"""Fixtures for the api tests: a real server on the demo org."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.server import Server, start_server, stop_server


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server started on an empty store, so it loads the demo org."""
    db = tmp_path_factory.mktemp("demo") / "buckstop.db"
    process, url = start_server(db)
    server = Server(url, db)
    yield server
    server.client.close()
    stop_server(process)
