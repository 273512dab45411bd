"""The ceiling of :mod:`bench.http`: a trivial starlette app, served by uvicorn like buckstop.

``POST /graphql`` reads the body and answers a constant JSON document; ``GET /readyz``
answers 200. What it serves per second, with the same load generator, requests and
worker count, is as fast as an ASGI app can answer on the machine: buckstop's figures
are read against it.

    uvicorn bench.ceiling:app --port 8001 --workers 2
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["app"]


async def graphql(request: Request) -> Response:
    await request.body()  # read it, as any GraphQL server must
    return JSONResponse({"data": {"top": {"id": "p0", "name": "Ceiling"}}})


async def readyz(request: Request) -> Response:
    return JSONResponse({"status": "ready"})


app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"]), Route("/readyz", readyz)])
