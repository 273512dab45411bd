"""Shared fixtures: real stores in real SQLite files under ``tmp_path``, closed after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from graph import MemoryStore
from loaders import apply_bundle
from tests.orgs import OrgBuilder, acme


@pytest.fixture
def open_store(tmp_path: Path) -> Iterator[Callable[..., MemoryStore]]:
    """Open a MemoryStore on a file in ``tmp_path`` (``org.db`` unless named); closed at teardown."""
    opened: list[MemoryStore] = []

    def open_(name: str = "org.db", **options: Any) -> MemoryStore:
        store = MemoryStore(tmp_path / name, **options)
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def store_of(tmp_path: Path, open_store: Callable[..., MemoryStore]) -> Callable[[OrgBuilder], MemoryStore]:
    """Write an org's bundle into ``tmp_path`` and load it into a fresh store with ``apply_bundle``."""
    count = 0

    def load(org: OrgBuilder) -> MemoryStore:
        nonlocal count
        count += 1
        store = open_store(f"org{count}.db" if count > 1 else "org.db")
        apply_bundle(store, org.write(tmp_path / f"bundle{count}"))
        return store

    return load


@pytest.fixture(scope="session")
def acme_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryStore]:
    """The Acme org as it is, loaded once for the tests that only ask it questions. Never apply to it."""
    folder = tmp_path_factory.mktemp("acme")
    store = MemoryStore(folder / "org.db")
    apply_bundle(store, acme().write(folder / "bundle"))
    yield store
    store.close()
