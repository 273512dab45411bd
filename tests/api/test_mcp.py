"""The MCP tools, through the MCP SDK's own client, over both transports.

Over stdio the client spawns ``python -m api.cli mcp`` on a SQLite file of the
module's own (holding the demo org); over streamable HTTP it talks to
``/mcp`` of a real ``buckstop serve`` started on another file. The same checks
run on both: the tools' list and schemas, answers with explanation and
provenance, and errors in buckstop's shape.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from buckstop.api.mcp import TOOLS
from buckstop.api.mcp.cases import CASE_TOOLS

from harness.server import demo_store, make_token, start_server, stop_server

pytestmark = pytest.mark.slow

DAY = "2026-11-23"
ROOT = Path(__file__).parents[2]

Session = Callable[[Callable[[Client], Awaitable[Any]]], Any]


def over_stdio(db: Path) -> Session:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "buckstop.api.cli", "mcp"],
        env={"BUCKSTOP_DB": str(db), "BUCKSTOP_BACKEND": "memory"},
        cwd=ROOT,
    )

    def session(body: Callable[[Client], Awaitable[Any]]) -> Any:
        async def main() -> Any:
            async with Client(params) as client:
                return await body(client)

        return anyio.run(main)

    return session


def over_http(url: str, token: str | None = None) -> Session:
    """A session with ``/mcp`` of the server at ``url``, with a bearer token if one is given."""

    def session(body: Callable[[Client], Awaitable[Any]]) -> Any:
        async def main() -> Any:
            headers = {"authorization": f"Bearer {token}"} if token else {}
            async with (
                httpx2.AsyncClient(headers=headers, timeout=30) as http,
                Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client,
            ):
                return await body(client)

        return anyio.run(main)

    return session


@pytest.fixture(scope="module")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server of our own on a store holding the demo org, and a read token for it."""
    db = tmp_path_factory.mktemp("mcp-http") / "buckstop.db"
    token = make_token(demo_store(db), "agent")
    process, url = start_server(db)
    yield url, token
    stop_server(process)


@pytest.fixture(scope="module")
def stdio_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stdio server's file, holding the demo org (`buckstop mcp` never loads it itself)."""
    return demo_store(tmp_path_factory.mktemp("mcp-stdio") / "buckstop.db")


@pytest.fixture(params=["stdio", "http"])
def session(request: pytest.FixtureRequest) -> Session:
    if request.param == "stdio":
        return over_stdio(request.getfixturevalue("stdio_db"))
    url, token = request.getfixturevalue("http_server")
    return over_http(url, token)


def ask(session: Session, *questions: tuple[str, dict[str, Any]]) -> list[Any]:
    """Call the tools in order, in one connection (one server process over stdio)."""

    async def body(client: Client) -> list[Any]:
        return [await client.call_tool(tool, arguments) for tool, arguments in questions]

    return session(body)


def call(session: Session, tool: str, **arguments: Any) -> Any:
    return ask(session, (tool, arguments))[0]


def test_every_tool_is_listed_read_only_with_an_output_schema(session: Session) -> None:
    async def body(client: Client) -> Any:
        return (await client.list_tools()).tools

    tools = session(body)
    assert tuple(t.name for t in tools) == TOOLS
    for tool in tools:
        if tool.name in CASE_TOOLS:  # they write; test_cases_through_mcp below
            reads = tool.name in ("read_case", "list_cases")
            assert tool.annotations is not None and tool.annotations.read_only_hint is reads
            shape = "cases" if tool.name == "list_cases" else "events"
            assert shape in (tool.output_schema or {}).get("properties", {}), tool.name
            continue
        assert tool.annotations is not None and tool.annotations.read_only_hint is True, tool.name
        assert tool.annotations.destructive_hint is False, tool.name
        assert tool.description, tool.name
        schema = tool.output_schema or {}
        assert {"explanation", "provenance", "orgVersion"} <= set(schema.get("properties", {})), tool.name
    route = next(t for t in tools if t.name == "route")
    assert set(route.input_schema["required"]) == {"account", "issue"}


def test_route_answers_with_explanation_and_provenance(session: Session) -> None:
    result = call(session, "route", account="@CorvidHelp", issue="sales enquiry", on=DAY)
    assert result.is_error is False
    answer = result.structured_content
    assert answer["rule"]["id"] == "r-sales-org"
    assert [h["id"] for h in answer["handlers"]] == ["p-carmen-ortiz", "p-david-cohen"]
    assert [s["person"]["id"] for s in answer["escalation"]] == [
        "p-carmen-ortiz",
        "p-jamal-williams",
        "p-priya-raman",
        "p-helena-marsh",
    ]
    assert answer["top"]["name"] == "Helena Marsh" and answer["top"]["public"] is True
    assert any("r-sales-org" in line for line in answer["explanation"])
    sources = {f["node"]: f["source"] for f in answer["provenance"]}
    assert sources["rule:r-sales-org"] == "routing.csv:10"
    assert sources["account:acc-help"] == "accounts.csv:2"
    assert result.content[0].text.startswith("{")  # the same answer as JSON text, for text-only clients


def test_route_marks_absences_and_their_rows(session: Session) -> None:
    answer = call(session, "route", account="@CorvidDeals", issue="press", on=DAY).structured_content
    assert [h["id"] for h in answer["handlers"]] == ["p-zoe-hartmann"]
    assert [s["absent"] for s in answer["escalation"]] == [False, True, False]
    sources = {f["node"]: f["source"] for f in answer["provenance"]}
    assert sources["absence:p-jonas-whitfield@2026-10-01"] == "absences.csv:2"


def test_triage_says_which_words_matched(session: Session) -> None:
    message = "I was charged twice for my speaker and I want my money back!"
    answer = call(session, "triage", account="@CorvidHelp", message=message, on=DAY).structured_content
    assert answer["issueType"]["id"] == "it-refund"
    assert answer["unclassified"] is False and answer["ambiguous"] is False
    assert [(e["said"], e["means"]) for e in answer["evidence"]] == [
        ("charged twice", "overcharge"),
        ("my money back", "refund"),
    ]
    assert answer["confidence"] >= 0.4 and answer["language"] == "en"
    assert [h["id"] for h in answer["route"]["handlers"]] == ["p-tomas-herrera"]


def test_triage_of_an_unmatched_message_falls_back_and_says_so(session: Session) -> None:
    answer = call(session, "triage", account="@CorvidDeals", message="hi, anyone there?", on=DAY).structured_content
    assert answer["unclassified"] is True and answer["route"]["fallback"] is True and answer["issueType"] is None
    assert [h["id"] for h in answer["route"]["handlers"]] == ["p-chloe-dubois", "p-nadia-haddad"]
    assert any("goes to the fallback" in line for line in answer["explanation"])


def test_chain_in_charge_top_and_find(session: Session) -> None:
    chain, in_charge, top, found, roles = (
        r.structured_content
        for r in ask(
            session,
            ("chain_of_command", {"person": "Carmen Ortiz"}),
            ("who_is_in_charge", {"of": "@CorvidDeals"}),
            ("top", {}),
            ("find", {"text": "money back"}),
            ("find", {"text": "advocate", "kinds": ["role"]}),
        )
    )
    assert [p["id"] for p in chain["above"]] == ["p-jamal-williams", "p-priya-raman", "p-helena-marsh"]
    assert [p["id"] for p in in_charge["people"]] == ["p-gabriel-santos", "p-priya-raman", "p-helena-marsh"]
    assert top["top"]["id"] == "p-helena-marsh"
    assert found["hits"][0] == {"kind": "issue_type", "id": "it-refund", "name": "Refund", "matched": "money back"}
    assert [h["id"] for h in roles["hits"]] == ["role-social-advocate"]


def test_audit_and_matrix(session: Session) -> None:
    audit, errors, matrix = (
        r.structured_content
        for r in ask(
            session,
            ("audit", {"on": DAY}),
            ("audit", {"on": DAY, "severity": "error"}),
            ("responsibility_matrix", {"on": DAY}),
        )
    )
    assert (audit["errorCount"], audit["warningCount"], audit["infoCount"]) == (2, 5, 1)
    assert [f["kind"] for f in audit["findings"][:2]] == ["contract-owner-left", "several-tops"]
    assert [f["severity"] for f in errors["findings"]] == ["ERROR", "ERROR"]
    assert len(matrix["cells"]) == 64
    assert sum(c["fallback"] for c in matrix["cells"]) == 10


def test_errors_name_the_value_and_suggest_without_a_trace(session: Session) -> None:
    result, blank, bad_day = ask(
        session,
        ("route", {"account": "@CorvidHlep", "issue": "refund"}),
        ("triage", {"account": "@CorvidHelp", "message": "?!"}),
        ("route", {"account": "@CorvidHelp", "issue": "refund", "on": "someday"}),
    )
    assert result.is_error is True
    assert result.content[0].text == (
        "unknown account '@CorvidHlep'; did you mean '@CorvidHelp' or '@corvid.home' or '@CorvidDeals'?"
    )
    error = result.structured_content["error"]
    assert error["code"] == "UNKNOWN_ACCOUNT"
    assert error["suggestions"] == ["@CorvidHelp", "@corvid.home", "@CorvidDeals"]
    assert blank.is_error is True and blank.structured_content["error"]["code"] == "BLANK_MESSAGE"
    assert bad_day.is_error is True
    assert "Traceback" not in bad_day.content[0].text


def test_http_refuses_a_foreign_host_header(http_server: tuple[str, str]) -> None:
    url, _ = http_server
    hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    response = httpx.post(
        f"{url}/mcp",
        json=hello,
        headers={"host": "attacker.example", "accept": "application/json, text/event-stream"},
    )
    assert response.status_code == 421
    evil = httpx.post(
        f"{url}/mcp",
        json=hello,
        headers={"origin": "http://attacker.example", "accept": "application/json, text/event-stream"},
    )
    assert evil.status_code == 403


def test_http_offers_no_stream_of_its_own_so_a_get_cannot_hold_a_connection(http_server: tuple[str, str]) -> None:
    url, _ = http_server
    # Before, a GET opened an event stream that never ended: a few of them filled max_connections.
    response = httpx.get(f"{url}/mcp", headers={"accept": "text/event-stream"}, timeout=5)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST, DELETE"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_graphql_still_answers_next_to_mcp(http_server: tuple[str, str]) -> None:
    url, _ = http_server
    response = httpx.post(f"{url}/graphql", json={"query": "{ top { id } }"})
    assert response.json() == {"data": {"top": {"id": "p-helena-marsh"}}}


def test_an_agent_opens_a_case_and_follows_it_and_a_read_token_may_not_move_it(session: Session) -> None:
    (opened,) = ask(
        session, ("open_case", {"account": "@CorvidHelp", "message": "money back please", "customer": "@jo"})
    )
    if opened.is_error:  # over HTTP the token is a read token: it may read cases, not open them
        assert opened.structured_content["error"]["code"] == "FORBIDDEN"
        assert "this needs a token with scope cases" in opened.structured_content["error"]["message"]
        return
    number = str(opened.structured_content["id"])
    noted, handed, escalated, resolved, read, again, listed, bad = ask(
        session,
        ("note_case", {"id": number, "note": "order 1182"}),
        ("hand_off_case", {"id": number, "to": "sales enquiry", "note": "wants to buy more"}),
        ("escalate_case", {"id": number}),
        ("resolve_case", {"id": number, "note": "sold"}),
        ("read_case", {"id": number}),
        ("escalate_case", {"id": number}),
        ("list_cases", {"status": "resolved", "customer": "@jo"}),  # over stdio, the operator: an admin
        ("list_cases", {"status": "shut"}),
    )
    assert [c["id"] for c in listed.structured_content["cases"]] == [number]
    assert bad.is_error and "unknown status 'shut'; one of open, acknowledged, resolved" in str(bad.content)
    assert not any(r.is_error for r in (noted, handed, escalated, resolved, read))
    story = read.structured_content
    assert [e["kind"] for e in story["events"]] == ["OPENED", "NOTED", "HANDED_OFF", "ESCALATED", "RESOLVED"]
    assert story["message"] == "money back please" and story["issueType"]["name"] == "Sales enquiry"
    assert again.is_error and again.structured_content["error"]["code"] == "CASE_RESOLVED"
