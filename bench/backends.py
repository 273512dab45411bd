"""The two backends side by side: load time and route + escalation latency.

    python -m bench.backends                      # 10k and 100k people, seed 1
    python -m bench.backends --people 10000 --questions 2000

Needs a Neo4j at NEO4J_URI (``eval "$(bash .ci/neo4j/start.sh)"`` starts one; give it
heap for 100k people: ``BUCKSTOP_NEO4J_JAVA_OPTS="-Xms2g -Xmx6g"``, as docs/backends.md was measured). For each size
it builds the same synthetic org (``harness.synth``, seeded), writes it as a bundle,
and for each backend measures:

- load: ``buckstop load`` of the bundle (parse, validate, apply, persist), once;
- in process: ``queries.route`` for random (account, issue type) pairs, each
  answer including its escalation chain and explanation;
- over HTTP: the GraphQL ``route`` query (handlers, escalation, explanation)
  against ``buckstop serve`` (one uvicorn worker) on the same store, from one client.

Latencies are medians and 99th percentiles of single requests, measured in one
run, side by side. Results vary with the machine; compare ratios, not absolutes.

Output: the run's sizes and seed first, then a Markdown table row per (size, backend)
as soon as it is measured, then the whole table. A cell that fails prints what failed
(which backend, size and stage) and the run goes on; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from buckstop.graph import MemoryStore, Store
from buckstop.graph.model import Account
from buckstop.loaders import apply_bundle
from buckstop.queries import route

from harness.server import free_port, stop_server
from harness.synth import DAY, synth, write_bundle

__all__ = ["main", "ready_timeout"]

QUERY = """query($a: String!, $i: String!, $on: Date) { route(account: $a, issueType: $i, on: $on) {
  fallback handlers { id name } escalation { level person { id name } } explanation } }"""

HEADER = (
    "| people | backend | load (s) | route p50 (µs) | route p99 (µs) | HTTP p50 (ms) | HTTP p99 (ms) |\n"
    "|---:|---|---:|---:|---:|---:|---:|"
)


class CellFailed(Exception):
    """One (size, backend) cell failed at ``stage``: the run reports it and goes on."""

    def __init__(self, stage: str, error: BaseException) -> None:
        self.stage = stage
        super().__init__(f"{stage}: {type(error).__name__}: {error}")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def timed(calls: list[Callable[[], object]]) -> list[float]:
    samples = []
    for call in calls:
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def ready_timeout(people: int) -> float:
    """Seconds to wait for ``buckstop serve`` to answer /readyz on an org of ``people``.

    /readyz reads the store's whole org to report its version. On Neo4j that is one query
    returning every node, about 5 s at 100k people on a busy two-core machine (0.6 s at 10k),
    and it grows with the org, so a fixed wait (or a probe that gives up after a second)
    cannot fit every size: allow 60 s plus 1 s per thousand people.
    """
    return 60 + people / 1000


def serve(backend: str, db: Path, people: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``buckstop serve`` (one worker, no demo org) on the store just loaded; its process and URL once ready.

    It waits for /healthz first (the process is up; cheap), then asks /readyz once with a
    timeout that grows with the org (:func:`ready_timeout`). Polling /readyz with a short
    timeout, as the test helper does, never succeeds on a large Neo4j org: each probe gives
    up before its whole-org read is done, and the abandoned reads queue up in the worker.
    """
    port = free_port()
    env = {**os.environ, "BUCKSTOP_DB": str(db), "BUCKSTOP_LOG_LEVEL": "warning", "BUCKSTOP_BACKEND": backend}
    command = [sys.executable, "-m", "buckstop.api.cli", "serve", "--port", str(port), "--no-seed"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    limit = ready_timeout(people)
    deadline = time.monotonic() + limit
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"buckstop serve exited early:\n{log.read_text(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"buckstop serve did not answer /healthz within {limit:.0f} s")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        try:
            response = httpx.get(f"{url}/readyz", timeout=max(deadline - time.monotonic(), 1))
        except httpx.TimeoutException as err:
            raise RuntimeError(f"/readyz did not answer within {limit:.0f} s (ready_timeout)") from err
        if response.status_code != 200:
            raise RuntimeError(f"/readyz answered {response.status_code}: {response.text}")
    except BaseException:
        stop_server(process)
        raise
    return process, url


def neo4j_store() -> Store:
    from buckstop.graph.neo4j import Neo4jStore

    uri = os.environ.get("NEO4J_URI")
    if not uri:
        raise RuntimeError('NEO4J_URI is not set (eval "$(bash .ci/neo4j/start.sh)" starts a Neo4j)')
    store = Neo4jStore(uri, os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD"))
    store.clear()
    return store


def measure(backend: str, folder: Path, pairs: list[tuple[str, str]], work: Path, people: int) -> dict[str, float]:
    """One cell; raises CellFailed naming the stage that failed."""
    stage = "open the store"
    try:
        store: Store = MemoryStore(work / f"{backend}.db") if backend == "memory" else neo4j_store()
        try:
            stage = "load"
            start = time.perf_counter()
            apply_bundle(store, folder)
            load = time.perf_counter() - start
            stage = "route in process"
            for account, issue in pairs[:50]:  # warm caches and connections
                route(store, account, issue, on=DAY)
            in_process = timed([lambda a=a, i=i: route(store, a, i, on=DAY) for a, i in pairs])
        finally:
            store.close()
        stage = "start buckstop serve"
        process, url = serve(backend, work / f"{backend}.db", people, work / f"{backend}-serve.log")
        stage = "route over HTTP"
        try:
            with httpx.Client(base_url=url, timeout=30) as client:

                def ask(account: str, issue: str) -> None:
                    body = {"query": QUERY, "variables": {"a": account, "i": issue, "on": DAY.isoformat()}}
                    response = client.post("/graphql", json=body)
                    response.raise_for_status()
                    if "errors" in response.json():
                        raise RuntimeError(f"GraphQL errors: {response.text[:500]}")

                for account, issue in pairs[:50]:
                    ask(account, issue)
                over_http = timed([lambda a=a, i=i: ask(a, i) for a, i in pairs])
        finally:
            stop_server(process)
    except Exception as err:
        raise CellFailed(stage, err) from err
    p50, p99 = percentiles(in_process)
    h50, h99 = percentiles(over_http)
    return {"load": load, "p50": p50, "p99": p99, "h50": h50, "h99": h99}


def row(people: int, backend: str, r: dict[str, float]) -> str:
    return (
        f"| {people:,} | {backend} | {r['load']:.2f} | {r['p50'] * 1e6:,.0f} | {r['p99'] * 1e6:,.0f}"
        f" | {r['h50'] * 1e3:.2f} | {r['h99'] * 1e3:.2f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backends", nargs="+", choices=["memory", "neo4j"], default=["memory", "neo4j"])
    args = parser.parse_args(argv)
    sizes = ", ".join(f"{people:,}" for people in args.people)
    print(
        f"bench.backends: {sizes} people, seed {args.seed}, {args.questions} questions per cell, "
        f"backends {', '.join(args.backends)}; one client, one uvicorn worker",
        flush=True,
    )
    print(HEADER, flush=True)
    rows: list[str] = []
    failures: list[str] = []
    for people in args.people:
        org = synth(people, seed=args.seed)
        rng = random.Random(args.seed)
        handles = {a.id: a.handle for a in org.records if isinstance(a, Account)}
        pairs = [(handles[rng.choice(org.accounts)], rng.choice(org.issue_types)) for _ in range(args.questions)]
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            folder = write_bundle(org.records, work / "bundle")
            for backend in args.backends:
                try:
                    result = measure(backend, folder, pairs, work, people)
                except CellFailed as failed:
                    failures.append(f"{backend} at {people:,} people failed at {failed}")
                    print(f"FAILED: {failures[-1]}", flush=True)
                    continue
                rows.append(row(people, backend, result))
                print(rows[-1], flush=True)
    print()
    print(f"seed {args.seed}, {args.questions} questions per cell, one client, one uvicorn worker")
    print(HEADER)
    print("\n".join(rows))
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
