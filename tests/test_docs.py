"""The documentation says what the code does: links resolve, examples are real output, every command is listed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
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
