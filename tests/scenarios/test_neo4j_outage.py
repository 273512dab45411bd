"""Neo4j goes down and comes back: /readyz and answers follow, with no restart of buckstop.

Starts its own Neo4j (``.ci/neo4j/start.sh`` on a fixed port), so it can stop and
restart it under a running ``buckstop serve``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from buckstop import seed
from buckstop.graph.neo4j import Neo4jStore
from buckstop.loaders import apply_bundle

from harness.server import free_port, start_server, stop_server

pytestmark = [pytest.mark.slow, pytest.mark.neo4j]

SCRIPTS = Path(__file__).parents[2] / ".ci" / "neo4j"
QUERY = '{ route(account: "@CorvidHelp", issueType: "refund", on: "2026-11-23") { handlers { id } } }'


def neo4j_up(port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["BUCKSTOP_NEO4J_PORT"] = str(port)
    result = subprocess.run(
        ["bash", str(SCRIPTS / "start.sh")], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    exports = dict(line.removeprefix("export ").split("=", 1) for line in result.stdout.splitlines())
    return exports


def neo4j_down(exports: dict[str, str]) -> None:
    subprocess.run(["bash", str(SCRIPTS / "stop.sh")], env={**os.environ, **exports}, capture_output=True, timeout=120)


def wait_for(url: str, status: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/readyz", timeout=10).status_code == status:
            return
        time.sleep(0.3)
    raise AssertionError(f"/readyz never answered {status}")


def test_readiness_and_answers_follow_neo4j_down_and_back(tmp_path: Path) -> None:
    if not (shutil.which("java") and shutil.which("mvn")):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run this test, but Java or Maven is missing")
        pytest.skip("needs Java and Maven to start its own Neo4j")
    port = free_port()
    uri = f"bolt://127.0.0.1:{port}"
    exports = neo4j_up(port)
    process = None
    try:
        process, url = start_server(tmp_path / "unused.db", backend="neo4j", env={"NEO4J_URI": uri})
        assert httpx.post(f"{url}/graphql", json={"query": QUERY}, timeout=30).json()["data"]["route"]["handlers"]

        neo4j_down(exports)
        wait_for(url, 503)
        response = httpx.post(f"{url}/graphql", json={"query": QUERY}, timeout=30)
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "STORE_UNAVAILABLE"
        assert "Traceback" not in response.text

        exports = neo4j_up(port)  # a new, empty Neo4j on the same address
        wait_for(url, 200)
        store = Neo4jStore(uri)
        apply_bundle(store, seed.FOLDER)
        store.close()
        answer = httpx.post(f"{url}/graphql", json={"query": QUERY}, timeout=30).json()
        assert answer["data"]["route"]["handlers"] == [{"id": "p-tomas-herrera"}]
    finally:
        if process is not None:
            stop_server(process)
        neo4j_down(exports)
