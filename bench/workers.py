"""What ``buckstop serve --workers N`` costs in memory: each worker's resident set once it has started.

For each worker count, ``buckstop serve`` (loopback, no demo org) is started on a store file that
already holds an org (``bench.load --dir`` leaves one), and is asked ``/readyz`` until it answers;
then the workers' memory is read from Linux's ``/proc/PID/smaps_rollup`` until it stops growing
(a worker is ready only once it has built its org and its indexes of names). For the supervising
process and each worker it prints:

- **RSS**: resident memory, pages shared with other processes included;
- **PSS**: the proportional share: each shared page divided among the processes that map it;
- **private**: pages this process alone maps: what one more worker adds.

    python -m bench.workers --db ORG.db --workers 1,2

Linux only (``/proc``). Prints a Markdown table (docs/performance.md records one).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.server import free_port, stop_server, wait_ready

HEADER = """\
| workers | process | start (s) | RSS (MB) | PSS (MB) | private (MB) |
|---:|---|---:|---:|---:|---:|"""


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and private memory of ``pid`` in MB, from ``/proc/PID/smaps_rollup``."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        fields[name] = int(rest.split()[0]) / 1024
    return {
        "rss": fields["Rss"],
        "pss": fields["Pss"],
        "private": fields["Private_Clean"] + fields["Private_Dirty"],
    }


def workers_of(process: int, count: int) -> list[int]:
    """The worker processes: the server itself, or the workers uvicorn's supervisor spawned (not its helpers)."""
    if count == 1:
        return [process]
    found = [int(c) for c in Path(f"/proc/{process}/task/{process}/children").read_text().split()]
    return [c for c in found if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def settled(process: int, count: int, seconds: float) -> list[dict[str, float]]:
    """The memory of the ``count`` workers once it has not grown for three samples, two seconds apart."""
    deadline = time.monotonic() + seconds
    last: list[float] = []
    steady = 0
    while time.monotonic() < deadline:
        workers = workers_of(process, count)
        now = [memory(w)["rss"] for w in workers]
        same = len(now) == count and len(last) == count and all(abs(a - b) < 2 for a, b in zip(now, last, strict=True))
        steady = steady + 1 if same else 0
        if steady >= 3:
            return [memory(w) for w in workers]
        last = now
        time.sleep(2)
    raise SystemExit(f"the {count} workers did not settle within {seconds:.0f} s")


def run(db: Path, count: int, seconds: float) -> list[tuple[str, float, dict[str, float]]]:
    """Start ``buckstop serve`` with ``count`` workers on ``db``: (process, seconds to ready, memory) of each."""
    port = free_port()
    env = {**os.environ, "BUCKSTOP_DB": str(db), "BUCKSTOP_LOG_LEVEL": "warning", "BUCKSTOP_ANONYMOUS_READS": "auto"}
    command = [sys.executable, "-m", "buckstop.api.cli", "serve", "--port", str(port), "--host", "127.0.0.1"]
    command += ["--workers", str(count), "--no-seed"]
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(process, f"http://127.0.0.1:{port}", "buckstop serve", seconds=seconds)
            ready = time.perf_counter() - started
            each = settled(process.pid, count, seconds)
            rows = [("server" if count == 1 else f"worker {n + 1}", ready, m) for n, m in enumerate(each)]
            if count > 1:
                rows.insert(0, ("supervisor", ready, memory(process.pid)))
            return rows
        finally:
            stop_server(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, type=Path, help="a store file holding an org")
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=600, help="how long a start may take")
    args = parser.parse_args()
    print(HEADER)
    for count in (int(n) for n in args.workers.split(",")):
        for name, ready, m in run(args.db, count, args.seconds):
            print(f"| {count} | {name} | {ready:.1f} | {m['rss']:,.0f} | {m['pss']:,.0f} | {m['private']:,.0f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
