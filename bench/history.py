"""The history benchmark: a store of many versions against one, in size and in speed (issue 13).

A seeded synthetic org (:mod:`harness.synth`) of ``people`` people is applied to a new SQLite
store as its first version (a whole change set, as a bundle's load applies one), then ``versions
- 1`` more, each a week after the last and each changing ``change`` of the people (a new title;
one in five of them also moves department). The last is in force today. It measures:

- **size**: the store file after all the versions against the file after the first (WAL folded in);
- **load**: the first apply, the second (a history of one), and the last (a long history);
- **past day**: ``route`` as of a day of the middle version, on the memory backend: the first
  question (it builds that version's org) and the median of the next ones;
- **today**: ``route`` about today on the store of many versions against a store of the last
  version alone (the same org): medians of the same random pairs.

    python -m bench.history                          # 10,000 people, 100 versions, 1 % each
    python -m bench.history --people 100000 --versions 100 --change 0.01 --seed 7

Prints a Markdown table (docs/performance.md records one).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from buckstop.graph import MemoryStore
from buckstop.graph.dated import as_of
from buckstop.graph.model import Kind, Person, Record
from buckstop.graph.org import ChangeSet
from buckstop.graph.timeline import today
from buckstop.queries import route

from harness.synth import synth

__all__ = ["main", "run"]

QUESTIONS = 2000
HEADER = """\
| people | versions | change | store, 1 version (MB) | store, all (MB) | × | first load (s) | 2nd load (s) | \
last load (s) | last / first | past day, first (ms) | past day p50 (ms) | today p50, 1 version (µs) | \
today p50, all (µs) | today Δ |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"""


def _size(path: Path) -> int:
    store = MemoryStore(path)
    store.close()  # folds the write-ahead log into the file
    return path.stat().st_size


def _changed(records: list[Record], rng: random.Random, share: float, step: int) -> list[Record]:
    """``records`` with ``share`` of the people changed: a new title, and one in five moved to another department."""
    people = [i for i, r in enumerate(records) if r.kind is Kind.PERSON]
    departments = [r.id for r in records if r.kind is Kind.DEPARTMENT]
    out = list(records)
    for i in rng.sample(people, max(1, int(len(people) * share))):
        person = out[i]
        assert isinstance(person, Person)
        moved = {"department_id": rng.choice(departments)} if rng.random() < 0.2 else {}
        out[i] = replace(person, title=f"{person.title or 'Staff'} ({step})", **moved)
    return out


def _route_times(store: MemoryStore, pairs: list[tuple[str, str]], day: date | None) -> list[float]:
    """The time of each ``route`` question, in seconds, as of ``day`` (None: today)."""
    asked = as_of(store, day)
    times = []
    for account, issue in pairs:
        start = time.perf_counter()
        route(asked, account, issue)
        times.append(time.perf_counter() - start)
    return times


def run(people: int, versions: int, change: float, seed: int, work: Path) -> str:
    org = synth(people, seed=seed)
    rng = random.Random(seed)
    kinds = tuple(Kind)
    first_day = today() - timedelta(weeks=versions - 1)
    history, single = work / f"history-{people}.db", work / f"single-{people}.db"
    store = MemoryStore(history)
    records = list(org.records)
    loads = []
    for step in range(versions):
        if step:
            records = _changed(records, rng, change, step)
        start = time.perf_counter()
        store.apply(ChangeSet.of(records, kinds), effective=first_day + timedelta(weeks=step))
        loads.append(time.perf_counter() - start)
        if step == 0:
            store.close()
            one = _size(history)
            store = MemoryStore(history)
    store.close()
    size = _size(history)

    alone = MemoryStore(single)
    alone.apply(ChangeSet.of(records, kinds), effective=first_day)
    alone.close()
    # Both opened afresh and warmed, then asked the same pairs in turn, so that a busy machine slows both alike.
    alone, store = MemoryStore(single), MemoryStore(history)
    pairs = [(rng.choice(org.accounts), rng.choice(org.issue_types)) for _ in range(QUESTIONS)]
    for each in (alone, store):
        _route_times(each, pairs[:20], None)
    today_alone, today_all = [], []
    for pair in pairs:
        today_alone += _route_times(alone, [pair], None)
        today_all += _route_times(store, [pair], None)
    past = _route_times(store, pairs, first_day + timedelta(weeks=versions // 2))
    alone.close()
    store.close()
    past_first, past_p50 = past[0], statistics.median(past[1:])
    today_alone_p50, today_all_p50 = statistics.median(today_alone), statistics.median(today_all)

    cells = [
        f"{people:,}",
        str(versions),
        f"{change:.0%}",
        f"{one / 1e6:.1f}",
        f"{size / 1e6:.1f}",
        f"{size / one:.2f}",
        f"{loads[0]:.2f}",
        f"{loads[1]:.2f}" if versions > 1 else "-",
        f"{loads[-1]:.2f}",
        f"{loads[-1] / loads[0]:.2f}",
        f"{past_first * 1e3:.0f}",
        f"{past_p50 * 1e3:.2f}",
        f"{today_alone_p50 * 1e6:.0f}",
        f"{today_all_p50 * 1e6:.0f}",
        f"{(today_all_p50 / today_alone_p50 - 1):+.0%}",
    ]
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.history", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[10_000], help="org sizes (default 10000)")
    parser.add_argument("--versions", type=int, default=100, help="versions in the history (default 100)")
    parser.add_argument("--change", type=float, default=0.01, help="share of people each version changes (0.01)")
    parser.add_argument("--seed", type=int, default=7, help="the synthetic org's seed (default 7)")
    args = parser.parse_args(argv)
    print(f"{args.versions} versions, {args.change:.0%} of the people changed by each, seed {args.seed}", flush=True)
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="buckstop-history-") as work:
        for people in args.people:
            print(run(people, max(args.versions, 2), args.change, args.seed, Path(work)), flush=True)


if __name__ == "__main__":
    main()
