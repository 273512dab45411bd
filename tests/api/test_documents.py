"""The document cache is bounded by bytes, whatever the documents hold; the selections of a document."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from graphql import parse

from buckstop.api.graphql.documents import Documents, Entry, selections, weight_of

from harness.server import demo_store, start_server, stop_server

pytestmark = pytest.mark.slow

#: Comments padding a document to just under the default body limit (1 MiB).
PAD = 1_000_000


def _padded(i: int) -> str:
    return f"# {i}\n" + "#" + "x" * PAD + "\n{ top { name } }"


def test_the_cache_keeps_documents_up_to_its_bytes() -> None:
    documents = Documents(max_bytes=8_000_000)
    for i in range(100):
        text = _padded(i)
        key = documents.key(text, {})
        documents.put(key, Entry(parse(text), weight_of(text, parse(text))))
        assert documents.bytes <= 8_000_000
    assert 1 <= len(documents) <= 4  # each holds about 2 MB: its text, and the copy of its comment
    assert documents.get(documents.key(_padded(99), {})) is not None  # the newest are kept
    assert documents.get(documents.key(_padded(0), {})) is None


def test_a_document_heavier_than_the_whole_cache_is_not_kept() -> None:
    documents = Documents(max_bytes=1_000_000)
    text = _padded(1)
    documents.put("k", Entry(parse(text), weight_of(text, parse(text))))
    assert len(documents) == 0 and documents.bytes == 0


def test_the_weight_grows_with_the_tokens_and_the_text() -> None:
    small, large = "{ top { name } }", "{ " + " ".join(f"a{i}: top {{ name }}" for i in range(25)) + " }"
    assert weight_of(small, parse(small)) < weight_of(large, parse(large)) < 100_000
    assert weight_of(_padded(1), parse(_padded(1))) > 2 * PAD


def test_selections_count_fields_and_spreads_as_written() -> None:
    document = parse("{ a: top { ...F } b: top { ...F ... on Person { id } } } fragment F on Person { name }")
    assert selections(document, 100) == 6  # top, ...F, top, ...F, id, and the fragment's name once
    assert selections(parse("{ " + "top { name } " * 1000 + "}"), 10) == 11  # it stops counting past the limit


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    db = demo_store(tmp_path_factory.mktemp("documents") / "buckstop.db")
    # Two malloc arenas: the pool's threads would otherwise each keep freed memory in an arena of their own,
    # which the RSS counts though the cache let it go.
    process, url = start_server(db, env={"BUCKSTOP_DOCUMENT_CACHE_BYTES": "8000000", "MALLOC_ARENA_MAX": "2"})
    yield url, process.pid
    stop_server(process)


#: The server's memory is read from /proc: Linux only (under CI the test runs, and fails without it).
NO_PROC = not Path("/proc/self/status").exists() and not os.environ.get("CI")


@pytest.mark.skipif(NO_PROC, reason="reads the server's memory in /proc (Linux)")
def test_many_padded_documents_leave_the_server_no_bigger(served: tuple[str, int]) -> None:
    url, pid = served
    with httpx.Client(base_url=url, timeout=30) as client:
        for i in range(5):  # warm up: the first requests grow the heap for good
            assert client.post("/graphql", json={"query": _padded(-i)}).status_code == 200
        time.sleep(0.2)
        before = _rss(pid)
        for i in range(150):
            response = client.post("/graphql", json={"query": _padded(i)})
            assert response.json() == {"data": {"top": {"name": "Helena Marsh"}}}
        grown = _rss(pid) - before
    # Unbounded by bytes (512 documents), these 150 would hold about 300 MB; the cache holds at most 8 MB, and the
    # heap's own slack on a busy machine has reached 62 MB: a third of the unbounded growth tells them apart.
    assert grown < 100_000_000, f"the server grew by {grown / 1e6:.0f} MB"
