"""What the CLI prints is safe: no value acts on a terminal, no CSV cell runs in a spreadsheet.

The last tests run the real ``buckstop`` on a bundle written here, whose names
hold ESC sequences, a line feed, a bidi override, a look-alike letter and a
formula, and read what it prints.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from buckstop.api.cli.output import spreadsheet_safe, write_csv

from tests.api.test_cli import buckstop
from tests.orgs import OrgBuilder

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tx", "\rx"]
)
def test_a_cell_that_starts_like_a_formula_is_written_as_text(cell: str) -> None:
    out = io.StringIO()
    write_csv(out, ("name",), [(cell,)])
    [_, [written]] = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert written == "'" + cell


def test_other_cells_are_left_as_they_are() -> None:
    for cell in ("Helena Marsh", "p-ceo", "a=b", "", "12", "Ada Lovelace;Alan Turing"):
        assert spreadsheet_safe(cell) == cell


@pytest.mark.parametrize("cell", ["Ada Lovelace;=1+2", "=1+2;Ada Lovelace", "p-ada;@SUM(A1:A9);-2+3"])
def test_every_part_of_a_joined_cell_is_written_as_text(cell: str) -> None:
    """A spreadsheet that splits the cell on ``;`` must find no formula in any part."""
    out = io.StringIO()
    write_csv(out, ("handlers",), [(cell,)])
    [_, [written]] = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert not any(part.startswith(("=", "+", "-", "@")) for part in written.split(";")), written
    assert [part.lstrip("'") for part in written.split(";")] == cell.split(";")


# -- the real command on hostile names -------------------------------------------------------

EVE = "Eve\x1b[2J\x1b[H"  # clears the screen and homes the cursor
MAL = "Mal\nERROR  forged line"  # a line of output of its own making
TITLE = "Clerk \u202egnp.exe"  # shows as "Clerk exe.png"
PAUL = "P\u0430ul Smith"  # a Cyrillic а
CALC = "=1+2"
#: What a terminal would act on; the line feeds between lines of output aside.
ACTS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    org = OrgBuilder().department("d-co", "Co", head="p-ada")
    org.person("p-ada", "Ada Lovelace", department="d-co", title="CEO", public=True)
    org.person("p-eve", EVE, department="d-co", manager="p-ada", title=TITLE)
    org.person("p-mal", MAL, department="d-co", manager="p-eve")
    org.person("p-paul", PAUL, department="d-co", manager="p-ada")
    org.person("p-calc", CALC, department="d-co", manager="p-ada")
    org.role("role-desk", "Help desk", department="d-co", holders=["p-ada", "p-calc"])
    org.account("acc-co", "twitter", "@Co", owner="d-co", contact="role:role-desk")
    org.issue_type("it-help", "Help").rule("r-help", "it-help", "organization", "role:role-desk")
    path = folder / "org.db"
    loaded = buckstop("load", str(org.write(folder / "bundle")), db=path)
    assert loaded.returncode == 0, loaded.stderr
    return path


#: Each command, and the escapes its text output must show.
SHOWN = {
    ("chain", "p-mal"): [r"Mal\nERROR  forged line (p-mal)", r"Eve\x1b[2J\x1b[H (p-eve, Clerk \u202egnp.exe)"],
    ("boss", "p-mal"): [r"Eve\x1b[2J\x1b[H (p-eve, Clerk \u202egnp.exe)"],
    ("search", "p-"): [r"Eve\x1b[2J\x1b[H", r"Mal\nERROR  forged line"],
    ("route", "@Co", "help"): ["=1+2 (p-calc)"],
    ("in-charge", "Co"): ["Ada Lovelace (p-ada, CEO)"],
    ("matrix",): ["Ada Lovelace, =1+2"],
    ("audit",): [r"'Eve\x1b[2J\x1b[H'", r"'Clerk \u202egnp.exe'", r"'Mal\nERROR  forged line'"],
}


@pytest.mark.parametrize("command", SHOWN)
def test_text_output_shows_hidden_characters_as_escapes(db: Path, command: tuple[str, ...]) -> None:
    result = buckstop(*command, db=db)
    assert result.returncode == 0, result.stderr
    assert not ACTS.findall(result.stdout), result.stdout
    assert not any(line.startswith("ERROR  forged line") for line in result.stdout.splitlines())
    for escaped in SHOWN[command]:
        assert escaped in result.stdout, (escaped, result.stdout)


def test_json_output_escapes_bidi_controls_and_reads_back_the_same(db: Path) -> None:
    result = buckstop("chain", "p-mal", "--json", db=db)
    assert not ACTS.findall(result.stdout)
    assert "\\u202e" in result.stdout
    chain = json.loads(result.stdout)
    assert chain["person"]["name"] == MAL and chain["above"][0]["title"] == TITLE


def test_the_audit_flags_hidden_characters_and_look_alikes(db: Path) -> None:
    findings = json.loads(buckstop("audit", "--json", db=db).stdout)["findings"]
    flagged = {(f["kind"], tuple(f["nodes"])) for f in findings if f["kind"].endswith("name")}
    assert flagged == {
        ("hidden-characters-in-name", ("person:p-eve",)),  # its name, and its title
        ("hidden-characters-in-name", ("person:p-mal",)),
        ("look-alike-name", ("person:p-paul",)),
    }
    paul = next(f for f in findings if f["kind"] == "look-alike-name")
    assert "'Pаul' has Cyrillic 'а' (U+0430 CYRILLIC SMALL LETTER A) among Latin letters" in paul["message"]
    assert paul["fix"].startswith("Retype the name of p-paul in people.csv in one alphabet")
    assert paul["where"] == ["people.csv:5"] and paul["severity"] == "WARNING"
    eve = [f["message"] for f in findings if f["nodes"] == ["person:p-eve"] and f["kind"].startswith("hidden")]
    assert eve == [
        "The name of person p-eve, 'Eve\\x1b[2J\\x1b[H', holds hidden characters: U+001B.",
        "The title of person p-eve, 'Clerk \\u202egnp.exe', holds hidden characters: U+202E RIGHT-TO-LEFT OVERRIDE.",
    ]


def test_matrix_csv_neutralises_every_handler(db: Path) -> None:
    result = buckstop("matrix", "--csv", db=db)
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["handlers"] == "Ada Lovelace;'=1+2" and row["handler_ids"] == "p-ada;p-calc"


# -- what `buckstop load` prints: notes, the diff, its problems ----------------------------------


def hostile_bundle(folder: Path, *, title: str = TITLE, manager: str = "p-ada") -> Path:
    org = OrgBuilder().department("d-co", "Co\x1b[2J", head="p-ada")
    org.person("p-ada", "Ada Lovelace", department="d-co", title="CEO")
    org.person("p-eve", EVE, department="d-co", manager=manager, title=title)
    org.person("p-mal", MAL, department="d-co", manager="p-ada")
    return org.write(folder)


def assert_nothing_acts(text: str) -> None:
    assert not ACTS.findall(text), text
    assert not any(line.startswith("ERROR  forged line") for line in text.splitlines()), text


def test_load_and_its_dry_run_print_every_value_escaped(tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    first = buckstop("load", str(hostile_bundle(tmp_path / "one")), db=db)
    assert first.returncode == 0, first.stderr
    assert_nothing_acts(first.stdout + first.stderr)
    assert r"Mal\nERROR  forged line" in first.stdout and r"Eve\x1b[2J\x1b[H" in first.stdout  # the joiners

    changed = hostile_bundle(tmp_path / "two", title="Boss\n\u202eERROR  forged line")
    for dry in (["--dry-run"], []):
        result = buckstop("load", str(changed), *dry, db=db)
        assert result.returncode == 0, result.stderr
        assert_nothing_acts(result.stdout + result.stderr)
        assert r"Boss\n\u202eERROR  forged line" in result.stdout, result.stdout  # the title change


def test_a_refused_load_prints_its_problems_escaped(tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    bad = hostile_bundle(tmp_path / "bad")
    (bad / "notes\x1b[2J\n\u202eERROR  forged line.csv").write_text("a\n")  # quoted in a problem: not a bundle file
    for dry in (["--dry-run"], []):
        result = buckstop("load", str(bad), *dry, db=db)
        assert result.returncode == 2, (result.stdout, result.stderr)
        assert result.stderr.startswith("buckstop: refused: 1 problem, nothing was changed\n"), result.stderr
        assert_nothing_acts(result.stdout + result.stderr)
        assert r"notes\x1b[2J\n\u202eERROR  forged line.csv: is not a bundle file" in result.stderr, result.stderr
    assert not db.exists()
