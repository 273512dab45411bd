"""bench/workers.py on the demo org: it starts `buckstop serve` with one and two workers and prints each
process's memory.

It asserts nothing about the sizes beyond their sense (timed or sized assertions flake on a shared machine);
the figures are in docs/performance.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.server import demo_store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_a_run_prints_each_worker_s_memory(tmp_path: Path) -> None:
    db = demo_store(tmp_path / "org.db")
    command = [sys.executable, "-m", "bench.workers", "--db", str(db), "--workers", "1,2", "--seconds", "120"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in done.stdout.splitlines()[2:]]
    assert [(r[0], r[1]) for r in rows] == [("1", "server"), ("2", "supervisor"), ("2", "worker 1"), ("2", "worker 2")]
    for row in rows:
        rss, pss, private = (float(cell.replace(",", "")) for cell in row[3:])
        assert 0 < private <= rss and 0 < pss <= rss, row
