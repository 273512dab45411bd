"""``buckstop audit --upcoming WINDOW`` as a user runs it: the demo org now, its Head of Sales leaving in 30 days."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from buckstop import seed
from buckstop.graph.timeline import today

from tests.api.test_cli import buckstop

pytestmark = pytest.mark.slow  # real commands


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "org.db"
    assert buckstop("load", str(seed.FOLDER), db=path).returncode == 0
    leaving = tmp_path / "leaving"
    leaving.mkdir()
    for each in seed.FOLDER.glob("*.csv"):
        text = each.read_text(encoding="utf-8")
        if each.name == "people.csv":
            text = text.replace(
                "Head of Sales,dept-sales,p-priya-raman,active", "Head of Sales,dept-sales,p-priya-raman,left"
            )
        (leaving / each.name).write_text(text, encoding="utf-8")
    day = (today() + timedelta(days=30)).isoformat()
    done = buckstop("load", str(leaving), "--effective", day, db=path)
    assert done.returncode == 0, done.stderr
    return path


def test_the_scheduled_leaver_s_findings_come_with_their_day(db: Path) -> None:
    day = (today() + timedelta(days=30)).isoformat()
    done = buckstop("audit", "--upcoming", "90d", db=db)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"on {day} Jamal Williams (Head of Sales) leaves: 1 new finding; ")
    assert "accounts' escalation chains get shorter (version 2, after version 1)" in first
    assert (
        "ERROR  left-but-responsible: Jamal Williams (p-jamal-williams) has left but still heads Sales" in done.stdout
    )
    assert "    chain: Corvid Help / Sales enquiry: 4 → 3 levels" in done.stdout
    assert buckstop("audit", "--upcoming", "90d", "--strict", db=db).returncode == 1, "a new error fails --strict"
    answer = json.loads(buckstop("audit", "--upcoming", "12w", "--json", db=db).stdout)
    [version] = answer["versions"]
    assert (version["effective"], version["leavers"]) == (day, [{"id": "p-jamal-williams", "name": "Jamal Williams"}])
    assert answer["within"] == "12w" and answer["orgVersion"] == 1


def test_a_window_before_the_version_finds_nothing_and_today_is_unchanged(db: Path) -> None:
    done = buckstop("audit", "--upcoming", "4w", "--strict", db=db)
    assert done.returncode == 0 and done.stdout.strip().startswith("0 scheduled versions effective after")
    assert "left-but-responsible" not in buckstop("audit", db=db).stdout


def test_a_window_that_is_not_a_duration_is_refused_in_one_line(db: Path) -> None:
    done = buckstop("audit", "--upcoming", "soon", db=db)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("buckstop: error: argument --upcoming: the window 'soon' is not a duration; ")
    assert len(done.stderr.strip().splitlines()) == 1
