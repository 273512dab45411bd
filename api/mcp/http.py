"""MCP over streamable HTTP at ``/mcp``, inside the service's Starlette app.

The SDK builds a Starlette app for the transport: one route, and a lifespan
that runs the session manager. Mounting that app would move the endpoint to
``/mcp/`` and lose its lifespan (Starlette runs only the outer app's), so the
service takes its route as its own and runs :attr:`MCPEndpoint.lifespan`
inside its own lifespan.

- *Stateless, JSON responses*: each request stands alone, so any replica of
  the service answers any request and nothing is kept between requests; the
  tools only read, so there is nothing to stream.
- *DNS-rebinding protection* is on: the ``Host`` header must name this service
  (``localhost``, ``127.0.0.1``, ``[::1]``, the address it listens on, or one of
  the ``allowed_hosts`` setting; the service's :class:`~api.hosts.HostCheck`
  checks it for every path, and the SDK again here), and a browser's ``Origin``,
  when sent, must name the same host and port as the ``Host``
  (:class:`~api.hosts.OriginCheck`): a page on another port of localhost is
  another site. ``allowed_hosts=*`` turns the host check off, for a service
  behind a proxy that checks hosts itself.
- *Tokens*: the endpoint is :class:`~api.access.Guarded` by the same check as
  GraphQL.
- *No stream of the server's own messages*: a ``GET`` asks for one, and the
  SDK would hold it open forever, each one a connection of ``max_connections``.
  The tools only answer, so the server never speaks first: a ``GET`` is ``405``,
  which the transport's specification allows for a server that offers no such
  stream (clients then simply post).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from buckstop.graph.store import Store

from ..access import Access, Guarded
from ..errors import error_response
from ..hosts import OriginCheck, allowed_hosts
from ..limits import BodyLimit
from ..questions import Questions
from ..settings import Settings
from .server import build_server

__all__ = ["PATH", "MCPEndpoint", "mcp_endpoint", "transport_security"]

PATH = "/mcp"


@dataclass(frozen=True)
class MCPEndpoint:
    """The route to add to the service, and the lifespan to run inside the service's."""

    route: BaseRoute
    lifespan: Callable[[], AbstractAsyncContextManager[None]]


def mcp_endpoint(store: Store, settings: Settings, access: Access, questions: Questions) -> MCPEndpoint:
    """The ``/mcp`` route answering from ``store`` to whom ``access`` lets in, and its session manager's lifespan.

    The tools are answered in ``questions``, the pool GraphQL uses too.
    """
    server = build_server(store, questions)
    app = server.streamable_http_app(
        streamable_http_path=PATH,
        stateless_http=True,
        json_response=True,
        transport_security=transport_security(settings),
    )
    [route] = [r for r in app.routes if isinstance(r, Route) and r.path == PATH]
    limited = BodyLimit(
        route.endpoint,
        max_body=settings.max_body_bytes,
        max_upload=settings.max_body_bytes,
        timeout=settings.body_timeout,
    )
    guarded = Route(PATH, endpoint=_NoServerStream(OriginCheck(Guarded(limited, access))), name="mcp")
    return MCPEndpoint(guarded, server.session_manager.run)


class _NoServerStream:
    """``/mcp`` with its ``GET`` answered ``405`` (see the module docstring), before any other check."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            message = "this server sends no messages of its own: POST your requests to /mcp"
            response = error_response(message, "METHOD_NOT_ALLOWED", 405, headers={"allow": "POST, DELETE"})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def transport_security(settings: Settings) -> TransportSecuritySettings:
    """The hosts and origins ``/mcp`` answers (see the module docstring)."""
    hosts = allowed_hosts(settings)
    if hosts == ["*"]:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[h for host in hosts for h in (host, f"{host}:*")],
        allowed_origins=[o for host in hosts for s in ("http", "https") for o in (f"{s}://{host}", f"{s}://{host}:*")],
    )
