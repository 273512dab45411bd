"""The two backends side by side: load time and route + escalation latency.

    python -m bench.backends                      # 10k and 100k people, seed 1
    python -m bench.backends --people 10000 --questions 2000

Needs a Neo4j at NEO4J_URI (``eval "$(bash .ci/neo4j/start.sh)"`` starts one; give it
heap for 100k people: ``BUCKSTOP_NEO4J_JAVA_OPTS="-Xms1g -Xmx4g"``). For each size
it builds the same synthetic org (``bench.synth``, seeded), writes it as a bundle,
and for each backend measures:

- load: ``buckstop load`` of the bundle (parse, validate, apply, persist), once;
- in process: ``queries.route`` for random (account, issue type) pairs, each
  answer including its escalation chain and explanation;
- over HTTP: the GraphQL ``route`` query (handlers, escalation, explanation)
  against ``buckstop serve`` (one uvicorn worker) on the same store, from one client.

Latencies are medians and 99th percentiles of single requests, measured in one
run, side by side. Results vary with the machine; compare ratios, not absolutes.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from buckstop.graph import MemoryStore, Store
from buckstop.graph.model import Account
from buckstop.loaders import apply_bundle
from buckstop.queries import route

from bench.synth import DAY, synth, write_bundle
from tests.api.server import start_server, stop_server

QUERY = """query($a: String!, $i: String!, $on: Date) { route(account: $a, issueType: $i, on: $on) {
  fallback handlers { id name } escalation { level person { id name } } explanation } }"""


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


def neo4j_store() -> Store:
    from buckstop.graph.neo4j import Neo4jStore

    store = Neo4jStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD"))
    store.clear()
    return store


def measure(backend: str, folder: Path, pairs: list[tuple[str, str]], work: Path) -> dict[str, float]:
    store: Store = MemoryStore(work / f"{backend}.db") if backend == "memory" else neo4j_store()
    start = time.perf_counter()
    apply_bundle(store, folder)
    load = time.perf_counter() - start
    for account, issue in pairs[:50]:  # warm caches and connections
        route(store, account, issue, on=DAY)
    in_process = timed([lambda a=a, i=i: route(store, a, i, on=DAY) for a, i in pairs])
    store.close()
    process, url = start_server(work / f"{backend}.db", "--no-seed", backend=backend)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:

            def ask(account: str, issue: str) -> None:
                body = {"query": QUERY, "variables": {"a": account, "i": issue, "on": DAY.isoformat()}}
                response = client.post("/graphql", json=body)
                response.raise_for_status()
                assert "errors" not in response.json(), response.text

            for account, issue in pairs[:50]:
                ask(account, issue)
            over_http = timed([lambda a=a, i=i: ask(a, i) for a, i in pairs])
    finally:
        stop_server(process)
    p50, p99 = percentiles(in_process)
    h50, h99 = percentiles(over_http)
    return {"load": load, "p50": p50, "p99": p99, "h50": h50, "h99": h99}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backends", nargs="+", default=["memory", "neo4j"])
    args = parser.parse_args()
    rows = []
    for people in args.people:
        org = synth(people, seed=args.seed)
        rng = random.Random(args.seed)
        handles = {a.id: a.handle for a in org.records if isinstance(a, Account)}
        pairs = [(handles[rng.choice(org.accounts)], rng.choice(org.issue_types)) for _ in range(args.questions)]
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            folder = write_bundle(org.records, work / "bundle")
            for backend in args.backends:
                result = measure(backend, folder, pairs, work)
                rows.append((people, backend, result))
                print(f"  measured {backend} at {people:,} people", flush=True)
    print()
    print(f"seed {args.seed}, {args.questions} questions per cell, one client, one uvicorn worker")
    print(
        f"{'people':>8}  {'backend':<7}  {'load s':>7}  {'route p50':>10}  {'route p99':>10}"
        f"  {'HTTP p50':>9}  {'HTTP p99':>9}"
    )
    for people, backend, r in rows:
        print(
            f"{people:>8,}  {backend:<7}  {r['load']:>7.2f}  {r['p50'] * 1e6:>8.0f}µs  {r['p99'] * 1e6:>8.0f}µs"
            f"  {r['h50'] * 1e3:>7.2f}ms  {r['h99'] * 1e3:>7.2f}ms"
        )


if __name__ == "__main__":
    main()
