"""Faults, as an operator meets them: a load killed halfway, a full disk, a read-only store file.

Everything here is real: `buckstop load` and `buckstop token` are processes, the
service is `buckstop serve` asked over HTTP, the store is a SQLite file, the full
disk a small tmpfs and the read-only file one seen through a read-only bind mount
(mounting needs root; without it those tests skip, saying why -- under CI they fail).

The org a store holds before the fault is a small synthetic one, never the demo,
so that an answer tells which org a server holds.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from functools import cache
from pathlib import Path

import pytest

from buckstop.graph import MemoryStore
from buckstop.graph.model import Kind, Person
from buckstop.loaders import apply_bundle

from harness.server import Server, make_token, start_server, stop_server
from harness.synth import synth, write_bundle
from tests.api.test_cli import buckstop
from tests.disks import fill, fingerprint, integrity, read_only_view, tmpfs

pytestmark = pytest.mark.slow

#: Asks a server which org it holds: p250's name, and p5000, in the big org only.
QUERY = '{ person(id: "p250") { name email } }'
BIG_ONLY = '{ person(id: "p5000") { name } }'


@cache
def people(people: int, seed: int) -> dict[str, Person]:
    return {r.id: r for r in synth(people, seed=seed).of(Kind.PERSON) if isinstance(r, Person)}


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Seeded synthetic orgs as bundle folders: the previous org, the next, and loads too big for a small disk."""
    root = tmp_path_factory.mktemp("bundles")
    sizes = {"previous": (300, 11), "next": (300, 12), "medium": (5_000, 5), "big": (60_000, 3)}
    return {name: write_bundle(synth(n, seed=seed).records, root / name) for name, (n, seed) in sizes.items()}


def holding_previous(db: Path, bundles: dict[str, Path]) -> str:
    """Load the previous org into the store file ``db`` (its folder made if missing); a read token's secret."""
    db.parent.mkdir(parents=True, exist_ok=True)
    store = MemoryStore(db)
    try:
        apply_bundle(store, bundles["previous"])
    finally:
        store.close()
    return make_token(db, "reader")


@contextmanager
def serving(db: Path, token: str | None = None) -> Iterator[Server]:
    """A fresh `buckstop serve` on ``db``; its client sends ``token`` if given."""
    process, url = start_server(db, "--no-seed")
    server = Server(url, db, token)
    try:
        yield server
    finally:
        server.client.close()
        stop_server(process)


def assert_answers_previous_org(server: Server) -> None:
    """The server answers from the previous org, at version 1."""
    assert server.client.get("/readyz").json()["version"] == 1
    answer = server.query(QUERY)
    person = (answer.get("data") or {}).get("person") or {}
    assert person.get("name") == people(300, seed=11)["p250"].name, answer
    token = "authorization" in server.client.headers
    assert (person["email"] is not None) is token  # e-mail is for token holders: the token was looked up
    errors = server.query(BIG_ONLY)["errors"]
    assert errors[0]["extensions"]["code"] == "UNKNOWN_PERSON"


def wait_for_version(server: Server, version: int) -> None:
    deadline = time.monotonic() + 30
    while server.client.get("/readyz").json()["version"] != version:
        assert time.monotonic() < deadline, f"the server never reached version {version}"
        time.sleep(0.1)


def assert_refused_in_one_line(result: subprocess.CompletedProcess[str], saying: str) -> str:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("buckstop: error: "), result.stderr
    assert saying in result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip()


def version_of(db: Path) -> int:
    with closing(sqlite3.connect(db)) as file:
        return int(file.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0])


def test_the_orgs_tell_each_other_apart() -> None:
    previous, big = people(300, seed=11), people(60_000, seed=3)
    assert previous["p250"].name != big["p250"].name and "p5000" not in previous


# -- a load killed halfway -------------------------------------------------------------


def kill_mid_transaction(command: list[str], wal: Path, env: dict[str, str]) -> None:
    """Run ``command``; SIGKILL it once its write-ahead log passes 4 MB (its transaction is open, half written).

    Writing the big org's 15 MB takes the load about 1.5 s, and it commits only at the end.
    """
    with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as child:
        deadline = time.monotonic() + 120
        try:
            while not (wal.exists() and wal.stat().st_size > 4 << 20):
                if child.poll() is not None:
                    pytest.fail(f"the load ended before it was killed: {child.communicate()[1]}")
                assert time.monotonic() < deadline, "the load's log never passed 4 MB in 120 s"
                time.sleep(0.005)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        assert child.returncode == -signal.SIGKILL


def test_a_load_killed_halfway_leaves_the_previous_org_answering(tmp_path: Path, bundles: dict[str, Path]) -> None:
    db = tmp_path / "org.db"
    token = holding_previous(db, bundles)
    env = {**os.environ, "BUCKSTOP_DB": str(db)}
    kill_mid_transaction(
        [sys.executable, "-m", "buckstop.api.cli", "load", str(bundles["big"])], Path(f"{db}-wal"), env
    )
    assert version_of(db) == 1
    assert integrity(db) == "ok"
    with serving(db, token) as server:
        assert_answers_previous_org(server)
        after = buckstop("load", str(bundles["next"]), db=db)  # and the file takes the next load
        assert after.returncode == 0, after.stderr
        assert "the org is now version 2" in after.stdout
        wait_for_version(server, 2)
        assert server.query(QUERY)["data"]["person"]["name"] == people(300, seed=12)["p250"].name
    assert integrity(db) == "ok"


# -- a full disk -----------------------------------------------------------------------


def test_a_load_that_does_not_fit_on_the_disk_is_refused_and_changes_nothing(
    tmp_path: Path, bundles: dict[str, Path]
) -> None:
    with tmpfs(tmp_path / "disk", "1m") as disk:
        db = disk / "org.db"
        token = holding_previous(db, bundles)
        result = buckstop("load", str(bundles["medium"]), db=db)
        message = assert_refused_in_one_line(result, f"the disk holding the store file {str(db)!r} is full (")
        assert message.endswith(": nothing was changed; free some space and try again")
        assert version_of(db) == 1
        assert integrity(db) == "ok"
        with serving(db, token) as server:
            assert_answers_previous_org(server)
            fill(disk, leave_kib=0)
            result = buckstop("load", str(bundles["previous"]), db=disk / "new.db")
            assert_refused_in_one_line(result, f"the disk holding the store file {str(disk / 'new.db')!r} is full (")
            assert_answers_previous_org(server)  # a running server keeps answering on a full disk


# -- a read-only store file ------------------------------------------------------------


def test_a_read_only_store_is_served_and_refuses_loads_and_tokens(tmp_path: Path, bundles: dict[str, Path]) -> None:
    writable = tmp_path / "rw"
    token = holding_previous(writable / "org.db", bundles)
    before = fingerprint(writable)
    with read_only_view(writable, tmp_path / "ro") as view:
        db = view / "org.db"
        with serving(db, token) as reader:
            assert_answers_previous_org(reader)
            anonymous = Server(reader.url, db)  # loopback allows anonymous reads
            assert_answers_previous_org(anonymous)
            anonymous.client.close()
            refusal = (
                f"the store file {str(db)!r} is read-only (its file system is mounted read-only): nothing was changed"
            )
            assert_refused_in_one_line(buckstop("load", str(bundles["medium"]), db=db), refusal)
            assert_refused_in_one_line(buckstop("token", "create", "--name", "writer", db=db), refusal)
            assert_answers_previous_org(reader)
    assert fingerprint(writable) == before
