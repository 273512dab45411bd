"""The load benchmark: a full load of an HR export (parse, validate, apply, persist), then routing.

For each size and format, a seeded synthetic org (:mod:`harness.synth`) is
written as a bundle whose ``people.csv`` is that HR system's export
(:mod:`bench.exports`). A fresh process then loads it into a new SQLite file
with ``loaders.load`` (what ``buckstop load`` does) and times it, reads its
peak memory (the process's maximum resident set), re-loads the same export (the
snapshot and diff path), times ``queries.route`` in process on random
(account, issue type) pairs, and times opening the store file afresh and
building today's org from it (what ``buckstop serve`` does at start). Each run
is its own process so that peak memory is that run's alone.

    python -m bench.load                           # 10k in every format, 100k in two
    python -m bench.load --sizes 1000000 --formats bamboohr,personio

Prints a Markdown table (docs/performance.md records one).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from buckstop.graph.model import Absence, Account, Agency, Department, Kind, Person, Record, Ref, Role, Rule

from bench.exports import EXPORTS, write_export
from harness.synth import DAY, synth, write_bundle

ROUTES = 2000
HEADER = """\
| people | format | load (s) | load CPU (s) | rows/s | peak memory (MB) | re-load (s) | open (s) | open CPU (s) \
| route median (µs) | route p99 (µs) |
|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"""


def prepare(size: int, fmt: str, root: Path) -> Path:
    """Write the bundle of ``size`` people with ``people.csv`` in ``fmt``; returns the folder."""
    folder = root / f"{fmt}-{size}"
    if (folder / "people.csv").exists():
        return folder
    org = synth(size, seed=7)
    records = [r for r in org.records if r.kind is not Kind.PERSON]
    if fmt == "rippling":  # Rippling keys people by work email: the other files must name them so
        records = [_by_email(r) for r in records]
    write_bundle(records, folder)
    people = [r for r in org.records if isinstance(r, Person)]
    departments = [r for r in org.records if isinstance(r, Department)]
    write_export(people, departments, fmt, folder / "people.csv")
    return folder


def _email(id: str | None) -> str | None:
    return f"{id}@synth.example" if id else None  # harness.synth's email of a person


def _by_email(record: Record) -> Record:
    def ref(r: Ref | None) -> Ref | None:
        return Ref(r.kind, _email(r.id) or "") if r is not None and r.kind is Kind.PERSON else r

    match record:
        case Department():
            return replace(record, head_id=_email(record.head_id))
        case Role():
            return replace(record, holder_ids=tuple(f"{h}@synth.example" for h in record.holder_ids))
        case Agency():
            return replace(record, contract_owner_id=_email(record.contract_owner_id))
        case Account():
            return replace(record, escalation_contact=ref(record.escalation_contact))
        case Rule():
            return replace(record, target=ref(record.target) or record.target)
        case Absence():
            return replace(record, person_id=_email(record.person_id) or "", delegate_id=_email(record.delegate_id))
    return record


def run_one(folder: Path, db: Path) -> dict[str, float]:
    """Load ``folder`` into a new store at ``db``, re-load it, and route; the figures."""
    from buckstop.graph import MemoryStore
    from buckstop.loaders import load
    from buckstop.queries import route

    store = MemoryStore(db)
    started, cpu = time.perf_counter(), time.process_time()
    done = load(store, folder, actor="bench")
    seconds, load_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert not done.problems, done.problems[:5]
    load_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the first load's alone
    rows = len(store.read().people)
    started = time.perf_counter()
    again = load(store, folder, actor="bench")
    reload = time.perf_counter() - started
    assert again.diff.empty, again.diff.summary()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # over the load and the re-load
    org = store.read()
    rng = random.Random(7)
    asks = [(rng.choice(sorted(org.accounts)), rng.choice(sorted(org.issue_types))) for _ in range(ROUTES)]
    for account, issue in asks[:50]:
        route(store, account, issue, on=DAY)  # warm the indexes built on first use
    times = []
    for account, issue in asks:
        t = time.perf_counter()
        route(store, account, issue, on=DAY)
        times.append(time.perf_counter() - t)
    times.sort()
    store.close()
    del org, done, again, store
    started, cpu = time.perf_counter(), time.process_time()
    opening = MemoryStore(db)  # what `buckstop serve` does at start, and after another process's load:
    opening.read()  # the file opened and today's org built from it
    opened, open_cpu = time.perf_counter() - started, time.process_time() - cpu
    opening.close()
    return {
        "open": opened,
        "open_cpu": open_cpu,
        "load_cpu": load_cpu,
        "rows": rows,
        "seconds": seconds,
        "reload": reload,
        "peak_mb": peak,
        "load_peak_mb": load_peak,
        "route_median_us": statistics.median(times) * 1e6,
        "route_p99_us": times[int(len(times) * 0.99)] * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="people per org, comma-separated")
    parser.add_argument("--formats", default="", help=f"comma-separated, of {', '.join(EXPORTS)} (default: see above)")
    parser.add_argument("--dir", help="where to write the exports (default: a temporary folder)")
    parser.add_argument("--one", nargs=2, metavar=("FOLDER", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(Path(args.one[0]), Path(args.one[1]))))
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(args.dir) if args.dir else Path(scratch)
        root.mkdir(parents=True, exist_ok=True)
        print(HEADER)
        for size in (int(s) for s in args.sizes.split(",")):
            formats = args.formats.split(",") if args.formats else _default_formats(size)
            for fmt in formats:
                folder = prepare(size, fmt, root)
                db = root / f"{fmt}-{size}.db"
                for old in root.glob(f"{fmt}-{size}.db*"):
                    old.unlink()
                child = subprocess.run(
                    [sys.executable, "-m", "bench.load", "--one", str(folder), str(db)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if child.returncode:
                    sys.exit(f"{fmt} at {size}: {child.stderr.strip()}")
                r = json.loads(child.stdout)
                print(json.dumps({"people": size, "format": fmt, **r}), file=sys.stderr)  # every figure, unrounded
                print(
                    f"| {size:,} | {fmt} | {r['seconds']:.1f} | {r['load_cpu']:.1f} | {r['rows'] / r['seconds']:,.0f} "
                    f"| {r['peak_mb']:,.0f} | {r['reload']:.1f} | {r['open']:.1f} | {r['open_cpu']:.1f} "
                    f"| {r['route_median_us']:.0f} | {r['route_p99_us']:.0f} |",
                    flush=True,
                )


def _default_formats(size: int) -> list[str]:
    return list(EXPORTS) if size <= 10_000 else ["generic", "bamboohr"]


if __name__ == "__main__":
    main()
