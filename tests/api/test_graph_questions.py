"""commonManager and connection through every way in: GraphQL over real HTTP, the command, the MCP tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.server import Server
from tests.api.test_cli import buckstop, db  # noqa: F401 - db is a fixture
from tests.api.test_mcp import Session, ask, http_server, session, stdio_db  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow  # real servers and commands

COMMON = """
query Common($a: ID!, $b: ID!) {
  commonManager(a: $a, b: $b) { a { id } b { id } manager { id name } pathA { id } pathB { id } explanation }
}
"""

HOW = """
query How($from: String!, $to: String!) {
  connection(from: $from, to: $to) { start end connected nodes hops { at to kind forward record source } explanation }
}
"""

# -- GraphQL, on both backends -------------------------------------------------------------------


def test_graphql_common_manager(demo_server: Server) -> None:
    body = demo_server.query(COMMON, a="Liam Walsh", b="Carmen Ortiz")
    assert "errors" not in body, body
    answer = body["data"]["commonManager"]
    assert answer["manager"] == {"id": "p-priya-raman", "name": "Priya Raman"}
    assert [p["id"] for p in answer["pathA"]] == ["p-gabriel-santos", "p-priya-raman"]
    assert [p["id"] for p in answer["pathB"]] == ["p-jamal-williams", "p-priya-raman"]


def test_graphql_common_manager_of_two_departments(demo_server: Server) -> None:
    answer = demo_server.query(COMMON, a="Customer Support", b="dept-sales")["data"]["commonManager"]
    assert (answer["a"]["id"], answer["b"]["id"]) == ("p-rachel-nguyen", "p-jamal-williams")
    assert answer["manager"]["id"] == "p-helena-marsh"


def test_graphql_connection_hop_by_hop(demo_server: Server) -> None:
    body = demo_server.query(HOW, **{"from": "Reelhouse Studio", "to": "Helena Marsh"})
    assert "errors" not in body, body
    answer = body["data"]["connection"]
    assert answer["connected"] is True
    assert answer["nodes"][0] == "agency:ag-reelhouse" and answer["nodes"][-1] == "person:p-helena-marsh"
    first = answer["hops"][0]
    assert first == {
        "at": "agency:ag-reelhouse",
        "to": "person:p-sophie-laurent",
        "kind": "CONTRACT_OWNER_OF",
        "forward": False,
        "record": "agency:ag-reelhouse",
        "source": "agencies.csv:4",
    }


def test_graphql_errors_carry_the_code_and_near_names(demo_server: Server) -> None:
    body = demo_server.query(HOW, **{"from": "Helena Mash", "to": "@CorvidHelp"})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["message"].startswith("unknown node 'Helena Mash'; did you mean 'Helena Marsh'")
    body = demo_server.query(COMMON, a="Liam Walsh", b="Salse")
    assert body["errors"][0]["extensions"]["code"] == "UNKNOWN_NAME"


# -- the command ----------------------------------------------------------------------------------


def test_cli_common_manager(db: Path) -> None:  # noqa: F811
    result = buckstop("common-manager", "Liam Walsh", "Carmen Ortiz", db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Common manager: Priya Raman (p-priya-raman, Chief Commercial Officer)"
    answer = json.loads(buckstop("common-manager", "Liam Walsh", "Carmen Ortiz", "--json", db=db).stdout)
    assert answer["manager"]["id"] == "p-priya-raman"
    assert [p["id"] for p in answer["pathA"]] == ["p-gabriel-santos", "p-priya-raman"]
    assert answer["orgVersion"] == 1


def test_cli_how(db: Path) -> None:  # noqa: F811
    result = buckstop("how", "@CorvidDeals", "Helena Marsh", db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "@CorvidDeals (twitter) to Helena Marsh (p-helena-marsh): 4 hops.",
        "  Marketing (dept-marketing) OWNS @CorvidDeals (twitter)  [accounts.csv:3]",
    ]
    answer = json.loads(buckstop("how", "@CorvidDeals", "Helena Marsh", "--json", db=db).stdout)
    assert [h["kind"] for h in answer["hops"]] == ["OWNS", "PART_OF", "PART_OF", "MEMBER_OF"]


def test_cli_errors_are_one_line_exit_2(db: Path) -> None:  # noqa: F811
    result = buckstop("how", "Helena Mash", "@CorvidHelp", db=db)
    assert result.returncode == 2
    assert result.stderr.startswith("buckstop: error: unknown node 'Helena Mash'; did you mean 'Helena Marsh'")
    assert len(result.stderr.splitlines()) == 1
    result = buckstop("common-manager", "Liam Walsh", " ", db=db)
    assert result.returncode == 2 and "is blank" in result.stderr


# -- MCP, over stdio and HTTP ----------------------------------------------------------------------


def test_mcp_common_manager_and_connection(session: Session) -> None:  # noqa: F811
    common, how, unknown = ask(
        session,
        ("common_manager", {"a": "Liam Walsh", "b": "Carmen Ortiz"}),
        ("connection", {"start": "@CorvidDeals", "end": "Helena Marsh"}),
        ("connection", {"start": "Helena Mash", "end": "@CorvidHelp"}),
    )
    assert common.structured_content["manager"]["id"] == "p-priya-raman"
    assert common.structured_content["explanation"]
    assert how.structured_content["nodes"][-1] == "person:p-helena-marsh"
    assert how.structured_content["hops"][0]["source"] == "accounts.csv:3"
    assert unknown.is_error is True
    assert unknown.structured_content["error"]["suggestions"][0] == "Helena Marsh"
