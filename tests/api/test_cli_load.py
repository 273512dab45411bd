"""`buckstop load` of HR exports, run as HR runs it: a real process on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api.test_cli import buckstop
from tests.loaders.samples import PEOPLE, Sample, write_sample


def test_an_hr_export_loads_in_one_command_and_prints_what_changed(tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    export = write_sample("BambooHR", tmp_path / "first", departments=False) / "people.csv"
    result = buckstop("load", str(export), db=db, seed_empty=False)
    assert result.returncode == 0, result.stderr
    assert "people.csv: read as the BambooHR people format" in result.stdout
    assert "people.csv: Windows-1252, comma-delimited" in result.stdout
    assert "6 joiners, 0 leavers" in result.stdout  # Lou Lane is in the file, but as someone who left
    assert "the org is now version 1" in result.stdout

    later = [p for p in PEOPLE if p.id != "1006"]  # Zoë has gone
    later[3] = Sample(**{**later[3].__dict__, "title": "Senior Agent", "manager": "1002"})  # Ann: promoted, moved
    again = write_sample("BambooHR", tmp_path / "second", later, departments=False) / "people.csv"
    dry = buckstop("load", str(again), "--dry-run", db=db, seed_empty=False)
    assert dry.returncode == 0, dry.stderr
    assert "dry run: the load is valid" in dry.stdout
    assert "0 joiners, 1 leaver, 1 mover, 1 title change, 0 status changes; 0 routing consequences" in dry.stdout
    assert "  Zoë Müller (1006)" in dry.stdout
    assert "  Ann Lee (1004): manager 1003 → 1002" in dry.stdout
    assert "  Ann Lee (1004): Agent → Senior Agent" in dry.stdout

    result = buckstop("load", str(again), "--json", db=db, seed_empty=False)
    answer = json.loads(result.stdout)
    assert answer["applied"] is True and answer["version"] == 2
    assert answer["leavers"] == ["1006"]
    assert answer["moves"] == [{"id": "1004", "field": "manager", "old": "1003", "new": "1002"}]
    boss = buckstop("boss", "Ann Lee", "--json", db=db, seed_empty=False)
    assert json.loads(boss.stdout)["id"] == "1002"
    person = json.loads(buckstop("chain", "1004", "--json", db=db, seed_empty=False).stdout)["person"]
    assert person["source"] == ["people.csv", 5]  # where HR finds Ann in their export


def test_an_entra_export_takes_its_managers_from_a_second_file(tmp_path: Path) -> None:
    folder = write_sample("Entra ID", tmp_path / "entra", departments=False)
    users = folder / "users.csv"
    (folder / "people.csv").rename(users)
    result = buckstop("load", str(users), "--managers", str(folder / "managers.csv"), db=tmp_path / "o.db")
    assert result.returncode == 0, result.stderr
    assert "managers.csv: managers for 6 people" in result.stdout
    chain = json.loads(buckstop("chain", "Ann Lee", "--json", db=tmp_path / "o.db").stdout)
    assert [p["name"] for p in chain["above"]] == ["Sue Park", "Omar Ortiz", "Cora Chén"]


def test_a_dry_run_of_a_broken_export_shows_the_diff_and_every_problem(tmp_path: Path) -> None:
    export = write_sample("Personio", tmp_path / "p", departments=False) / "people.csv"
    export.write_text(export.read_text().replace("PARK, SUE", "PARK, SUSAN").replace("Active", "Retiring", 1))
    result = buckstop("load", str(export), "--dry-run", db=tmp_path / "o.db", seed_empty=False)
    assert result.returncode == 2
    assert "dry run: the load has problems" in result.stdout
    assert "6 joiners" in result.stdout
    assert "refused: 4 problems, nothing was changed" in result.stderr
    assert "people.csv:2 [status]: 'Retiring' is not a Personio status" in result.stderr
    assert "people.csv:5 [supervisor]: manager 'PARK, SUSAN' matches no one's id, email or full name" in result.stderr
    assert "did you mean Sue Park (1003, row 4)?" in result.stderr
    assert buckstop("top", db=tmp_path / "o.db", seed_empty=False).returncode == 2  # still empty
