"""The in-process questions benchmark: how long a route, a chain of command and the top take on the memory backend.

``python -m bench.route`` (part of ``make bench``) builds seeded synthetic orgs
(:mod:`harness.synth`) of each size into a real SQLite store, asks ``--questions``
questions of each kind drawn from the org with the same seed, and prints the
median and the 99th percentile of each, in microseconds. A route is the whole
answer: the rule, the handlers, the escalation chain up to the top and the
explanation (``queries.route``), as GraphQL, the CLI and MCP ask it. Each pair
is asked once (``route``: most pairs are new, so their plans are worked out),
then once more (``route, asked again``: from the version's indexes). As
``buckstop serve`` does, the org is frozen out of the garbage collector
(``gc.freeze``) once it is read.

The figures are what a change to the questions is held to: run it before and
after (on one machine, in one sitting: the machine is shared, so compare medians
measured side by side) and quote both in docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from buckstop.graph import MemoryStore, Store
from buckstop.graph.dated import as_of
from buckstop.graph.model import Account, Person, Status
from buckstop.graph.org import ChangeSet
from buckstop.queries import chain_of_command, route, top

from harness.synth import DAY, synth

#: The versions' effective days, and the past day asked about (in the first version).
PAST, LATER, ASKED = date(2026, 1, 1), date(2026, 6, 1), date(2026, 3, 15)

HEADER = "| people | question | p50 µs | p99 µs |\n|---:|---|---:|---:|"


def timed(calls: list[Callable[[], object]]) -> tuple[float, float]:
    """The median and the 99th percentile of ``calls``, each run once, in seconds."""
    samples = []
    for call in calls:
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def measure(store: Store, people: int, pairs: list[tuple[str, str]], asked: list[str], label: str = "") -> None:
    """Print a row for each question: ``pairs`` routed, ``asked`` people's chains, the top as often."""
    questions: dict[str, list[Callable[[], object]]] = {
        "route": [lambda a=a, i=i: route(store, a, i, on=DAY) for a, i in pairs],
        # The same pairs again: what a server answers once a pair was asked (its plan is in the version's indexes).
        "route, asked again": [lambda a=a, i=i: route(store, a, i, on=DAY) for a, i in pairs],
        "chainOfCommand": [lambda p=p: chain_of_command(store, p) for p in asked],
        "top": [lambda: top(store)] * len(asked),
    }
    for name, calls in questions.items():
        p50, p99 = timed(calls)
        print(f"| {people:,} | {name}{label} | {p50 * 1e6:,.1f} | {p99 * 1e6:,.1f} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = ", ".join(f"{people:,}" for people in args.people)
    print(f"bench.route: {sizes} people, seed {args.seed}, {args.questions} questions of each kind", flush=True)
    print(HEADER, flush=True)
    for people in args.people:
        org = synth(people, seed=args.seed)
        rng = random.Random(args.seed)
        handles = {r.id: r.handle for r in org.records if isinstance(r, Account)}
        staff = [r.id for r in org.records if isinstance(r, Person) and r.status is not Status.LEFT]
        pairs = [(handles[rng.choice(org.accounts)], rng.choice(org.issue_types)) for _ in range(args.questions)]
        asked = [rng.choice(staff) for _ in range(args.questions)]
        with tempfile.TemporaryDirectory() as tmp:
            store = MemoryStore(Path(tmp) / "org.db")
            try:
                store.apply(ChangeSet.of(org.records), actor="bench", effective=PAST)
                # A second version, 1 % of the people retitled, in force from a later day: today's.
                persons = [r for r in org.records if isinstance(r, Person)]
                retitled = {p.id: replace(p, title=f"{p.title or ''} (new)") for p in persons[:: max(1, 100)]}
                store.apply(ChangeSet.of([retitled.get(p.id, p) for p in persons]), actor="bench", effective=LATER)
                store.read()
                gc.freeze()  # as `buckstop serve` does once its org is read: the collector leaves the org alone
                for account, issue in pairs[:100]:  # the org's indexes are built by the first questions
                    route(store, account, issue, on=DAY)
                measure(store, people, pairs, asked)
                # A store opened afresh (as after a restart) has built no version but today's yet.
                reopened = MemoryStore(Path(tmp) / "org.db")
                past = as_of(reopened, ASKED)
                started = time.perf_counter()
                route(past, *pairs[0], on=DAY)  # the first question of a past version builds its org
                first = time.perf_counter() - started
                print(f"| {people:,} | first question as of a past day (builds that version) | {first * 1e6:,.1f} | |")
                for account, issue in pairs[:100]:
                    route(past, account, issue, on=DAY)
                measure(past, people, pairs, asked, " (asOf a past day)")
                reopened.close()
            finally:
                store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
