"""The one access check in front of /graphql and /mcp: it lets everything through until tokens come."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from api.access import Guarded, check


async def hello(scope, receive, send) -> None:
    await PlainTextResponse("hello")(scope, receive, send)


async def bearer_only(request: Request) -> Response | None:
    if request.headers.get("authorization") == "Bearer good":
        return None
    return JSONResponse({"error": "token required"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})


def client(guard=check) -> TestClient:
    return TestClient(Starlette(routes=[Route("/x", Guarded(hello, guard))]))


def test_today_every_request_goes_through() -> None:
    with client() as c:
        assert c.get("/x").text == "hello"


def test_a_check_that_answers_refuses_the_request() -> None:
    with client(bearer_only) as c:
        refused = c.get("/x")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert c.get("/x", headers={"authorization": "Bearer good"}).text == "hello"
