"""``/metrics`` of a real ``buckstop serve`` over real HTTP, read with prometheus_client's own parser."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from buckstop.api.metrics import MAX_OPERATIONS

from harness.server import Server, demo_store, make_token, start_server, stop_server
from tests.loaders.samples import export_bytes

pytestmark = pytest.mark.slow

DOCS = Path(__file__).parents[2] / "docs" / "metrics.md"

#: Every family of ours, as the parser names it (a counter without its ``_total``).
OURS = {
    "buckstop_requests": "counter",
    "buckstop_request_duration_seconds": "histogram",
    "buckstop_org_version": "gauge",
    "buckstop_org_loaded_timestamp_seconds": "gauge",
    "buckstop_store_up": "gauge",
    "buckstop_loads": "counter",
    "buckstop_load_duration_seconds": "histogram",
}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: httpx.Client) -> tuple[dict[str, str], Samples]:
    """The families (name → type) and every sample (name and labels → value) of one scrape."""
    response = client.get("/metrics", headers={"connection": "close"})
    assert response.status_code == 200, response.text
    families = list(text_string_to_metric_families(response.text))
    samples = {(s.name, frozenset(s.labels.items())): s.value for f in families for s in f.samples}
    return {f.name: f.type for f in families}, samples


def requests(samples: Samples, endpoint: str, operation: str, outcome: str) -> float:
    labels = frozenset({"endpoint": endpoint, "operation": operation, "outcome": outcome}.items())
    return samples.get(("buckstop_requests_total", labels), 0.0)


def loads(samples: Samples, outcome: str) -> float:
    return samples.get(("buckstop_loads_total", frozenset({"outcome": outcome}.items())), 0.0)


def gauge(samples: Samples, name: str) -> float:
    return samples[(name, frozenset())]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of the demo org; its client sends an admin token."""
    db = tmp_path_factory.mktemp("metrics") / "buckstop.db"
    token = make_token(demo_store(db), "prometheus", "admin")
    process, url = start_server(db)
    server = Server(url, db, token)
    yield server
    server.client.close()
    stop_server(process)


def test_metrics_answer_the_prometheus_text_format(server: Server) -> None:
    response = server.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    types, samples = scrape(server.client)
    assert {name: types.get(name) for name in OURS} == OURS
    assert "process_cpu_seconds" in types and "python_info" in types  # the library's, with one worker
    assert gauge(samples, "buckstop_store_up") == 1


def test_every_metric_is_documented() -> None:
    documented = set(re.findall(r"`(buckstop_[a-z_]+)", DOCS.read_text()))
    assert {name + ("_total" if kind == "counter" else "") for name, kind in OURS.items()} <= documented


def test_requests_are_counted_by_operation_and_outcome(server: Server) -> None:
    _, before = scrape(server.client)
    assert server.query("query WhoIsTop { top { name } }")["data"]["top"]["name"] == "Helena Marsh"
    assert server.query('{ route(account: "@Nowhere", issueType: "refund") { fallback } }')["errors"]
    top = {"query": "{ top { id } }"}
    wrong_token = server.client.post("/graphql", json=top, headers={"authorization": "Bearer x"})
    assert wrong_token.status_code == 401
    too_large = server.client.post("/graphql", content=b" " * 2_000_000, headers={"content-type": "application/json"})
    assert too_large.status_code == 413
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "top", "arguments": {}}}
    mcp = server.client.post("/mcp", json=call, headers={"accept": "application/json, text/event-stream"})
    assert mcp.status_code == 200 and mcp.json()["result"]["isError"] is False, mcp.text
    _, after = scrape(server.client)

    for endpoint, operation, outcome in [
        ("graphql", "WhoIsTop", "ok"),
        ("graphql", "route", "client_error"),
        ("graphql", "(none)", "unauthenticated"),
        ("graphql", "(none)", "too_large"),
        ("mcp", "top", "ok"),
    ]:
        moved = requests(after, endpoint, operation, outcome) - requests(before, endpoint, operation, outcome)
        assert moved == 1, (endpoint, operation, outcome)
    labels = frozenset({"endpoint": "graphql", "operation": "WhoIsTop", "outcome": "ok"}.items())
    assert after[("buckstop_request_duration_seconds_count", labels)] >= 1
    assert 0 < after[("buckstop_request_duration_seconds_sum", labels)] < 10


def test_the_org_version_is_the_one_readyz_serves(server: Server) -> None:
    ready = server.client.get("/readyz").json()
    _, samples = scrape(server.client)
    assert gauge(samples, "buckstop_org_version") == ready["version"] == 2  # the demo's version of today
    loaded = gauge(samples, "buckstop_org_loaded_timestamp_seconds")
    assert time.time() - 600 < loaded <= time.time()  # the demo org, loaded when this server started


def test_client_chosen_operation_names_fold_once_there_are_too_many(server: Server) -> None:
    for n in range(MAX_OPERATIONS + 5):
        server.query(f"query Ask{n} {{ top {{ id }} }}")
    server.query(f"query {'Long' * 20} {{ top {{ id }} }}")
    server.query("{ nosuchfield }")  # not one of the schema's root fields: a client's name too
    _, samples = scrape(server.client)
    operations = {dict(labels)["operation"] for name, labels in samples if name == "buckstop_requests_total"}
    assert len([o for o in operations if o.startswith("Ask")]) < MAX_OPERATIONS  # earlier tests took some places
    assert "Long" * 20 not in operations and "nosuchfield" not in operations
    assert requests(samples, "graphql", "(other)", "ok") >= 6
    assert requests(samples, "graphql", "(other)", "client_error") >= 1
    # Root fields of the schema are never folded, however many names clients chose.
    server.query('{ boss(of: "Carmen Ortiz") { id } }')
    assert requests(scrape(server.client)[1], "graphql", "boss", "ok") == 1


# -- loads through the service ------------------------------------------------------------------------------

LOAD = "mutation Load($file: Upload!, $dryRun: Boolean!) { loadPeople(file: $file, dryRun: $dryRun) { applied } }"


def upload(client: httpx.Client, data: bytes, *, dry_run: bool = False) -> dict[str, Any]:
    form = {
        "operations": json.dumps({"query": LOAD, "variables": {"file": None, "dryRun": dry_run}}),
        "map": json.dumps({"file": ["variables.file"]}),
    }
    files = {"file": ("export.csv", data)}
    response = client.post("/graphql", data=form, files=files, headers={"x-buckstop-upload": "1"})
    body: dict[str, Any] = response.json()
    return body


def test_loads_through_the_service_are_counted_and_timed(tmp_path: Path) -> None:
    token = make_token(tmp_path / "hr.db", "hr-pipeline", "admin")
    process, url = start_server(tmp_path / "hr.db", "--no-seed")
    try:
        client = httpx.Client(base_url=url, timeout=30, headers={"authorization": f"Bearer {token}"})
        assert upload(client, export_bytes("BambooHR"))["data"]["loadPeople"]["applied"] is True
        assert upload(client, export_bytes("BambooHR"), dry_run=True)["data"]["loadPeople"]["applied"] is False
        broken = export_bytes("Personio").replace(b"PARK, SUE", b"PARK, SUSAN")
        assert upload(client, broken)["errors"][0]["extensions"]["code"] == "BUNDLE_REFUSED"
        _, samples = scrape(client)
        assert {o: loads(samples, o) for o in ("applied", "dry_run", "refused", "failed")} == {
            "applied": 1,
            "dry_run": 1,
            "refused": 1,
            "failed": 0,
        }
        applied = frozenset({"outcome": "applied"}.items())
        assert samples[("buckstop_load_duration_seconds_count", applied)] == 1
        assert requests(samples, "graphql", "Load", "client_error") == 1  # the refusal, as the request saw it
        assert gauge(samples, "buckstop_org_version") == client.get("/readyz").json()["version"] == 1
        client.close()
    finally:
        stop_server(process)


# -- several workers ----------------------------------------------------------------------------------------


def workers_of(pid: int) -> list[int]:
    """The uvicorn workers among the children of ``pid`` (multiprocessing's resource tracker is not one)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def ask_alone(url: str, others: list[int], times: int) -> None:
    """Ask ``times`` GraphQL questions, each on a fresh connection, while the ``others`` workers are stopped."""
    for other in others:
        os.kill(other, signal.SIGSTOP)
    try:
        for _ in range(times):
            # Generous: the worker left running may still be starting (the server was ready when one of
            # the two was), and on a busy machine that takes seconds; it must answer, not be quick.
            response = httpx.post(
                f"{url}/graphql", json={"query": "{ top { id } }"}, headers={"connection": "close"}, timeout=60
            )
            assert response.status_code == 200, response.text
    finally:
        for other in others:
            os.kill(other, signal.SIGCONT)


def multiproc_dir(worker: int) -> Path:
    environ = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
    [value] = [v.split(b"=", 1)[1] for v in environ if v.startswith(b"PROMETHEUS_MULTIPROC_DIR=")]
    return Path(value.decode())


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers in /proc (Linux)")
def test_two_workers_figures_are_summed(tmp_path: Path) -> None:
    process, url = start_server(demo_store(tmp_path / "org.db"), "--workers", "2")
    try:
        workers = workers_of(process.pid)
        assert len(workers) == 2, workers
        folder = multiproc_dir(workers[0])
        assert folder == multiproc_dir(workers[1]) and folder.is_dir()
        ask_alone(url, [workers[1]], 3)  # the first worker answers these
        ask_alone(url, [workers[0]], 4)  # the second these
        with httpx.Client(base_url=url, timeout=5) as client:
            for _ in range(4):  # whichever worker answers the scrape, it sums both
                types, samples = scrape(client)
                assert requests(samples, "graphql", "top", "ok") == 7
                assert gauge(samples, "buckstop_org_version") == client.get("/readyz").json()["version"] == 2
                assert gauge(samples, "buckstop_store_up") == 1
            assert "process_cpu_seconds" not in types  # one process's CPU cannot stand for the workers'
    finally:
        stop_server(process)
    assert process.returncode == 0
    assert not folder.exists(), "the workers' metrics folder outlived the server"


def test_metrics_need_a_token_where_questions_do(tmp_path: Path) -> None:
    token = make_token(demo_store(tmp_path / "org.db"), "prometheus", "read")
    process, url = start_server(tmp_path / "org.db", env={"BUCKSTOP_ANONYMOUS_READS": "off"})
    try:
        anonymous = httpx.get(f"{url}/metrics")
        assert anonymous.status_code == 401
        assert "buckstop_" not in anonymous.text
        scraper = httpx.get(f"{url}/metrics", headers={"authorization": f"Bearer {token}"})
        assert scraper.status_code == 200 and "buckstop_store_up 1.0" in scraper.text
    finally:
        stop_server(process)
