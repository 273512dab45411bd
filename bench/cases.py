"""The cases benchmark: opening a case (its route included) and sweeping many open cases, in process.

``python -m bench.cases`` builds a seeded synthetic org (:mod:`harness.synth`) of ``--people`` into a real
SQLite store (``synchronous=FULL``, as served), then:

- **open**: ``--opened`` cases opened one by one with :func:`queries.cases.open_case` on random
  (account, issue type) pairs of the org: the route, the deadline and the case and its first event
  written and on disk before it returns. Median and 99th percentile.
- **sweep**: ``--open`` more open cases in the book (written in one transaction for the set-up: the
  benchmark times the sweep, not the filling), of which ``--overdue`` percent are past their
  deadline; one :func:`queries.cases.sweep` escalates each overdue one a level (one write each) and
  reads none of the others. Timed whole, then a second sweep with nothing left to do.

    python -m bench.cases                               # 100,000 people, 2,000 opened, 100,000 open
    python -m bench.cases --people 10000 --open 10000

Prints a Markdown table (docs/performance.md records one). Goals (issue 14): opening ≤ 2 ms p50 at
100k people; a sweep over 100k open cases ≤ 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from buckstop.graph import MemoryStore
from buckstop.graph.cases import Case, CaseStatus
from buckstop.graph.cases_sqlite import SqliteCaseBook, insert
from buckstop.graph.model import Account
from buckstop.graph.org import ChangeSet
from buckstop.queries.cases import open_case, sweep, utc_now

from harness.synth import synth

HEADER = "| people | what | count | p50 ms | p99 ms | total s |\n|---:|---|---:|---:|---:|---:|"


def fill(book: SqliteCaseBook, template: Case, count: int, overdue: float, rng: random.Random) -> int:
    """``count`` open copies of ``template`` in one transaction, ``overdue`` of them past their deadline."""
    now = utc_now()
    late = 0
    with book._connect() as db:
        db.execute("BEGIN IMMEDIATE")
        for _ in range(count):
            is_late = rng.random() < overdue
            late += is_late
            due = now - timedelta(minutes=5) if is_late else now + timedelta(hours=4)
            case = replace(template, respond_by=due, status=CaseStatus.OPEN, level=0)
            insert(db, case)
        db.execute("COMMIT")
    return late


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--opened", type=int, default=2_000, help="cases opened one by one, timed each")
    parser.add_argument("--open", type=int, default=100_000, help="open cases in the book for the sweep")
    parser.add_argument("--overdue", type=float, default=0.01, help="the share of them past their deadline")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(
        f"bench.cases: {args.people:,} people, seed {args.seed}; {args.opened:,} opened; "
        f"a sweep over {args.open:,} open cases, {args.overdue:.0%} overdue",
        flush=True,
    )
    print(HEADER, flush=True)
    org = synth(args.people, seed=args.seed)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        store = MemoryStore(Path(folder) / "bench.db")
        try:
            store.apply(ChangeSet.of(org.records), actor="bench")
            handles = {r.id: r.handle for r in org.records if isinstance(r, Account)}
            pairs = [(handles[rng.choice(org.accounts)], rng.choice(org.issue_types)) for _ in range(args.opened)]
            now = utc_now()
            open_case(store, pairs[0][0], "warm up", issue_type=pairs[0][1], actor="bench", now=now)
            samples = []
            started = time.perf_counter()
            for account, issue in pairs:
                t = time.perf_counter()
                open_case(store, account, "I want my money back", issue_type=issue, actor="bench", now=now)
                samples.append(time.perf_counter() - t)
            total = time.perf_counter() - started
            samples.sort()
            p50, p99 = statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]
            row = f"| {args.people:,} | open a case | {args.opened:,} | {p50 * 1e3:.2f} | {p99 * 1e3:.2f}"
            print(f"{row} | {total:.1f} |", flush=True)

            book = store.cases
            assert isinstance(book, SqliteCaseBook)
            template = book.find(first=1)[0]
            late = fill(book, template, args.open, args.overdue, rng)
            for label in (f"sweep: {late:,} overdue of {args.open:,} open", "sweep again: nothing due"):
                t = time.perf_counter()
                moved = sweep(store, now=utc_now())
                took = time.perf_counter() - t
                print(f"| {args.people:,} | {label} ({len(moved):,} escalated) | {args.open:,} | | | {took:.2f} |")
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
