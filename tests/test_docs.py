"""The documentation says what the code does: links resolve, examples are real output, every command is listed."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from buckstop import seed
from buckstop.api.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "seed" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_resolve_inside_the_repository(page: Path) -> None:
    text = page.read_text()
    broken = [
        target
        for target in LINK.findall(text)
        if not target.startswith(("http://", "https://", "mailto:")) and not (page.parent / target).exists()
    ]
    assert broken == []
    # A page never points at a file of the machine it was written on.
    assert re.findall(r"(?<![\w.])/(?:work|root|home|Users)/\S+", text) == []


def test_the_readme_lists_every_command() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [c.NAME for c in COMMANDS if not re.search(rf"^buckstop {re.escape(c.NAME)}\b", readme, re.M)]
    assert missing == []


def test_the_readme_names_every_make_target() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = re.findall(r"^([a-z][\w-]*):", makefile, re.M)
    readme = (ROOT / "README.md").read_text()
    missing = [t for t in targets if not re.search(rf"\bmake {re.escape(t)}(?![\w-])", readme)]
    assert targets and missing == []


@pytest.mark.slow
def test_the_matrix_csv_shown_in_the_audit_page_is_real_output(tmp_path: Path) -> None:
    page = (ROOT / "docs" / "audit.md").read_text()
    shown = [line for line in page.splitlines() if line.startswith("acc-")]
    assert shown, "docs/audit.md shows no CSV rows"
    db = tmp_path / "demo.db"

    def buckstop(*args: str) -> str:
        command = [sys.executable, "-m", "buckstop.api.cli", *args, "--db", str(db)]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout

    buckstop("load", str(seed.FOLDER))
    real = buckstop("matrix", "--csv").splitlines()
    assert [line for line in shown if line not in real] == []


@pytest.mark.slow
def test_the_triage_answers_shown_in_the_docs_are_real_output(tmp_path: Path) -> None:
    page = (ROOT / "docs" / "triage.md").read_text()
    agents = (ROOT / "docs" / "agents.md").read_text()
    db = tmp_path / "demo.db"

    def buckstop(*args: str) -> str:
        command = [sys.executable, "-m", "buckstop.api.cli", *args, "--db", str(db)]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout

    buckstop("load", str(seed.FOLDER))
    shown = re.findall(r"```console\n\$ buckstop (triage .+?) --on (\S+)\n(.*?)```", page, re.S)
    assert len(shown) == 2, "docs/triage.md shows two triage answers"
    for command, day, output in shown:
        account, message = re.fullmatch(r'triage (\S+) "(.+)"', command).groups()
        assert buckstop("triage", account, message, "--on", day) == output
        answer = json.loads(buckstop("triage", account, message, "--on", day, "--json"))
        # docs/agents.md shows the same answers as JSON, their explanations' first lines at least
        assert f'"message": {json.dumps(message, ensure_ascii=False)}' in agents
        for line in answer["explanation"][:3]:
            assert json.dumps(line, ensure_ascii=False) in agents


#: A load's time in ``buckstop changes``: the one column of the demo's history that is not a day of it.
_LOADED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def _tolerant(output: str) -> str:
    """``output`` without what a demo made on the page's day cannot repeat: when it was loaded, and whether a
    day is still to come (``(scheduled)``, which moves the table's columns); every other word is compared."""
    lines = [_LOADED_AT.sub("LOADED", line).replace(" (scheduled)", "") for line in output.splitlines()]
    return "\n".join(" ".join(line.split()) for line in lines if not set(line) <= {"-", " "})


@pytest.mark.slow
def test_the_time_examples_of_the_model_page_are_real_output_of_the_demo(tmp_path: Path) -> None:
    from buckstop.api.stores import seed_if_empty
    from buckstop.graph.memory import MemoryStore

    page = (ROOT / "docs" / "model.md").read_text()
    section = page[page.index("### Time in the demo org") : page.index("## The other questions")]
    made = re.search(r"a demo store made on (\d{4}-\d\d-\d\d)", section)
    assert made, "the page says on which day its demo store was made"
    db = tmp_path / "buckstop.db"
    store = MemoryStore(db)
    seed_if_empty(store, date.fromisoformat(made.group(1)))  # as `buckstop serve` made it on that day
    store.close()
    shown = re.findall(r"^\$ buckstop ([^\n]+)\n(.*?)(?=^\$ |^```)", section, re.M | re.S)
    assert len(shown) == 6, "docs/model.md shows six commands on the demo's history"
    for command, output in shown:
        args = shlex.split(command)
        real = subprocess.run(
            [sys.executable, "-m", "buckstop.api.cli", *args, "--db", str(db)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        assert _tolerant(real) == _tolerant(output), command
