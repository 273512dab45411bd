"""Who may ask: the one place a request is checked before GraphQL or MCP answers it.

Today every request is let through: buckstop has no tokens yet. When it gets
them, :func:`check` is where a bearer token is verified, and ``/graphql`` and
``/mcp`` both go through :class:`Guarded`, so both ways in stand behind the
same tokens. A check answers ``None`` to let a request through, or the
response that refuses it (a 401 with ``WWW-Authenticate``, say).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["Check", "Guarded", "check"]

Check = Callable[[Request], Awaitable[Response | None]]


async def check(request: Request) -> Response | None:
    """Let every request through: there are no tokens yet (see the module docstring)."""
    return None


class Guarded:
    """An ASGI app that asks ``check`` first; a response from the check refuses the request."""

    def __init__(self, app: ASGIApp, check: Check = check) -> None:
        self.app = app
        self.check = check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":  # GraphQL over websockets will need its own check at connect
            refusal = await self.check(Request(scope, receive))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)
