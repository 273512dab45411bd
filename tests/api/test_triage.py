"""Triage end to end: the boss question and a paraphrase in another language, over GraphQL, the command and MCP.

On the demo org (no executive complaint type: the boss question names Helena Marsh first, then goes
to @CorvidHelp's fallback), and on Acme with an executive complaint type (tests/orgs.py: Cora Chen
first, then the type's rule). GraphQL runs over real HTTP against ``buckstop serve``, the command as
a subprocess, MCP through the SDK's client spawning ``buckstop mcp`` over stdio.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from buckstop import seed

from harness.server import Server, make_token, start_server, stop_server
from tests.api.test_cli import buckstop
from tests.api.test_mcp import ask, over_stdio
from tests.orgs import acme

pytestmark = pytest.mark.slow  # real servers and commands

DAY = "2026-11-23"

TRIAGE = """
query Triage($account: String!, $message: String!, $on: Date) {
  triage(account: $account, message: $message, on: $on) {
    issueType { id }
    unclassified ambiguous confidence language bossQuestion
    top { id name title }
    evidence { said means }
    candidates { issueType { id } score }
    route { fallback issueType { id } handlers { id } rule { id } }
    explanation
  }
}
"""

BOSS = "I want to speak to your CEO right now"
HELENA = (
    "The message asks for the person in charge: Helena Marsh, Chief Executive Officer, is the top of the organisation."
)
CORA = "The message asks for the person in charge: Cora Chen, CEO, is the top of the organisation."
FRENCH = "vous m'avez débité deux fois, remboursez-moi"


def graphql(server: Server, account: str, message: str) -> dict[str, Any]:
    body = server.query(TRIAGE, account=account, message=message, on=DAY)
    assert "errors" not in body, body
    answer: dict[str, Any] = body["data"]["triage"]
    return answer


def cli_json(db: Path, account: str, message: str) -> dict[str, Any]:
    done = buckstop("triage", account, message, "--on", DAY, "--json", db=db)
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def mcp(db: Path, *messages: tuple[str, str]) -> list[dict[str, Any]]:
    questions = [("triage", {"account": a, "message": m, "on": DAY}) for a, m in messages]
    results = ask(over_stdio(db), *questions)
    assert not any(r.is_error for r in results), [r.content for r in results if r.is_error]
    return [r.structured_content for r in results]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("triage-demo") / "buckstop.db"
    assert buckstop("load", str(seed.FOLDER), db=db).returncode == 0
    return db


@pytest.fixture(scope="module")
def acme_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("triage-acme")
    org = acme()
    org.issue_type("it-exec", "Executive complaint", synonyms=["complaint to the CEO"])
    org.rule("r-exec", "it-exec", "organization", "person:p-omar")
    org.rule("r-refund", "it-refund", "organization", "person:p-sue")
    db = folder / "acme.db"
    done = buckstop("load", str(org.write(folder / "bundle")), db=db)
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="module")
def acme_server(acme_db: Path) -> Iterator[Server]:
    process, url = start_server(acme_db)
    server = Server(url, acme_db, make_token(acme_db, "tests"))
    yield server
    server.client.close()
    stop_server(process)


def test_the_boss_question_over_graphql_names_helena_marsh_first_then_falls_back(demo_server: Server) -> None:
    for message in (BOSS, "je veux parler au responsable", "¿quién es el jefe aquí?"):
        answer = graphql(demo_server, "@CorvidHelp", message)
        assert answer["bossQuestion"] is True, message
        assert answer["top"] == {"id": "p-helena-marsh", "name": "Helena Marsh", "title": "Chief Executive Officer"}
        assert answer["explanation"][0] == HELENA
        assert answer["unclassified"] is True and answer["issueType"] is None
        assert answer["route"]["fallback"] is True and answer["route"]["issueType"] is None
        assert [h["id"] for h in answer["route"]["handlers"]] == ["p-chloe-dubois", "p-nadia-haddad"]


def test_a_paraphrase_in_french_over_graphql_is_a_refund(demo_server: Server) -> None:
    answer = graphql(demo_server, "@CorvidHelp", FRENCH)
    assert (answer["issueType"]["id"], answer["language"], answer["bossQuestion"]) == ("it-refund", "fr", False)
    assert answer["confidence"] >= 0.4 and answer["top"] is None
    assert {e["means"] for e in answer["evidence"]} == {"overcharge", "refund"}
    assert answer["route"]["rule"]["id"] == "r-refund-org"
    assert [h["id"] for h in answer["route"]["handlers"]] == ["p-tomas-herrera"]


def test_the_boss_question_on_the_command_line_names_helena_marsh_first(demo_db: Path) -> None:
    done = buckstop("triage", "@CorvidHelp", BOSS, "--on", DAY, db=demo_db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "The person in charge: Helena Marsh (p-helena-marsh, Chief Executive Officer)"
    assert lines[1] == "Unclassified on @CorvidHelp (0% sure, en) — FALLBACK"
    assert f"  - {HELENA}" in lines
    answer = cli_json(demo_db, "@CorvidHelp", BOSS)
    assert answer["top"]["name"] == "Helena Marsh" and answer["explanation"][0] == HELENA
    assert answer["provenance"][0] == {"node": "person:p-helena-marsh", "source": "people.csv:2"}


def test_a_paraphrase_on_the_command_line(demo_db: Path) -> None:
    done = buckstop("triage", "@CorvidHelp", "you took my payment twice, I want it back", "--on", DAY, db=demo_db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Refund on @CorvidHelp (")
    assert "Tomás Herrera (p-tomas-herrera, Refunds Officer)" in done.stdout


def test_the_boss_question_and_a_paraphrase_over_mcp(demo_db: Path) -> None:
    boss, french = mcp(demo_db, ("@CorvidHelp", "Who is in charge of this company?"), ("@CorvidHelp", FRENCH))
    assert boss["bossQuestion"] is True and boss["top"]["name"] == "Helena Marsh"
    assert boss["explanation"][0] == HELENA and boss["route"]["fallback"] is True
    assert (french["issueType"]["id"], french["language"]) == ("it-refund", "fr")
    assert [h["id"] for h in french["route"]["handlers"]] == ["p-tomas-herrera"]


def test_the_boss_question_reaches_the_executive_complaint_type_where_the_org_has_one(
    acme_db: Path, acme_server: Server
) -> None:
    over_graphql = graphql(acme_server, "@AcmeHelp", BOSS)
    over_cli = cli_json(acme_db, "@AcmeHelp", BOSS)
    [over_mcp] = mcp(acme_db, ("@AcmeHelp", BOSS))
    for answer in (over_graphql, over_cli, over_mcp):
        assert answer["bossQuestion"] is True and answer["top"]["id"] == "p-cora"
        assert answer["explanation"][0] == CORA
        assert answer["issueType"]["id"] == "it-exec" and answer["unclassified"] is False
        assert answer["route"]["rule"]["id"] == "r-exec"
        assert [h["id"] for h in answer["route"]["handlers"]] == ["p-omar"]


def test_a_blank_message_is_one_line_everywhere(demo_db: Path, demo_server: Server) -> None:
    done = buckstop("triage", "@CorvidHelp", "?!", db=demo_db)
    assert done.returncode == 2 and done.stderr.startswith("buckstop: error: the message has no words to triage")
    body = demo_server.query(TRIAGE, account="@CorvidHelp", message="  ", on=DAY)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BLANK_MESSAGE" and "Traceback" not in json.dumps(body)
