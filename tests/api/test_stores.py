"""Which store a command answers from, as a user runs it: a real process, real SQLite files, real folders.

Only ``load`` and ``serve`` make a store; a question asked of a file that is not
there refuses in one line, names the file and says how to make one, and leaves
nothing behind. Only ``serve`` on the default store loads the demo org, and the
first real load replaces the demo whole.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from buckstop import seed

from harness.server import demo_store, start_server, stop_server
from tests.api.test_cli import buckstop
from tests.orgs import OrgBuilder

pytestmark = pytest.mark.slow

#: Every command that only reads a store, with the arguments it needs.
READS = {
    "route": ["route", "@CorvidHelp", "refund"],
    "chain": ["chain", "Carmen Ortiz"],
    "boss": ["boss"],
    "top": ["top"],
    "in-charge": ["in-charge", "@CorvidDeals"],
    "search": ["search", "refund"],
    "triage": ["triage", "@CorvidHelp", "money back"],
    "audit": ["audit"],
    "matrix": ["matrix"],
    "changes": ["changes"],
    "token list": ["token", "list"],
    "token revoke": ["token", "revoke", "--name", "grafana"],
    "token create": ["token", "create", "--name", "grafana"],
    "mcp": ["mcp"],
}


def assert_no_such_store(result: subprocess.CompletedProcess[str], path: Path | str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, line
    assert line.startswith(f"buckstop: error: no such store '{path}': make one "), line
    assert "buckstop load BUNDLE" in line and "buckstop serve" in line, line


@pytest.mark.parametrize("command", READS)
def test_a_read_of_a_missing_store_file_refuses_and_makes_nothing(command: str, tmp_path: Path) -> None:
    db = tmp_path / "no" / "such" / "dir" / "x.db"
    result = buckstop(*READS[command], "--db", str(db), db=None, cwd=tmp_path)
    assert_no_such_store(result, db)
    assert f"`buckstop load BUNDLE --db {db}`" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no folder, no file: here or there


def test_buckstop_db_naming_a_missing_file_refuses_too(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    assert_no_such_store(buckstop("audit", db=db), db)
    assert list(tmp_path.iterdir()) == []


def test_a_question_in_a_folder_without_a_store_does_not_answer_from_the_demo(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = buckstop("boss", db=None, cwd=elsewhere)
    assert_no_such_store(result, elsewhere / "buckstop.db")
    assert "Helena Marsh" not in result.stdout
    assert list(elsewhere.iterdir()) == []


def test_a_load_into_a_missing_folder_refuses_and_makes_no_folder(tmp_path: Path) -> None:
    db = tmp_path / "missing" / "org.db"
    result = buckstop("load", str(seed.FOLDER), db=db)
    assert result.returncode == 2
    assert result.stderr == (
        f"buckstop: error: no such store '{db}': there is no folder '{db.parent}' to make it in; "
        "make the folder first\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_refused_load_leaves_no_new_store_behind(tmp_path: Path) -> None:
    bad = OrgBuilder().person("p-a", "Ann", manager="p-nobody").write(tmp_path / "bad")
    db = tmp_path / "new.db"
    assert buckstop("load", str(bad), db=db).returncode == 2
    assert not db.exists() and not Path(f"{db}-wal").exists()


def serve_output(db: Path, *extra: str, default_store: bool = False) -> str:
    """What ``buckstop serve`` printed from its start until it was ready and stopped."""
    process, _ = start_server(db, *extra, default_store=default_store)
    process.terminate()
    output = process.stdout.read().decode() if process.stdout else ""
    stop_server(process)
    return output


def test_serve_loads_the_demo_only_into_the_default_store_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "buckstop.db"
    output = serve_output(db, default_store=True)
    seeded = [line for line in output.splitlines() if "demo org" in line]
    assert seeded == [
        "buckstop: made buckstop.db with the demo org (Corvid Electronics); the first `buckstop load` replaces it whole"
    ]
    assert "Helena Marsh" in buckstop("top", db=db).stdout
    assert "demo org" not in serve_output(db, default_store=True)  # not empty any more: said once


def test_serve_of_a_missing_store_of_its_own_refuses(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    env = {**os.environ, "BUCKSTOP_DB": str(db)}
    result = subprocess.run(
        [sys.executable, "-m", "buckstop.api.cli", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    line = result.stderr.strip()
    assert line == (
        f"buckstop: error: no such store '{db}': make one with `buckstop load BUNDLE --db {db}`, or start it "
        f"empty with `buckstop serve --db {db} --no-seed`; the demo org is served only from the default store "
        "(`buckstop serve` without --db or BUCKSTOP_DB)"
    )
    assert list(tmp_path.iterdir()) == []


def test_serve_no_seed_starts_a_new_store_empty(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    assert "demo org" not in serve_output(db, "--no-seed")
    assert db.exists()
    assert buckstop("top", db=db).returncode == 2  # an empty org has no top: a one-line error


def test_the_first_load_replaces_the_demo_org_whole_and_says_so(tmp_path: Path) -> None:
    db = demo_store(tmp_path / "buckstop.db")
    ours = (
        OrgBuilder()
        .department("d-co", "Co", head="p-cora")
        .person("p-cora", "Cora Chen", department="d-co")
        .person("p-dan", "Dan Diaz", department="d-co", manager="p-cora")
        .write(tmp_path / "ours", files=["departments.csv", "people.csv"])
    )
    dry = buckstop("load", str(ours), "--dry-run", db=db)
    assert dry.returncode == 0, dry.stderr
    assert "the store holds the demo org (" in dry.stdout
    assert "2 joiners, 0 leavers" in dry.stdout
    assert "Helena Marsh" in buckstop("top", db=db).stdout  # the dry run changed nothing

    result = buckstop("load", str(ours), db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("the store holds the demo org (")
    assert "2 joiners, 0 leavers" in result.stdout
    assert "Leavers" not in result.stdout
    assert "Cora Chen" in buckstop("top", db=db).stdout
    route = buckstop("route", "@CorvidHelp", "refund", db=db)
    assert route.returncode == 2 and "unknown account '@CorvidHelp'" in route.stderr  # the demo's accounts went too
    changes = json.loads(buckstop("changes", "--json", db=db).stdout)
    assert [c["actor"] for c in changes][1:] == ["seed", "seed"]  # the demo's past stays; its scheduled reorg went
    assert not any(c["scheduled"] for c in changes)
    assert "replaced the demo org" in changes[0]["summary"]
