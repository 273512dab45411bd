"""Time as a new user meets it: three loads (two past, one scheduled) through the real command, then
`--as-of` on the CLI, `asOf` over GraphQL on a real server and `as_of` on the MCP tools over stdio.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from harness.server import Server, make_token, start_server, stop_server
from tests.api.test_cli import buckstop
from tests.api.test_mcp import call, over_stdio
from tests.graph.test_time import new_ceo, reorg, with_routing
from tests.orgs import acme

pytestmark = pytest.mark.slow  # real commands and a server

FUTURE = (date.today() + timedelta(days=400)).isoformat()
PERIODS = [  # day asked, the top, Sue's boss, Sue's chain, who handles a refund on @AcmeHelp, effective
    ("2026-03-15", "p-cora", "p-omar", ["p-omar", "p-cora"], "p-ann", "2026-01-01"),
    ("2026-06-01T08:00:00+02:00", "p-cora", "p-mia", ["p-mia", "p-cora"], "p-bob", "2026-06-01"),
    (FUTURE, "p-zed", "p-mia", ["p-mia", "p-cora", "p-zed"], "p-bob", FUTURE),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("time")
    path = folder / "org.db"
    for name, org, effective in [
        ("january", with_routing(acme()), "2026-01-01"),
        ("future", new_ceo(), FUTURE),
        ("june", reorg(), "2026-06-01"),
    ]:
        result = buckstop("load", str(org.write(folder / name)), "--effective", effective, db=path)
        assert result.returncode == 0, result.stderr
        assert f"effective {effective}" in result.stdout
    return path


def cli_json(db: Path, *args: str) -> dict[str, object]:
    result = buckstop(*args, "--json", db=db)
    assert result.returncode == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


def test_the_cli_answers_each_period(db: Path) -> None:
    for day, ceo, boss, chain, handler, effective in PERIODS:
        top = cli_json(db, "top", "--as-of", day)
        assert top["top"]["id"] == ceo and top["orgEffective"] == effective, day  # type: ignore[index]
        assert cli_json(db, "boss", "p-sue", "--as-of", day)["boss"]["id"] == boss  # type: ignore[index]
        above = cli_json(db, "chain", "p-sue", "--as-of", day)["above"]
        assert [p["id"] for p in above] == chain, day  # type: ignore[attr-defined]
        routed = cli_json(db, "route", "@AcmeHelp", "refund", "--as-of", day)
        assert [p["id"] for p in routed["handlers"]] == [handler], day  # type: ignore[attr-defined]
        read = cli_json(db, "triage", "@AcmeHelp", "I want my money back", "--as-of", day)
        assert [p["id"] for p in read["route"]["handlers"]] == [handler], day  # type: ignore[index]
        boss_question = cli_json(db, "triage", "@AcmeHelp", "who is your CEO?", "--as-of", day)
        assert boss_question["top"]["id"] == ceo and boss_question["orgEffective"] == effective, day  # type: ignore[index]


def test_today_is_the_june_version_until_the_scheduled_day(db: Path) -> None:
    top = cli_json(db, "top")
    assert top["top"]["id"] == "p-cora" and top["orgEffective"] == "2026-06-01"  # type: ignore[index]


def test_a_load_between_two_versions_says_so(tmp_path: Path) -> None:
    path = tmp_path / "org.db"
    assert buckstop("load", str(acme().write(tmp_path / "a")), "--effective", "2026-01-01", db=path).returncode == 0
    assert buckstop("load", str(new_ceo().write(tmp_path / "c")), "--effective", FUTURE, db=path).returncode == 0
    result = buckstop("load", str(reorg().write(tmp_path / "b")), "--effective", "2026-06-01", db=path)
    assert result.returncode == 0, result.stderr
    assert f"between two versions: the version effective {FUTURE} stays as it was" in result.stdout


def test_changes_lists_versions_with_their_days_the_scheduled_one_marked(db: Path) -> None:
    result = buckstop("changes", db=db)
    assert result.returncode == 0, result.stderr
    assert f"{FUTURE} (scheduled)" in result.stdout and "2026-06-01" in result.stdout
    listed = json.loads(buckstop("changes", "--json", db=db).stdout)
    assert [(c["effective"], c["scheduled"]) for c in listed] == [
        ("2026-06-01", False),
        (FUTURE, True),
        ("2026-01-01", False),
    ]


@pytest.mark.parametrize("flag", ["--as-of"])
def test_a_bad_as_of_is_refused_in_one_line(db: Path, flag: str) -> None:
    result = buckstop("top", flag, "June", db=db)
    assert result.returncode == 2
    assert "buckstop: error: argument --as-of: --as-of 'June' is not a date: give YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_effective_date_is_refused_and_changes_nothing(db: Path, tmp_path: Path) -> None:
    before = buckstop("changes", "--json", db=db).stdout
    result = buckstop("load", str(acme().write(tmp_path / "x")), "--effective", "2026-02-30", db=db)
    assert result.returncode == 2
    assert "--effective '2026-02-30' is not a date" in result.stderr and "Traceback" not in result.stderr
    assert buckstop("changes", "--json", db=db).stdout == before


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[Server]:
    token = make_token(db, "admin", "admin")
    process, url = start_server(db, "--no-seed")
    server = Server(url, db, token)
    yield server
    server.client.close()
    stop_server(process)


def test_graphql_answers_each_period_and_names_the_version(server: Server) -> None:
    query = """query ($day: String) {
      top(asOf: $day) { id }
      boss(of: "p-sue", asOf: $day) { id }
      chainOfCommand(person: "p-sue", asOf: $day) { id }
      route(account: "@AcmeHelp", issueType: "refund", asOf: $day) { handlers { id } }
      triage(account: "@AcmeHelp", message: "I want my money back", asOf: $day) { route { handlers { id } } }
      asked: triage(account: "@AcmeHelp", message: "who is your CEO?", asOf: $day) { top { id } }
      version(asOf: $day) { effective }
    }"""
    for day, ceo, boss, chain, handler, effective in PERIODS:
        data = server.query(query, day=day)["data"]
        assert data["top"]["id"] == ceo and data["boss"]["id"] == boss, day
        assert [p["id"] for p in data["chainOfCommand"]] == chain, day
        assert [p["id"] for p in data["route"]["handlers"]] == [handler], day
        assert [p["id"] for p in data["triage"]["route"]["handlers"]] == [handler], day
        assert data["asked"]["top"]["id"] == ceo, day
        assert data["version"]["effective"] == effective, day


def test_graphql_lists_changes_and_refuses_a_bad_as_of(server: Server) -> None:
    changes = server.query("{ changes { effective scheduled } }")["data"]["changes"]
    assert [c["scheduled"] for c in changes] == [False, True, False]
    body = server.query('{ top(asOf: "someday") { id } }')
    assert body["errors"][0]["message"].startswith("asOf 'someday' is not a date")
    assert body["errors"][0]["extensions"]["code"] == "BAD_DATE"


def test_mcp_answers_as_of_a_day(db: Path) -> None:
    session = over_stdio(db)
    for day, ceo, _, _, _, effective in PERIODS:
        answer = call(session, "top", as_of=day).structured_content
        assert answer["top"]["id"] == ceo and answer["orgEffective"] == effective, day
        asked = call(session, "triage", account="@AcmeHelp", message="who is your CEO?", as_of=day).structured_content
        assert asked["top"]["id"] == ceo and asked["orgEffective"] == effective, day
    refused = call(session, "top", as_of="tomorrow")
    assert refused.is_error and "'tomorrow' is not a date" in refused.content[0].text


def test_diff_says_what_changed_between_two_days(db: Path) -> None:
    answer = cli_json(db, "diff", "--from", "2026-03-01", "--to", FUTURE)
    assert (answer["fromEffective"], answer["toEffective"]) == ("2026-01-01", FUTURE)
    changes = answer["diff"]
    assert [p["id"] for p in changes["joiners"]] == ["p-zed"]  # type: ignore[index]
    moved = {c["person"]["id"] for c in changes["moves"] + changes["otherChanges"]}  # type: ignore[index]
    assert "p-sue" in moved
    handed = {(h["kind"], h["id"], h["field"]): (h["old"], h["new"]) for h in answer["handovers"]}  # type: ignore[attr-defined]
    assert handed == {
        ("rule", "r-refund", "target"): ("person:p-ann", "person:p-bob"),
        ("rule", "r-refund", "handlers"): ("person:p-ann", "person:p-bob"),
    }
    assert answer["handoverCount"] == 2
    text = buckstop("diff", "--from", "2026-03-01", "--to", "2026-07-01", db=db)
    assert text.returncode == 0, text.stderr
    assert "from 2026-03-01 (version 1, effective 2026-01-01) to 2026-07-01 (version 3, effective 2026-06-01)" in (
        text.stdout
    )
    assert "Sue Park" in text.stdout and "Zed Zane" not in text.stdout
    assert "Rules and accounts that changed hands (2):" in text.stdout
    assert "  rule r-refund (it-refund on account:acc-help): target person:p-ann → person:p-bob" in text.stdout


def test_graphql_changes_between(server: Server) -> None:
    body = server.query(
        'query ($to: String) { changesBetween(from: "2026-03-01", to: $to) { toEffective diff { joiners { id } } '
        "handoverCount handovers { kind id field old new message } } }",
        to=FUTURE,
    )
    between = body["data"]["changesBetween"]
    assert between["toEffective"] == FUTURE and [p["id"] for p in between["diff"]["joiners"]] == ["p-zed"]
    assert between["handoverCount"] == 2 and between["handovers"][0]["field"] == "target"
