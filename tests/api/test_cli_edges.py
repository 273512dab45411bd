"""Every input of the `buckstop` command is checked at the edge: one line on stderr, exit 2.

Each case is a real `buckstop` process, as a user runs it: bad settings (from the
environment and from flags), bad limits, blank arguments, conflicting flags, bad days,
bad token names, and what `--help`, `--version` and `buckstop` alone print.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from buckstop import seed
from buckstop.api.cli.main import COMMANDS
from buckstop.api.settings import Settings, env_name
from buckstop.graph.memory import MemoryStore

from tests.api.test_cli import buckstop

pytestmark = pytest.mark.slow


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "buckstop.api.cli", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a refused command, after checking the shape of the refusal."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("buckstop: error: "), result.stderr
    assert "Traceback" not in result.stderr and "validation error" not in result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("edges") / "org.db"
    assert buckstop("load", str(seed.FOLDER), db=path).returncode == 0
    return path


# -- help and version -------------------------------------------------------------------------


def test_version_is_the_installed_distributions() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"buckstop {version('buckstop')}"


def test_buckstop_alone_prints_the_help_and_exits_0() -> None:
    result = run()
    assert result.returncode == 0, result.stderr
    assert "usage: buckstop" in result.stdout and "route" in result.stdout and not result.stderr


@pytest.mark.parametrize("name", [c.NAME for c in COMMANDS if c.NAME != "load"])  # load's owner adds its own
def test_every_command_help_has_an_example(name: str) -> None:
    result = run(name, "--help")
    assert result.returncode == 0
    assert f"\nexamples:\n  buckstop {name}" in result.stdout, result.stdout


@pytest.mark.parametrize("name", ["route", "triage", "audit", "matrix"])
def test_days_in_help_say_their_format(name: str) -> None:
    assert "YYYY-MM-DD" in run(name, "--help").stdout


def test_boss_help_says_the_top_not_everyone() -> None:
    out = " ".join(run("boss", "--help").stdout.split())
    assert "everyone" not in out and "(default: the top of the organisation)" in out


# -- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("BUCKSTOP_PORT", "abc", "bad setting port = 'abc' (BUCKSTOP_PORT or --port): must be a whole number from 0"),
        ("BUCKSTOP_PORT", "99999", "to 65535"),
        ("BUCKSTOP_WORKERS", "0", "(BUCKSTOP_WORKERS or --workers): must be a whole number of at least 1"),
        ("BUCKSTOP_BACKEND", "foo", "bad setting backend = 'foo' (BUCKSTOP_BACKEND): must be one of memory, neo4j"),
        ("BUCKSTOP_SEED", "maybe", "(BUCKSTOP_SEED or --no-seed): must be true or false"),
        ("BUCKSTOP_LOG_LEVEL", "loud", "must be one of debug, info, warning, error"),
        ("BUCKSTOP_TOKEN_CACHE_SECONDS", "-1", "must be a number of at least 0"),
        ("BUCKSTOP_MAX_TOKENS", "5", "must be a whole number of at least 100"),
    ],
)
def test_a_bad_setting_in_the_environment_is_one_line(variable: str, value: str, says: str) -> None:
    assert says in one_line_error(run("settings", env={variable: value}))


@pytest.mark.parametrize("command", [("top",), ("serve",), ("token", "list")])
def test_every_command_says_the_same_of_a_bad_setting(command: tuple[str, ...], tmp_path: Path) -> None:
    line = one_line_error(run(*command, env={"BUCKSTOP_PORT": "abc", "BUCKSTOP_DB": str(tmp_path / "o.db")}))
    assert line == (
        "buckstop: error: bad setting port = 'abc' (BUCKSTOP_PORT or --port): must be a whole number from 0 to 65535"
    )


def test_every_setting_has_a_one_line_error() -> None:
    """Each setting that can be bad names itself and its variable (a new setting is covered too)."""
    bad = {"int": "x", "float": "x", "bool": "x", "Literal": "x"}
    for name, field in Settings.model_fields.items():
        kind = next((k for k in bad if k in str(field.annotation)), None)
        if kind is None:
            continue  # text settings: any text is a value
        line = one_line_error(run("settings", env={env_name(name): bad[kind]}))
        assert f"bad setting {name} = 'x' ({env_name(name)}" in line and ": must be " in line


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (("--port", "99999"), "bad setting port = 99999 (BUCKSTOP_PORT or --port): must be a whole number from 0"),
        (("--workers", "0"), "bad setting workers = 0 (BUCKSTOP_WORKERS or --workers)"),
        (("--port", "eighty"), "argument --port: invalid int value: 'eighty'"),
    ],
)
def test_a_bad_setting_from_a_flag_is_one_line(flags: tuple[str, ...], says: str, tmp_path: Path) -> None:
    assert says in one_line_error(run("serve", "--db", str(tmp_path / "o.db"), *flags))


# -- arguments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("search", "x", "--limit", "-1"), "argument --limit: '-1' is not a positive whole number"),
        (("search", "x", "--limit", "0"), "argument --limit: '0' is not a positive whole number"),
        (("changes", "--limit", "0"), "argument --limit: '0' is not a positive whole number"),
        (("boss", ""), "argument person: '' is blank"),
        (("chain", "  "), "argument person: '  ' is blank"),
        (("search", ""), "argument text: '' is blank"),
        (("in-charge", ""), "argument name: '' is blank"),
        (("route", "@CorvidHelp", " "), "argument issue: ' ' is blank"),
        (("triage", "", "refund please"), "argument account: '' is blank"),
        (("matrix", "--csv", "--json"), "argument --json: not allowed with argument --csv"),
        (("route", "@CorvidHelp", "refund", "--on", "23/11/2026"), "'23/11/2026' is not a day; give it as YYYY-MM-DD"),
        (("audit", "--on", "tomorrow"), "'tomorrow' is not a day; give it as YYYY-MM-DD"),
        (("routee",), "argument COMMAND: invalid choice: 'routee'"),
    ],
)
def test_bad_arguments_are_one_line_and_answer_nothing(args: tuple[str, ...], says: str, db: Path) -> None:
    result = buckstop(*args, db=db)
    assert says in one_line_error(result)
    assert result.stdout == ""


def test_a_positive_limit_still_answers(db: Path) -> None:
    result = buckstop("search", "a", "--limit", "2", "--json", db=db)
    assert result.returncode == 0 and len(json.loads(result.stdout)["hits"]) == 2


@pytest.mark.parametrize("args", [("top",), ("top", "--json"), ("boss",)])
def test_the_top_of_an_empty_organisation_is_an_error_on_stderr(args: tuple[str, ...], tmp_path: Path) -> None:
    MemoryStore(tmp_path / "empty.db", create=True).close()  # a store with nothing loaded yet
    result = buckstop(*args, db=tmp_path / "empty.db")
    assert "the organisation is empty: load a bundle first" in one_line_error(result)
    assert result.stdout == ""


# -- token names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("", "bad token name '': a name must not be blank"),
        ("   ", "a name must not be blank"),
        ("a\tb", "a name must be printable"),
        ("x" * 65, "a name is at most 64 characters, this one has 65"),
    ],
)
def test_a_bad_token_name_is_refused_and_nothing_is_kept(name: str, says: str, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    MemoryStore(db, create=True).close()  # only load and serve make a store
    assert says in one_line_error(buckstop("token", "create", "--name", name, db=db))
    listed = buckstop("token", "list", "--json", db=db)
    assert listed.returncode == 0 and listed.stdout.strip() == "[]", listed.stderr


def test_token_revoke_takes_name_like_create(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    MemoryStore(db, create=True).close()
    assert buckstop("token", "create", "--name", "grafana", db=db).returncode == 0
    assert "required: --name" in one_line_error(buckstop("token", "revoke", db=db))
    revoked = buckstop("token", "revoke", "--name", "grafana", db=db)
    assert revoked.returncode == 0 and "revoked 'grafana'" in revoked.stdout


# -- serve ------------------------------------------------------------------------------------


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_on_a_taken_port_is_one_line_and_never_says_serving(workers: str, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run("serve", "--port", port, "--workers", workers, "--db", str(tmp_path / "o.db"))
    line = one_line_error(result)
    assert f"cannot listen on 127.0.0.1:{port}" in line and "--port or BUCKSTOP_PORT" in line
    assert "serving" not in result.stdout


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_says_serving_once_the_port_is_bound_and_names_the_real_port(workers: str, tmp_path: Path) -> None:
    """With port 0 the kernel picks the port: the line must name it, and a client may connect at once."""
    MemoryStore(tmp_path / "o.db", create=True).close()
    process = subprocess.Popen(
        [sys.executable, "-m", "buckstop.api.cli", "serve", "--port", "0", "--workers", workers],
        env={**os.environ, "BUCKSTOP_DB": str(tmp_path / "o.db"), "BUCKSTOP_LOG_LEVEL": "warning"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.fullmatch(r"buckstop: serving GraphQL at (http://127\.0\.0\.1:(\d+))/graphql\n", line)
        assert found and found[2] != "0", line
        with socket.create_connection(("127.0.0.1", int(found[2])), timeout=5):
            pass  # bound and listening: the connection waits in the backlog while the app starts
        assert httpx.get(f"{found[1]}/healthz", timeout=60).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()
