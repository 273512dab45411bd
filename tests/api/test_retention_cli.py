"""Retention as an operator meets it: ``BUCKSTOP_KEEP_VERSIONS_DAYS`` and three loads through the real command."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from buckstop.graph.timeline import today

from tests.api.test_cli import buckstop
from tests.graph.test_time import new_ceo, reorg, with_routing
from tests.orgs import acme

pytestmark = pytest.mark.slow  # real commands

OLD, MIDDLE, RECENT = (today() - timedelta(days=n) for n in (400, 200, 100))


def load(db: Path, folder: Path, effective: str) -> str:
    done = buckstop("load", str(folder), "--effective", effective, db=db)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_load_drops_the_versions_kept_no_longer_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "org.db"
    load(db, with_routing(acme()).write(tmp_path / "old"), OLD.isoformat())
    load(db, reorg().write(tmp_path / "middle"), MIDDLE.isoformat())
    monkeypatch.setenv("BUCKSTOP_KEEP_VERSIONS_DAYS", "150")
    said = load(db, new_ceo().write(tmp_path / "recent"), RECENT.isoformat())
    assert f"dropped version 1 (effective {OLD}): its successor came into force more than 150 days ago" in said
    assert "dropped version 2" not in said, "its successor came into force 100 days ago"

    changes = json.loads(buckstop("changes", "--json", db=db).stdout)
    first = next(c for c in changes if c["version"] == 1)
    assert first["effective"] is None and f"it was effective {OLD}]" in first["summary"]
    assert [c["effective"] for c in changes if c["version"] != 1] == [RECENT.isoformat(), MIDDLE.isoformat()]
    gone = buckstop("top", "--as-of", (OLD + timedelta(days=1)).isoformat(), db=db)
    assert gone.returncode == 2 and "the organisation is empty" in gone.stderr, "no org before the oldest version kept"
    top = json.loads(buckstop("top", "--as-of", MIDDLE.isoformat(), "--json", db=db).stdout)
    assert top["top"]["id"] == "p-cora" and top["orgVersion"] == 2

    monkeypatch.delenv("BUCKSTOP_KEEP_VERSIONS_DAYS")
    said = load(db, new_ceo().write(tmp_path / "again"), today().isoformat())
    assert "dropped" not in said, "unset: every version is kept"


def test_a_bad_retention_is_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUCKSTOP_KEEP_VERSIONS_DAYS", "0")
    done = buckstop("load", str(acme().write(tmp_path / "org")), db=tmp_path / "org.db")
    assert done.returncode == 2 and not (tmp_path / "org.db").exists()
    assert done.stderr.strip() == (
        "buckstop: error: bad setting keep_versions_days = '0' (BUCKSTOP_KEEP_VERSIONS_DAYS): "
        "must be a whole number of at least 1"
    )
