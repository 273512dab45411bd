"""`buckstop audit`, `buckstop matrix` and `buckstop triage`, run as a user runs them, on the demo org."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from buckstop import seed

from tests.api.test_cli import DAY, buckstop
from tests.orgs import OrgBuilder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "org.db"
    result = buckstop("load", str(seed.FOLDER), db=path)
    assert result.returncode == 0, result.stderr
    return path


def test_audit_prints_each_finding_with_why_and_fix(db: Path) -> None:
    result = buckstop("audit", "--on", DAY, db=db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ERROR  contract-owner-left: @corvid_electronics (tiktok) is run by Reelhouse Studio")
    assert lines[1].startswith("    why: ")
    assert lines[2] == "    fix: Set contract_owner_id of ag-reelhouse in agencies.csv to a current employee."
    assert lines[3] == "    see: accounts.csv:9, agencies.csv:4, people.csv:60"
    assert lines[-1] == "Audited org version 1: 2 errors, 5 warnings and 1 note on 2026-11-23."


def test_audit_strict_fails_on_errors_only(db: Path, tmp_path: Path) -> None:
    assert buckstop("audit", "--on", DAY, "--strict", db=db).returncode == 1
    clean = OrgBuilder().department("d-co", "Co", head="p-cora").person("p-cora", "Cora", department="d-co")
    small = tmp_path / "small.db"
    assert buckstop("load", str(clean.write(tmp_path / "clean")), db=small).returncode == 0
    result = buckstop("audit", "--strict", db=small)
    assert result.returncode == 0, result.stdout
    assert "0 errors, 0 warnings and 0 notes" in result.stdout


def test_audit_json_and_severity(db: Path) -> None:
    result = buckstop("audit", "--on", DAY, "--severity", "error", "--json", db=db)
    answer = json.loads(result.stdout)
    assert (answer["errorCount"], answer["warningCount"], answer["infoCount"]) == (2, 5, 1)
    assert [f["kind"] for f in answer["findings"]] == ["contract-owner-left", "several-tops"]
    assert answer["findings"][1]["where"] == ["people.csv:59", "people.csv:2"]


def test_matrix_table_and_csv(db: Path) -> None:
    table = buckstop("matrix", "--on", DAY, db=db)
    assert table.returncode == 0, table.stderr
    assert "harbor-hotels        Press enquiry     Hugo Lambert                    FALLBACK" in table.stdout
    assert table.stdout.rstrip().endswith("10 of 64 reach only a fallback (on 2026-11-23).")
    rows = list(csv.DictReader(io.StringIO(buckstop("matrix", "--on", DAY, "--csv", db=db).stdout)))
    assert len(rows) == 64
    assert rows[0].keys() == {
        "account",
        "handle",
        "issue_type",
        "issue_type_name",
        "rule",
        "fallback",
        "handler_ids",
        "handlers",
    }
    sales = next(r for r in rows if r["account"] == "acc-help" and r["issue_type"] == "it-sales")
    assert sales == {
        "account": "acc-help",
        "handle": "'@CorvidHelp",  # a leading @ is a formula to a spreadsheet: written as text
        "issue_type": "it-sales",
        "issue_type_name": "Sales enquiry",
        "rule": "r-sales-org",
        "fallback": "false",
        "handler_ids": "p-carmen-ortiz;p-david-cohen",
        "handlers": "Carmen Ortiz;David Cohen",
    }


def test_triage_prints_the_issue_type_candidates_and_route(db: Path) -> None:
    result = buckstop("triage", "@CorvidHelp", "My smart speaker is broken and overheating", "--on", DAY, db=db)
    assert result.returncode == 0, result.stderr
    # Broken and overheating: as much a safety matter as a technical one, so a person decides.
    assert result.stdout.startswith("Unclassified on @CorvidHelp (33% sure, en) — AMBIGUOUS — FALLBACK\n")
    assert "  1  Technical issue\n  1  Product safety\n" in result.stdout
    answer = json.loads(buckstop("triage", "@CorvidHelp", "where is my order??", "--json", "--on", DAY, db=db).stdout)
    assert answer["issueType"]["name"] == "Delivery"
    assert [h["id"] for h in answer["route"]["handlers"]] == ["p-kenji-watanabe"]


def test_triage_errors_are_one_line(db: Path) -> None:
    result = buckstop("triage", "@CorvidHlep", "refund please", db=db)
    assert result.returncode == 2
    assert result.stderr.startswith("buckstop: error: unknown account '@CorvidHlep'; did you mean '@CorvidHelp'")
    assert len(result.stderr.splitlines()) == 1


def test_the_audit_example_in_the_docs_is_current(db: Path) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "audit.md").read_text()
    start = doc.index("```text\nERROR") + len("```text\n")
    example = doc[start : doc.index("```", start)]
    assert buckstop("audit", "--on", DAY, db=db).stdout == example, "update the example in docs/audit.md"


def test_a_reader_that_stops_early_ends_the_output_quietly(db: Path) -> None:
    # `buckstop matrix --csv | head -1`: the pipe is closed before the command writes, so every write fails.
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "BUCKSTOP_DB": str(db)}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "buckstop.api.cli", "matrix", "--csv"],
            env=env,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (141, "")
