"""Nothing to confirm: in the public view a private e-mail address answers exactly as an unknown name.

A server of our own on the demo org, asked over real HTTP (GraphQL) and through
the MCP SDK's client at ``/mcp``, with no token and with a read token. Carmen
Ortiz is not public; Helena Marsh (the top) is. The made-up address is one
letter off Carmen's, so both errors can be compared with the asked text aside.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.server import demo_store, make_token, start_server, stop_server
from tests.api.test_mcp import over_http

pytestmark = pytest.mark.slow

CARMEN = "carmen.ortiz@corvid.example"
MADE_UP = "carmen.ortis@corvid.example"  # nobody's
HELENA = "helena.marsh@corvid.example"

#: Every GraphQL question that takes a person.
QUESTIONS = {
    "person": '{{ person(id: "{}") {{ id }} }}',
    "chainOfCommand": '{{ chainOfCommand(person: "{}") {{ id }} }}',
    "boss": '{{ boss(of: "{}") {{ id }} }}',
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db: Path = tmp_path_factory.mktemp("public-lookups") / "buckstop.db"
    token = make_token(demo_store(db), "reader")
    process, url = start_server(db)
    yield url, token
    stop_server(process)


def _post(url: str, query: str, token: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{url}/graphql", json={"query": query}, headers=headers, timeout=30)
    body: dict[str, Any] = response.json()
    return response.status_code, body


def _without(answer: Any, asked: str) -> Any:
    """``answer`` with the asked text replaced, so two answers to two texts compare."""
    if isinstance(answer, dict):
        return {k: _without(v, asked) for k, v in answer.items()}
    if isinstance(answer, list):
        return [_without(v, asked) for v in answer]
    if isinstance(answer, str):
        return answer.replace(repr(asked), "ASKED").replace(asked, "ASKED")
    return answer


@pytest.mark.parametrize("field", QUESTIONS)
@pytest.mark.parametrize("asked", [CARMEN, " Carmen.Ortiz@CORVID.example "])
def test_a_private_address_answers_as_an_unknown_one(server: tuple[str, str], field: str, asked: str) -> None:
    url, _ = server
    status, private = _post(url, QUESTIONS[field].format(asked))
    unknown = _post(url, QUESTIONS[field].format(MADE_UP))
    assert (status, _without(private, asked)) == (unknown[0], _without(unknown[1], MADE_UP))
    error = private["errors"][0]
    assert error["extensions"] == {"code": "UNKNOWN_PERSON", "asked": asked, "suggestions": []}
    assert error["message"] == f"unknown person {asked!r}"


@pytest.mark.parametrize("field", QUESTIONS)
def test_a_read_token_finds_them_by_address(server: tuple[str, str], field: str) -> None:
    url, token = server
    status, body = _post(url, QUESTIONS[field].format(CARMEN), token)
    assert status == 200 and "errors" not in body, body


def test_people_marked_public_are_found_by_address_without_a_token(server: tuple[str, str]) -> None:
    url, _ = server
    status, body = _post(url, QUESTIONS["person"].format(HELENA))
    assert (status, body) == (200, {"data": {"person": {"id": "p-helena-marsh"}}})


def test_search_fills_its_page_before_it_pages(server: tuple[str, str]) -> None:
    """Every address holds the text; only the 12 public people's may be matched, and every page is full."""
    url, token = server
    query = '{{ search(text: "corvid.example", limit: {}) {{ id matched }} }}'
    everything = _post(url, query.format(100))[1]["data"]["search"]
    assert len(everything) == 12 and all(hit["matched"] != CARMEN for hit in everything)
    for limit in range(1, 14):
        assert _post(url, query.format(limit))[1]["data"]["search"] == everything[:limit], limit
    assert len(_post(url, query.format(100), token)[1]["data"]["search"]) == 59


# -- MCP: the same, through the SDK's client --------------------------------------------------


def _tool(url: str, token: str | None, tool: str, **arguments: Any) -> Any:
    async def body(client: Any) -> Any:
        return await client.call_tool(tool, arguments)

    return over_http(url, token)(body)


def test_mcp_chain_of_command_answers_a_private_address_as_an_unknown_one(server: tuple[str, str]) -> None:
    url, token = server
    private = _tool(url, None, "chain_of_command", person=CARMEN)
    unknown = _tool(url, None, "chain_of_command", person=MADE_UP)
    assert private.is_error is True and unknown.is_error is True
    assert _without(private.structured_content, CARMEN) == _without(unknown.structured_content, MADE_UP)
    assert private.structured_content["error"]["code"] == "UNKNOWN_PERSON"
    assert private.content[0].text == f"unknown person {CARMEN!r}"
    assert _tool(url, token, "chain_of_command", person=CARMEN).structured_content["person"]["id"] == "p-carmen-ortiz"
    public = _tool(url, None, "chain_of_command", person=HELENA)
    assert public.is_error is False and public.structured_content["person"]["id"] == "p-helena-marsh"


def test_mcp_find_fills_its_page_before_it_pages(server: tuple[str, str]) -> None:
    url, _ = server
    everything = _tool(url, None, "find", text="corvid.example", limit=50).structured_content["hits"]
    assert len(everything) == 12
    for limit in (1, 5, 12):
        page = _tool(url, None, "find", text="corvid.example", limit=limit).structured_content["hits"]
        assert page == everything[:limit], limit
