"""bench/history.py on a tiny org: it runs, states its sizes and seed, and prints one row per size.

It asserts nothing about speed (timed assertions flake on a shared machine); the figures are in
docs/performance.md. The store of many versions must hold fewer bytes than that many copies.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_a_run_prints_a_row_per_size_with_the_store_s_growth() -> None:
    command = [sys.executable, "-m", "bench.history", "--people", "300", "600", "--versions", "5", "--seed", "3"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "5 versions, 1% of the people changed by each, seed 3"
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in lines[3:]]
    assert [(r[0], r[1]) for r in rows] == [("300", "5"), ("600", "5")]
    assert all(1 <= float(r[5]) < 5 for r in rows), "five versions stored as changes, not five copies"
