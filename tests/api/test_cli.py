"""The `buckstop` command, run as a user runs it: a real process on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from buckstop import seed

pytestmark = pytest.mark.slow

DAY = "2026-11-23"


def buckstop(*args: str, db: Path | None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``buckstop ARGS`` on the store ``db`` (``BUCKSTOP_DB``); ``db=None``: the default store of ``cwd``."""
    env = {k: v for k, v in os.environ.items() if k != "BUCKSTOP_DB"}
    if db is not None:
        env["BUCKSTOP_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "buckstop.api.cli", *args], env=env, capture_output=True, text=True, timeout=60, cwd=cwd
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "org.db"
    result = buckstop("load", str(seed.FOLDER), db=path)
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stdout
    return path


def test_route_prints_handlers_escalation_and_reasons(db: Path) -> None:
    result = buckstop("route", "@CorvidHelp", "sales enquiry", "--on", DAY, db=db)
    assert result.returncode == 0, result.stderr
    assert "Carmen Ortiz" in result.stdout
    assert "3. Helena Marsh" in result.stdout
    assert "r-sales-org" in result.stdout


def test_route_json_is_machine_readable(db: Path) -> None:
    result = buckstop("route", "harbor-hotels", "press enquiry", "--on", DAY, "--json", db=db)
    answer = json.loads(result.stdout)
    assert answer["fallback"] is True
    assert [h["id"] for h in answer["handlers"]] == ["p-hugo-lambert"]
    assert answer["top"]["name"] == "Helena Marsh"
    assert answer["top"]["department"] == {"id": "dept-corvid", "name": "Corvid Electronics"}  # nested, as in GraphQL
    assert answer["rule"] is None and answer["issueType"]["parent"] is None
    assert {"explanation", "provenance", "orgVersion"} <= set(answer)


def test_unknown_names_exit_2_with_one_line_and_suggestions(db: Path) -> None:
    result = buckstop("route", "@CorvidHlep", "refund", db=db)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "buckstop: error: unknown account '@CorvidHlep'; "
        "did you mean '@CorvidHelp' or '@corvid.home' or '@CorvidDeals'?"
    )
    assert "Traceback" not in result.stderr


def test_chain_boss_top_and_in_charge(db: Path) -> None:
    chain = buckstop("chain", "Carmen Ortiz", "--json", db=db)
    assert [p["id"] for p in json.loads(chain.stdout)["above"]] == [
        "p-jamal-williams",
        "p-priya-raman",
        "p-helena-marsh",
    ]
    assert "Jamal Williams" in buckstop("boss", "p-carmen-ortiz", db=db).stdout
    assert "Helena Marsh" in buckstop("boss", db=db).stdout
    assert "Chief Executive Officer" in buckstop("top", db=db).stdout
    in_charge = buckstop("in-charge", "@CorvidDeals", db=db)
    assert "0. Gabriel Santos" in in_charge.stdout


def test_search_finds_by_synonym(db: Path) -> None:
    result = buckstop("search", "money back", "--json", db=db)
    assert {"kind": "issue_type", "id": "it-refund", "name": "Refund", "matched": "money back"} in json.loads(
        result.stdout
    )["hits"]


def test_refused_load_lists_every_problem_and_changes_nothing(db: Path, tmp_path: Path) -> None:
    before = buckstop("route", "@CorvidHelp", "refund", "--on", DAY, "--json", db=db).stdout
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "people.csv").write_text("id,name,manager_id,status\na,Ann,b,active\nb,Bob,a,gone\n")
    (bad / "routing.csv").write_text("id,issue_type_id,scope,target\nr1,it-refund,organization,role:nope\n")
    result = buckstop("load", str(bad), db=db)
    assert result.returncode == 2
    assert "nothing was changed" in result.stderr
    assert "people.csv:3 [status]: 'gone' is not a status" in result.stderr
    assert "reporting cycle: a → b → a" in result.stderr
    assert "routing.csv:2 [target]: unknown role 'nope'" in result.stderr
    after = buckstop("route", "@CorvidHelp", "refund", "--on", DAY, "--json", db=db).stdout
    assert after == before


def test_dry_run_applies_nothing(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    result = buckstop("load", str(seed.FOLDER), "--dry-run", db=db)
    assert result.returncode == 0, result.stderr
    assert "nothing was applied" in result.stdout
    assert "57 joiners" in result.stdout
    assert list(tmp_path.iterdir()) == []  # not even an empty store
    top = buckstop("top", db=db)
    assert top.returncode == 2
    assert top.stderr.startswith(f"buckstop: error: no such store '{db}'")


def test_settings_lists_environment_variables(tmp_path: Path) -> None:
    result = buckstop("settings", db=tmp_path / "x.db")
    assert "BUCKSTOP_DB" in result.stdout
    assert str(tmp_path / "x.db") in result.stdout


def test_settings_doc_is_current() -> None:
    from buckstop.api.cli.settings import markdown

    doc = Path(__file__).parents[2] / "docs" / "settings.md"
    assert doc.read_text() == markdown(), "run: buckstop settings --markdown > docs/settings.md"
