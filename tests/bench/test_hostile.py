"""bench/hostile.py as CI runs it: a smoke on a small org that must print a row per attack, no 500s.

It asserts nothing about speed (timed assertions flake on a shared machine): the goal
column is for the 200,000-person run in docs/performance.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.hostile import ATTACKS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_prints_a_row_per_attack_and_no_failures() -> None:
    command = [sys.executable, "-m", "bench.hostile", "--people", "500", "--aliases", "3", "--flood", "4"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line.split("|")[1:-1] for line in result.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    header, *cells = [[cell.strip() for cell in row] for row in rows]
    assert header[:2] == ["attack", "sent"] and header[-1] == "goal"
    assert [c[0] for c in cells] == [a.name for a in ATTACKS]
    did = header.index("what the service did")
    assert all(c[did] and "500s" not in c[did] for c in cells)
    assert "500 people" in result.stdout and "seed 1" in result.stdout
    assert "request_seconds 10.0" in result.stdout
