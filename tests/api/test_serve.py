"""`buckstop serve --workers N`: several uvicorn worker processes, each answering over real HTTP.

Which process answers a connection is the kernel's choice, so the test makes it: it
stops (SIGSTOP) every worker but one, asks on a fresh connection, and resumes them.
Each worker is stopped for well under uvicorn's health check (5 s), so none is
replaced meanwhile.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from harness.server import start_server, stop_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers in /proc (Linux)"),
]


def workers_of(pid: int) -> list[int]:
    """The uvicorn workers among the children of ``pid`` (multiprocessing's resource tracker is not one)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def answer_alone(url: str, worker: int, others: list[int]) -> httpx.Response:
    """What ``worker`` answers to ``/readyz`` while the ``others`` are stopped; retried while it starts up."""
    for _ in range(10):
        for other in others:
            os.kill(other, signal.SIGSTOP)
        try:
            return httpx.get(f"{url}/readyz", timeout=2, headers={"connection": "close"})
        except httpx.TimeoutException:
            pass  # the worker is still starting: let the others answer their health checks, then again
        finally:
            for other in others:
                os.kill(other, signal.SIGCONT)
        time.sleep(0.5)
    raise AssertionError(f"worker {worker} did not answer alone")


def test_two_workers_each_answer_and_the_demo_org_is_seeded_once(tmp_path: Path) -> None:
    process, url = start_server(tmp_path / "buckstop.db", "--workers", "2", default_store=True)
    try:
        workers = workers_of(process.pid)
        assert len(workers) == 2, workers
        for worker in workers:
            response = answer_alone(url, worker, [w for w in workers if w != worker])
            assert response.status_code == 200, response.text
            # the demo's version of today (of its three, seed.VERSIONS), seeded once by the parent before the workers
            assert response.json()["version"] == 2
        query = {"query": "{ top { name } }"}
        assert httpx.post(f"{url}/graphql", json=query).json() == {"data": {"top": {"name": "Helena Marsh"}}}
    finally:
        stop_server(process)
    assert process.returncode == 0
    for worker in workers:
        assert not Path(f"/proc/{worker}").exists(), f"worker {worker} outlived the server"


def test_workers_setting_comes_from_the_environment(tmp_path: Path) -> None:
    process, url = start_server(tmp_path / "buckstop.db", env={"BUCKSTOP_WORKERS": "2"}, default_store=True)
    try:
        assert len(workers_of(process.pid)) == 2
        assert httpx.get(f"{url}/healthz").status_code == 200
    finally:
        stop_server(process)
    assert process.returncode == 0
