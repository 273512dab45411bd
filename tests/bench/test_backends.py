"""bench/backends.py on a tiny org: each cell's row is printed as it is measured, and a failed cell is named.

It asserts nothing about speed: timed assertions flake on a shared machine. The Neo4j
cells are left to the full benchmark; here the failing cell is a Neo4j one with no
``NEO4J_URI``, which must not hide the memory row measured before it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.backends import ready_timeout

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    command = [sys.executable, "-m", "bench.backends", "--people", "300", "--questions", "20", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def rows(stdout: str) -> list[list[str]]:
    lines = [line for line in stdout.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in line.split("|")[1:-1]] for line in lines]


def test_a_run_states_its_sizes_and_seed_and_prints_a_row_per_cell() -> None:
    result = run("--backends", "memory", "--seed", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert "300 people" in first and "seed 3" in first and "20 questions" in first
    header, *cells = rows(result.stdout)
    assert header[:2] == ["people", "backend"]
    # The row as measured, then the whole table at the end.
    assert [c[:2] for c in cells] == [["300", "memory"], ["people", "backend"], ["300", "memory"]]
    assert cells[0] == cells[2]


def test_a_failed_cell_is_named_and_the_rows_measured_before_it_stay() -> None:
    result = run("--backends", "memory", "neo4j")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    memory = next(i for i, line in enumerate(lines) if line.startswith("| 300 | memory |"))
    failed = next(i for i, line in enumerate(lines) if line.startswith("FAILED: "))
    assert memory < failed
    assert "neo4j at 300 people failed at open the store" in lines[failed]
    assert "NEO4J_URI is not set" in lines[failed]
    assert "FAILED: neo4j at 300 people" in result.stderr


def test_the_wait_for_a_server_grows_with_the_org() -> None:
    assert ready_timeout(100_000) > ready_timeout(10_000) > 60
