"""Fixtures for the query tests: the demo org, on each store (tests/conftest.py)."""

from __future__ import annotations

import pytest

from buckstop import seed
from buckstop.graph import Store
from buckstop.loaders import apply_bundle

from tests.conftest import focused_if


@pytest.fixture
def corvid(backend, request, open_store) -> Store:
    """The demo org (Corvid Electronics) as it is, for tests that only ask it questions. Never apply to it."""
    if backend == "neo4j":
        return request.getfixturevalue("neo4j_server").load(seed.FOLDER, holds="seed")
    store = open_store("corvid.db")
    apply_bundle(store, seed.FOLDER)
    return focused_if(backend, store)
