"""`buckstop case …` and `buckstop cases [sweep]`, run as a user runs them, on the demo org in a real file."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from buckstop import seed
from buckstop.graph import MemoryStore
from buckstop.queries.cases import open_case, read_case

from .test_cli import buckstop
from harness.server import start_server, stop_server

pytestmark = pytest.mark.slow


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "org.db"
    assert buckstop("load", str(seed.FOLDER), db=path).returncode == 0
    return path


def test_a_case_is_opened_shown_moved_and_resolved(db: Path) -> None:
    opened = buckstop("case", "open", "@CorvidHelp", "I want my money back", "--customer", "@jo", "--json", db=db)
    assert opened.returncode == 0, opened.stderr
    case = json.loads(opened.stdout)
    assert (case["id"], case["issueType"]["name"], case["status"], case["customer"]) == ("1", "Refund", "OPEN", "@jo")
    assert [p["name"] for p in case["handlers"]] == ["Tomás Herrera"]
    assert case["chain"][-1]["name"] == "Helena Marsh"
    assert case["respondBy"] is not None  # Refund ⊂ Billing ⊂ Support: 4h in the demo org

    assert buckstop("case", "note", "1", "asked for the order number", db=db).returncode == 0
    escalated = buckstop("case", "escalate", "1", "--note", "needs a manager", db=db)
    assert escalated.returncode == 0, escalated.stderr
    assert "Handled by: Julia Novak" in escalated.stdout
    handed = buckstop("case", "hand-off", "1", "sales enquiry", "--note", "wants to buy more", "--json", db=db)
    kinds = [e["kind"] for e in json.loads(handed.stdout)["events"]]
    assert kinds == ["OPENED", "NOTED", "ESCALATED", "HANDED_OFF"]
    assert buckstop("case", "resolve", "1", db=db).returncode == 0

    shown = buckstop("case", "show", "1", db=db)
    assert "Case 1: Sales enquiry on Corvid Help — RESOLVED" in shown.stdout
    assert "Message: I want my money back" in shown.stdout
    assert "escalated by cli:" in shown.stdout and "needs a manager" in shown.stdout
    listed = buckstop("cases", "--json", db=db)
    assert [c["id"] for c in json.loads(listed.stdout)["cases"]] == ["1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("case", "open", "@CorvidHlp", "refund please"), "unknown account '@CorvidHlp'; did you mean '@CorvidHelp'"),
        (("case", "open", "@CorvidHelp", "?!", "--issue-type", "refnd"), "unknown issue type 'refnd'"),
        (("case", "open", "@CorvidHelp", " ... "), "the message has no words"),
        (("case", "show", "7"), "unknown case '7'"),
        (("case", "hand-off", "1", " "), "cannot hand off to nobody"),
        (("case", "reopen", "1"), "case 1 is open, not resolved"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(db: Path, args: tuple[str, ...], message: str) -> None:
    assert buckstop("case", "open", "@CorvidHelp", "refund please", db=db).returncode == 0
    result = buckstop(*args, db=db)
    assert result.returncode == 2
    assert result.stderr.startswith(f"buckstop: error: {message}"), result.stderr
    assert result.stderr.count("\n") == 1
    cases = json.loads(buckstop("cases", "--json", db=db).stdout)["cases"]
    assert len(cases) == 1 and len(cases[0]["events"]) == 1


def test_an_action_on_a_resolved_case_is_refused(db: Path) -> None:
    buckstop("case", "open", "@CorvidHelp", "refund please", db=db)
    buckstop("case", "resolve", "1", db=db)
    result = buckstop("case", "escalate", "1", db=db)
    assert (result.returncode, result.stderr) == (
        2,
        "buckstop: error: case 1 is resolved, so it cannot be escalated; reopen it first\n",
    )


def test_the_sweep_escalates_overdue_cases_once(db: Path) -> None:
    store = MemoryStore(db)
    five_hours_ago = datetime.now(UTC) - timedelta(hours=5)  # past Support's 4h
    open_case(store, "@CorvidHelp", "my refund", actor="test", now=five_hours_ago)
    store.close()
    overdue = json.loads(buckstop("cases", "--overdue", "--json", db=db).stdout)["cases"]
    assert [c["id"] for c in overdue] == ["1"] and overdue[0]["overdue"]
    swept = buckstop("cases", "sweep", db=db)
    assert swept.returncode == 0, swept.stderr
    assert "escalated 1 step" in swept.stdout and "case 1 → level 1 (p-julia-novak)" in swept.stdout
    assert "escalated 0 steps" in buckstop("cases", "sweep", db=db).stdout
    case = json.loads(buckstop("case", "show", "1", "--json", db=db).stdout)
    assert case["events"][-1]["actor"] == "buckstop" and case["level"] == 1


def test_serve_sweeps_in_the_background(db: Path) -> None:
    store = MemoryStore(db)
    open_case(store, "@CorvidHelp", "my refund", actor="test", now=datetime.now(UTC) - timedelta(hours=5))
    store.close()
    process, _url = start_server(db, env={"BUCKSTOP_SWEEP_SECONDS": "0.2"})
    try:
        deadline = time.monotonic() + 20
        level = 0
        while level == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
            check = MemoryStore(db, create=False)
            level = read_case(check, 1).level
            check.close()
    finally:
        stop_server(process)
    assert level == 1


def test_a_customers_cases_are_exported_forgotten_and_purged_each_logged(db: Path) -> None:
    buckstop("case", "open", "@CorvidHelp", "refund please", "--customer", "@jo", db=db)
    buckstop("case", "open", "@CorvidHelp", "refund too", "--customer", "@al", db=db)
    mine = json.loads(buckstop("cases", "--handler", "Tomás Herrera", "--json", db=db).stdout)["cases"]
    assert [c["id"] for c in mine] == ["2", "1"]
    exported = json.loads(buckstop("cases", "--customer", "@jo", "--json", db=db).stdout)["cases"]
    assert [(c["id"], c["customer"], c["message"]) for c in exported] == [("1", "@jo", "refund please")]
    forgot = buckstop("cases", "forget", "--customer", "@jo", db=db)
    assert (forgot.returncode, forgot.stdout) == (0, "forgot 1 case\n")
    assert [c["id"] for c in json.loads(buckstop("cases", "--json", db=db).stdout)["cases"]] == ["2"]
    purged = buckstop("cases", "purge", db=db)
    assert (purged.returncode, purged.stderr) == (
        2,
        "buckstop: error: no retention is set: give the days, or set BUCKSTOP_CASE_RETENTION_DAYS\n",
    )
    assert buckstop("cases", "purge", "--days", "30", db=db).stdout == "purged 0 resolved cases older than 30 days\n"
    log = json.loads(buckstop("changes", "--json", db=db).stdout)
    assert [c["kind"] for c in log[:2]] == ["cases", "cases"]
    assert log[0]["summary"].startswith("forgot customer #") and "@jo" not in json.dumps(log)
