"""Learning from corrections as a user meets it: a case handed off to another issue type, `buckstop
examples` to review what triage learned, and the setting that lets triage read it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from buckstop import seed

from .test_cli import buckstop

pytestmark = pytest.mark.slow

ODD = "my flurbo gizmo squeaks at night; it drives me mad"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "org.db"
    assert buckstop("load", str(seed.FOLDER), db=path).returncode == 0
    return path


def issue_type_of(db: Path, message: str) -> str | None:
    result = buckstop("triage", "@CorvidHelp", message, "--json", db=db)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)["issueType"]
    return found["id"] if found else None


def test_a_corrected_case_is_shown_for_review_and_learned_only_when_the_setting_says(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nothing = buckstop("examples", "--learned", db=db)
    assert nothing.returncode == 0, nothing.stderr
    assert nothing.stdout.splitlines() == ["id,name,parent_id,synonyms,examples,respond_within,escalate_every"]
    assert "0 example(s) learned" in nothing.stderr

    opened = buckstop("case", "open", "@CorvidHelp", ODD, "--json", db=db)
    assert opened.returncode == 0, opened.stderr
    assert json.loads(opened.stdout)["issueType"] is None
    assert buckstop("case", "hand-off", "1", "refund", "--note", "a refund, really", db=db).returncode == 0

    review = buckstop("examples", "--learned", db=db)
    assert review.returncode == 0, review.stderr
    rows = list(csv.DictReader(io.StringIO(review.stdout)))
    assert [(r["id"], r["examples"]) for r in rows] == [
        ("it-refund", "my flurbo gizmo squeaks at night, it drives me mad")  # its `;` would split the cell
    ]
    assert rows[0]["synonyms"].startswith("money back;")
    whole = list(csv.DictReader(io.StringIO(buckstop("examples", db=db).stdout)))
    assert len(whole) == 16 and {r["id"]: r["respond_within"] for r in whole}["it-support"] == "4h"

    assert issue_type_of(db, "the flurbo gizmo squeaks") is None  # off by default
    monkeypatch.setenv("BUCKSTOP_LEARN_FROM_HAND_OFFS", "true")
    assert issue_type_of(db, "the flurbo gizmo squeaks") == "it-refund"
    second = buckstop("case", "open", "@CorvidHelp", "flurbo gizmo squeaking again", "--json", db=db)
    assert json.loads(second.stdout)["issueType"]["id"] == "it-refund"  # opening a case triages the same way
