"""The HTTP load benchmark: a mix of GraphQL questions held for a while against real uvicorn workers.

    python -m bench.http                          # 60 s per cell; 1, 2 and 4 workers; 10k people
    python -m bench.http --seconds 2 --workers 1 2 --people 1000   # a smoke run of a few seconds

Vocabulary:

- the *org*: a seeded synthetic org (:mod:`harness.synth`, ``--people``, ``--seed``) or the
  demo org of ``seed/`` (``--org demo``), loaded once into a SQLite file that every
  server of the run opens;
- the *mix*: ``--bodies`` GraphQL request bodies drawn once with the seed, six in ten
  ``route`` (an account by handle or id, an issue type by id, name or synonym), three
  ``chainOfCommand`` (someone who has not left), one ``top``; every connection sends
  them in turn, so each server gets the same requests;
- a *cell*: one server at one worker count: ``buckstop serve --workers N`` on the org,
  *uncached* (``BUCKSTOP_RESPONSE_CACHE=off``: every request answered by GraphQL) or
  *cached* (the default: after the warm-up every answer of the mix is kept), or the
  *ceiling*, a trivial starlette endpoint (:mod:`bench.ceiling`) under
  ``uvicorn --workers N``, all with log level ``warning`` (no access log), loopback
  only; after a warm-up, ``wrk`` holds ``--connections`` connections open from one
  thread for ``--seconds``, sending the next request as soon as an answer arrives.
  ``--servers`` picks the cells (default all three, side by side at each worker count).

The load generator is wrk (Debian's ``wrk``): it keeps a fixed number of connections
busy from one thread, its Lua script POSTs the bodies and counts GraphQL errors, and
it reports the latency distribution (p50, p99) over every request. Locust would need
several Python processes to make as much load, taking the cores the servers need.
wrk runs on the same machine as the servers: on two cores it takes up to about one
(its CPU share is in the table), so figures are the machine's, generator included.

Prints a Markdown table (docs/performance.md records one) and exits 1 if any cell
had errors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from buckstop.graph.model import Account, IssueType, Kind, Person, Status
from buckstop.graph.org import Org

from harness.server import free_port, start_public, stop_server, wait_ready
from harness.synth import DAY, load_org

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).with_suffix(".lua")

ROUTE = """query Route($a: String!, $i: String!, $on: Date) { route(account: $a, issueType: $i, on: $on) {
  fallback handlers { id name title } escalation { level person { id name title } absent } explanation } }"""
CHAIN = "query Chain($p: ID!) { chainOfCommand(person: $p) { id name title } }"
TOP = "query Top { top { id name title } }"
#: Of every ten requests: six routes, three chains of command, one top.
MIX = {"route": 6, "chain": 3, "top": 1}


@dataclass(frozen=True)
class Cell:
    """What wrk measured for one server at one worker count."""

    server: str
    workers: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    first_error: str
    wrk_cpu: float  # the load generator's CPU time over the measured time: 1.0 is one whole core

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds


# -- the org and the mix ------------------------------------------------------------------


def draw_bodies(org: Org, count: int, seed_: int, on: date | None) -> list[dict[str, Any]]:
    """``count`` GraphQL request bodies in the proportions of :data:`MIX`, the same for the same seed."""
    rng = random.Random(seed_)
    accounts = sorted(r.id for r in org.of_kind(Kind.ACCOUNT).values())
    issues = sorted(r.id for r in org.of_kind(Kind.ISSUE_TYPE).values())
    people = sorted(r.id for r in org.of_kind(Kind.PERSON).values() if _person(r).status is not Status.LEFT)
    kinds = [kind for kind, weight in MIX.items() for _ in range(round(count * weight / sum(MIX.values())))]
    rng.shuffle(kinds)
    bodies: list[dict[str, Any]] = []
    for kind in kinds:
        if kind == "route":
            account = _account(org.of_kind(Kind.ACCOUNT)[rng.choice(accounts)])
            issue = _issue(org.of_kind(Kind.ISSUE_TYPE)[rng.choice(issues)])
            variables: dict[str, Any] = {
                "a": rng.choice((account.handle, account.id)),
                "i": rng.choice((issue.id, issue.name, *issue.synonyms)),
            }
            if on is not None:
                variables["on"] = on.isoformat()
            bodies.append({"query": ROUTE, "variables": variables})
        elif kind == "chain":
            bodies.append({"query": CHAIN, "variables": {"p": rng.choice(people)}})
        else:
            bodies.append({"query": TOP})
    return bodies


def _person(record: object) -> Person:
    assert isinstance(record, Person)
    return record


def _account(record: object) -> Account:
    assert isinstance(record, Account)
    return record


def _issue(record: object) -> IssueType:
    assert isinstance(record, IssueType)
    return record


# -- servers -------------------------------------------------------------------------------


#: The cells of a run, at each worker count; buckstop's by the setting they differ in.
SERVERS = {"ceiling": None, "uncached": "off", "cached": "on"}


def start(server: str, workers: int, db: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start one cell's server and wait until it answers ``/readyz``; the process and its base URL."""
    cache = SERVERS[server]
    if cache is not None:
        return start_public(db, log, workers, env={"BUCKSTOP_RESPONSE_CACHE": cache})
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.ceiling:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_ready(process, url, server, seconds=60, log=log)
    return process, url


# -- the load generator ----------------------------------------------------------------------


def wrk_version(wrk: str) -> str:
    result = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    first = (result.stdout or result.stderr).splitlines()[0]  # "wrk debian/4.1.0-3+b2 [epoll] Copyright …"
    return first.split(" [")[0].removeprefix("wrk ").removeprefix("debian/").split("-")[0]


def run_wrk(wrk: str, url: str, bodies: Path, seconds: int, connections: int) -> tuple[dict[str, Any], float]:
    """One wrk run against ``url``: the figures its script reported, and its CPU time (seconds)."""
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    command += ["-s", str(SCRIPT), f"{url}/graphql", "--", str(bodies)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    figures: dict[str, Any] = json.loads(lines[-1].removeprefix("BENCH "))
    return figures, cpu


def check(url: str, bodies: list[dict[str, Any]]) -> None:
    """Ask one request of each kind before the load, so that a broken mix fails with its answer."""
    for query in (ROUTE, CHAIN, TOP):
        body = next(b for b in bodies if b["query"] == query)
        response = httpx.post(f"{url}/graphql", json=body, timeout=30)
        if response.status_code != 200 or "errors" in response.json():
            raise RuntimeError(f"{json.dumps(body)} got {response.status_code}: {response.text[:500]}")


def measure(
    server: str, workers: int, db: Path, bodies: list[dict[str, Any]], bodies_file: Path, args: argparse.Namespace
) -> Cell:
    process, url = start(server, workers, db, db.parent / f"{server}-{workers}.log")
    try:
        if server != "ceiling":
            check(url, bodies)
        run_wrk(args.wrk, url, bodies_file, args.warmup, args.connections)  # every worker up, caches warm
        figures, cpu = run_wrk(args.wrk, url, bodies_file, args.seconds, args.connections)
    finally:
        stop_server(process)
    seconds = figures["duration_us"] / 1e6
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout", "graphql"))
    return Cell(
        server,
        workers,
        figures["requests"],
        seconds,
        figures["p50_us"] / 1e3,
        figures["p99_us"] / 1e3,
        errors,
        figures["first_error"],
        cpu / seconds,
    )


# -- the table -------------------------------------------------------------------------------


def table(cells: list[Cell]) -> str:
    ceiling: Mapping[int, Cell] = {c.workers: c for c in cells if c.server == "ceiling"}
    lines = [
        "| server | workers | requests | req/s | p50 (ms) | p99 (ms) | errors | req/s of the ceiling | wrk CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cells:
        top = ceiling.get(c.workers)
        ratio = "—" if c.server == "ceiling" or top is None else f"{c.throughput / top.throughput:.1%}"
        lines.append(
            f"| {c.server} | {c.workers} | {c.requests:,} | {c.throughput:,.0f} | {c.p50_ms:.2f} | {c.p99_ms:.2f}"
            f" | {c.errors:,} | {ratio} | {c.wrk_cpu:.0%} |"
        )
    return "\n".join(lines)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="measured seconds per cell (default 60)")
    parser.add_argument("--warmup", type=int, help="warm-up seconds per cell (default: a quarter, 1 to 5)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4], help="worker counts (default 1 2 4)")
    parser.add_argument(
        "--servers", nargs="+", choices=list(SERVERS), default=list(SERVERS), help="cells (default: all three)"
    )
    parser.add_argument("--connections", type=int, default=16, help="connections wrk keeps busy (default 16)")
    parser.add_argument("--org", choices=("synth", "demo"), default="synth", help="synthetic (default) or demo org")
    parser.add_argument("--people", type=int, default=10_000, help="people of the synthetic org (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic org and of the mix (default 1)")
    parser.add_argument("--bodies", type=int, default=1000, help="distinct requests in the mix (default 1000)")
    args = parser.parse_args(argv)
    if args.warmup is None:
        args.warmup = max(1, min(5, args.seconds // 4))
    if args.seconds < 1 or args.connections < 1 or min(args.workers) < 1 or args.bodies < 10:
        parser.error("--seconds, --connections and --workers must be at least 1, --bodies at least 10")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    args.wrk = shutil.which("wrk")
    if args.wrk is None:
        print("bench.http: wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db, org, what = load_org(args.org, args.people, args.seed, work)
        bodies = draw_bodies(org, args.bodies, args.seed, DAY if args.org == "synth" else None)
        bodies_file = work / "bodies.jsonl"
        bodies_file.write_text("".join(json.dumps(b) + "\n" for b in bodies))
        counts = {kind: sum(b["query"] == q for b in bodies) for kind, q in (("route", ROUTE), ("chain", CHAIN))}
        counts["top"] = len(bodies) - sum(counts.values())
        cells = []
        for workers in args.workers:
            for server in args.servers:
                print(f"bench.http: {server}, {workers} worker(s), {args.seconds} s …", file=sys.stderr, flush=True)
                cells.append(measure(server, workers, db, bodies, bodies_file, args))
    print(
        f"bench.http on {date.today().isoformat()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"uvicorn {uvicorn.__version__}, wrk {wrk_version(args.wrk)}"
    )
    print(f"org: {what}")
    print(
        f"mix: {len(bodies):,} requests drawn with seed {args.seed} (route {counts['route']:,}, "
        f"chain {counts['chain']:,}, top {counts['top']:,}), each connection sending them in turn"
    )
    print(
        f"load: wrk, 1 thread, {args.connections} connections, {args.seconds} s per cell after {args.warmup} s "
        "of warm-up, 127.0.0.1"
    )
    print()
    print(table(cells))
    failed = [c for c in cells if c.errors]
    for c in failed:
        print(f"\n{c.server}, {c.workers} worker(s): {c.errors:,} errors; the first: {c.first_error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
