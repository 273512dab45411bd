"""`buckstop load` of HR exports, run as HR runs it: a real process on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.api.test_cli import buckstop
from tests.loaders.samples import PEOPLE, Sample, write_sample

pytestmark = pytest.mark.slow


def test_an_hr_export_loads_in_one_command_and_prints_what_changed(tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    export = write_sample("BambooHR", tmp_path / "first", departments=False) / "people.csv"
    result = buckstop("load", str(export), db=db)
    assert result.returncode == 0, result.stderr
    assert "people.csv: read as the BambooHR people format" in result.stdout
    assert "people.csv: Windows-1252, comma-delimited" in result.stdout
    assert "6 joiners, 0 leavers" in result.stdout  # Lou Lane is in the file, but as someone who left
    assert "the org is now version 1" in result.stdout

    later = [p for p in PEOPLE if p.id != "1006"]  # Zoë has gone
    later[3] = Sample(**{**later[3].__dict__, "title": "Senior Agent", "manager": "1002"})  # Ann: promoted, moved
    again = write_sample("BambooHR", tmp_path / "second", later, departments=False) / "people.csv"
    dry = buckstop("load", str(again), "--dry-run", db=db)
    assert dry.returncode == 0, dry.stderr
    assert "dry run: the load is valid" in dry.stdout
    assert (
        "0 joiners, 1 leaver, 1 mover, 1 title change, 0 status changes, 0 other changes; 0 routing consequences"
        in (dry.stdout)
    )
    assert "  Zoë Müller (1006)" in dry.stdout
    assert "  Ann Lee (1004): manager 1003 → 1002" in dry.stdout
    assert "  Ann Lee (1004): Agent → Senior Agent" in dry.stdout

    result = buckstop("load", str(again), "--json", db=db)
    answer = json.loads(result.stdout)
    assert answer["applied"] is True and answer["version"] == 2
    assert [p["id"] for p in answer["diff"]["leavers"]] == ["1006"]
    [move] = answer["diff"]["moves"]
    assert (move["person"]["id"], move["field"], move["old"], move["new"]) == ("1004", "manager", "1003", "1002")
    boss = buckstop("boss", "Ann Lee", "--json", db=db)
    assert json.loads(boss.stdout)["boss"]["id"] == "1002"
    person = json.loads(buckstop("chain", "1004", "--json", db=db).stdout)["person"]
    assert person["source"] == "people.csv:5"  # where HR finds Ann in their export, file:row as in GraphQL


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
    result = buckstop("load", str(export), "--dry-run", db=tmp_path / "o.db")
    assert result.returncode == 2
    assert "dry run: the load has 4 problems (" in result.stdout
    assert "6 joiners" in result.stdout
    assert "refused: 4 problems, nothing was changed" in result.stderr
    assert "people.csv:2 [status]: 'Retiring' is not a Personio status" in result.stderr
    assert "people.csv:5 [supervisor]: manager 'PARK, SUSAN' matches no one's id, email or full name" in result.stderr
    assert "did you mean Sue Park (1003, row 4)?" in result.stderr
    assert not (tmp_path / "o.db").exists()  # a dry run makes no store


def test_a_rename_and_a_new_email_show_in_the_dry_run_the_load_and_the_log(tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    people = tmp_path / "people.csv"
    people.write_text("id,name,email\np-grace,Grace Hopper,grace@navy.test\np-ada,Ada Lovelace,ada@acme.test\n")
    assert buckstop("load", str(people), db=db).returncode == 0
    people.write_text("id,name,email\np-grace,Grâce Höpper,grace@navy.test\np-ada,Ada Lovelace,ada@babbage.test\n")
    shown = [
        "Other changes (2):",
        "  Ada Lovelace (p-ada): email ada@acme.test → ada@babbage.test",
        "  Grâce Höpper (p-grace): name Grace Hopper → Grâce Höpper",
    ]
    dry = buckstop("load", str(people), "--dry-run", db=db)
    assert dry.returncode == 0, dry.stderr
    assert "0 status changes, 2 other changes;" in dry.stdout
    assert all(line in dry.stdout.splitlines() for line in shown), dry.stdout
    result = buckstop("load", str(people), db=db)
    assert all(line in result.stdout.splitlines() for line in shown), result.stdout
    answer = json.loads(buckstop("load", str(people), "--json", "--dry-run", db=db).stdout)
    assert answer["diff"]["otherChanges"] == []  # loaded already: nothing changes again
    log = json.loads(buckstop("changes", "--json", db=db).stdout)
    assert log[0]["summary"] == "bundle people.csv: 2 person; 2 other changes"
    assert log[1]["summary"] == "bundle people.csv: 2 person; 2 joiners"


def test_paths_that_are_not_there_are_named_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    people = tmp_path / "people.csv"
    people.write_text("id,name\np-a,Ann\n")
    cases = {
        ("./no-such-file.csv",): "buckstop: error: no such file or folder './no-such-file.csv'",
        ("",): "buckstop: error: PATH is empty; name a bundle folder or a people file",
        (str(people), "--managers", "nope.csv"): "buckstop: error: --managers 'nope.csv': no such file",
        (str(people), "--columns", "map.csv"): "buckstop: error: --columns 'map.csv': no such file",
    }
    for args, line in cases.items():
        for dry in ((), ("--dry-run",)):
            result = buckstop("load", *args, *dry, db=db)
            assert (result.returncode, result.stderr) == (2, line + "\n"), (args, dry)
    assert list(tmp_path.iterdir()) == [people]  # no store was made for any of them


def test_a_refused_dry_run_counts_its_problems(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "peeple.csv").write_text("id,name\np-a,Ann\n")
    result = buckstop("load", str(folder), "--dry-run", db=tmp_path / "o.db")
    assert result.returncode == 2
    assert "dry run: the load has 1 problem (no records read); nothing was applied" in result.stdout
    assert "()" not in result.stdout


def test_the_hints_of_a_one_file_load_name_its_flags(tmp_path: Path) -> None:
    folder = write_sample("Entra ID", tmp_path / "entra", departments=False)
    (folder / "managers.csv").unlink()
    alone = buckstop("load", str(folder / "people.csv"), "--dry-run", db=tmp_path / "o.db")
    assert "add --managers FILE (two columns: person, manager) to set them" in alone.stdout
    assert "add managers.csv" not in alone.stdout
    in_folder = buckstop("load", str(folder), "--dry-run", db=tmp_path / "o.db")
    assert "add managers.csv (two columns: person, manager) to set them" in in_folder.stdout
    other = tmp_path / "other.csv"
    other.write_text("Staff No,Full Name\n1,Ann\n")
    unknown = buckstop("load", str(other), "--dry-run", db=tmp_path / "o.db")
    assert "add --columns FILE (field,column) to say which column holds what" in unknown.stderr
