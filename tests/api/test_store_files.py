"""A file that is not a buckstop store is refused by every command, in one line, and never written.

Real files, real processes: an empty file (a full disk, a bad copy), another
program's SQLite database (in either journal mode), bytes that are no database at
all, and a store of a newer buckstop, each named with ``--db``/``BUCKSTOP_DB`` or
lying where the default store would be. Each must be refused with exit 2 naming
the file and what it is, with its bytes unchanged and no log or index left beside
it; ``serve`` seeds the demo only into a store it has just made.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from buckstop import seed
from buckstop.graph.memory import SCHEMA_VERSION, MemoryStore

from tests.api.test_cli import buckstop
from tests.api.test_stores import READS, serve_output
from tests.disks import fingerprint

pytestmark = pytest.mark.slow


def empty(db: Path) -> None:
    db.write_bytes(b"")


def garbage(db: Path) -> None:
    db.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)


def another_database(db: Path) -> None:
    with closing(sqlite3.connect(db)) as other:
        other.execute("CREATE TABLE meta (name TEXT)")  # a name of ours, but not our table
        other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        other.commit()


def another_database_in_wal_mode(db: Path) -> None:
    with closing(sqlite3.connect(db)) as other:
        other.execute("PRAGMA journal_mode=WAL")
        other.execute("CREATE TABLE events (at TEXT)")
        other.commit()


def a_database_with_no_tables(db: Path) -> None:
    with closing(sqlite3.connect(db)) as other:
        other.execute("PRAGMA user_version = 7")  # writes the header: a database, with nothing in it
        other.commit()


def a_newer_store(db: Path) -> None:
    store = MemoryStore(db)
    store.close()
    with closing(sqlite3.connect(db)) as newer:
        newer.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION + 1),))
        newer.commit()
        newer.execute("PRAGMA journal_mode=DELETE")  # as a newer buckstop might leave it: no log to make


#: Each kind of file, and what the refusal must say it is.
FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "empty": (empty, "is empty (0 bytes): not a buckstop store; restore it from a backup, or remove it"),
    "garbage": (garbage, "is not an SQLite database, so not a buckstop store; name your store file instead"),
    "another database": (
        another_database,
        "is an SQLite database but not a buckstop store (its tables: invoices, meta); name your store file instead",
    ),
    "another database, WAL": (another_database_in_wal_mode, "is an SQLite database but not a buckstop store (its"),
    "no tables": (a_database_with_no_tables, "is an SQLite database but not a buckstop store (it has no tables)"),
    "newer store": (
        a_newer_store,
        f"is a buckstop store of schema '{SCHEMA_VERSION + 1}', which this buckstop does not know (it reads schema "
        f"{SCHEMA_VERSION} and older); open it with the newer buckstop that made it",
    ),
}


def assert_refused_untouched(result: subprocess.CompletedProcess[str], db: Path, what: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"buckstop: error: the file '{db}' {what}"), lines[0]
    assert lines[0].endswith("(nothing was written to it)"), lines[0]
    assert "Helena Marsh" not in result.stdout and "serving" not in result.stdout


def serve(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``buckstop serve`` as run from a shell; a refused store ends it before it serves."""
    return subprocess.run(
        [sys.executable, "-m", "buckstop.api.cli", "serve", "--port", "0", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def env_without_db(**extra: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k != "BUCKSTOP_DB"}, **extra}


#: Every command that opens a store, as a user runs it; serve in each of its ways of choosing a store.
COMMANDS = {
    **READS,
    "load": ["load", str(seed.FOLDER)],
    "load --dry-run": ["load", str(seed.FOLDER), "--dry-run"],
}


@pytest.mark.parametrize("kind", FILES)
@pytest.mark.parametrize("command", ["top", "load"])
def test_a_file_that_is_not_a_store_is_refused_and_left_as_it_was(kind: str, command: str, tmp_path: Path) -> None:
    make, what = FILES[kind]
    db = tmp_path / "org.db"
    make(db)
    before = fingerprint(tmp_path)
    assert_refused_untouched(buckstop(*COMMANDS[command], db=db), db, what)
    assert fingerprint(tmp_path) == before  # the same bytes, and no -wal or -shm beside them


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_an_empty_store_file(command: str, tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    db.touch()
    assert_refused_untouched(buckstop(*COMMANDS[command], db=db), db, FILES["empty"][1])
    assert [(p.name, p.stat().st_size) for p in tmp_path.iterdir()] == [("org.db", 0)]


#: serve's ways of choosing a store: each kind of file lying where the default store would be, and
#: an empty file chosen each other way.
SERVES = [("default store", kind) for kind in FILES] + [
    (how, "empty") for how in ("default store --no-seed", "--db", "--db --no-seed")
]


@pytest.mark.parametrize(("how", "kind"), SERVES)
def test_serve_refuses_a_file_that_is_not_a_store_and_seeds_nothing(how: str, kind: str, tmp_path: Path) -> None:
    make, what = FILES[kind]
    db = tmp_path / "buckstop.db" if how.startswith("default") else tmp_path / "org.db"
    make(db)
    before = fingerprint(tmp_path)
    flags = ["--no-seed"] if how.endswith("--no-seed") else []
    env = env_without_db() if how.startswith("default") else env_without_db(BUCKSTOP_DB=str(db))
    result = serve(*flags, env=env, cwd=tmp_path)
    shown = Path("buckstop.db") if how.startswith("default") else db  # the default store is named as set
    assert_refused_untouched(result, shown, what)
    assert fingerprint(tmp_path) == before


def test_serve_does_not_seed_an_empty_store_that_was_there(tmp_path: Path) -> None:
    db = tmp_path / "buckstop.db"
    assert "demo org" not in serve_output(db, "--no-seed", default_store=True)  # a real store, made empty
    output = serve_output(db, default_store=True)
    assert "demo org" not in output, output
    top = buckstop("top", db=db)
    assert top.returncode == 2 and "the organisation is empty" in top.stderr
    assert buckstop("changes", "--json", db=db).stdout.strip() == "[]"


def test_a_store_made_before_the_schema_was_recorded_still_opens(tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    assert buckstop("load", str(seed.FOLDER), db=db).returncode == 0
    with closing(sqlite3.connect(db)) as old:
        old.execute("DELETE FROM meta WHERE key = 'schema'")
        old.execute("DROP TABLE tokens")  # the first stores had neither
        old.commit()
    top = buckstop("top", db=db)
    assert top.returncode == 0, top.stderr
    assert "Helena Marsh" in top.stdout
    assert buckstop("token", "create", "--name", "grafana", db=db).returncode == 0  # brought up to date
    with closing(sqlite3.connect(db)) as now:
        assert now.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == (str(SCHEMA_VERSION),)
