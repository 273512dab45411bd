"""Fixtures for the query tests: the demo org, on each store (tests/conftest.py).

``corvid`` is loaded once per backend per session, as ``acme_store`` is: it is for tests that
only ask it questions. A test that applies to it fails at teardown (its change log moved), so a
test that must change an org builds its own with ``store_of``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from buckstop import seed
from buckstop.graph import MemoryStore, Store
from buckstop.loaders import apply_bundle

from tests.conftest import focused_if


@pytest.fixture(scope="session")
def corvid_memory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryStore]:
    store = MemoryStore(Path(tmp_path_factory.mktemp("corvid")) / "corvid.db")
    apply_bundle(store, seed.FOLDER)
    yield store
    store.close()


@pytest.fixture
def corvid(backend: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """The demo org (Corvid Electronics) as it is, for tests that only ask it questions. Never apply to it."""
    if backend == "neo4j":
        store: Store = request.getfixturevalue("neo4j_server").load(seed.FOLDER, holds="seed")
    else:
        store = focused_if(backend, request.getfixturevalue("corvid_memory"))
    before = store.changes(1)
    yield store
    assert store.changes(1) == before, "a test applied changes to the shared demo org: build its own with store_of"
