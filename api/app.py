"""The web service: GraphQL (with GraphiQL) at ``/graphql``, MCP at ``/mcp``, health at ``/healthz`` and ``/readyz``,
Prometheus figures at ``/metrics`` (:mod:`api.metrics`).

GraphiQL's page and browser files are buckstop's own (:mod:`api.graphql.graphiql`), under ``/static/graphiql``;
the web view's pages (``/``, ``/chart``, …) and files are :mod:`api.web`'s.

``create_app`` serves the store it is given, or opens the one the settings name
(which must exist: ``buckstop serve`` makes and seeds it first, see
:func:`api.stores.store_to_serve`), and serves the schema.
Handlers never show a stack trace: GraphQL errors are shaped by
:mod:`api.errors`, anything else is a bare 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult

from buckstop.graph.store import Store
from buckstop.graph.tokens import Scope as TokenScope
from buckstop.queries.lookup import bound_suggestions

from . import web
from .access import ANONYMOUS, SCOPE_KEY, Access, Forbidden, Guarded
from .errors import error_response
from .graphql import graphiql
from .graphql.loading import PREFLIGHT_HEADERS, is_upload, needs_preflight
from .graphql.schema import make_schema
from .hosts import HostCheck
from .kept import Kept, KeptFirst
from .limits import BodyLimit
from .mcp import mcp_endpoint
from .media import (
    GRAPHQL_RESPONSE,
    GRAPHQL_RESPONSE_CONTENT_TYPE,
    is_request_error,
    prefers_graphql_response,
    status_of,
)
from .metrics import Measured, metrics_app
from .questions import BUDGET_KEY, QUESTIONS_KEY, Questions
from .responses import NOTE_KEY, pure_fields
from .settings import Settings
from .stores import answering_version, open_store
from .timer import sweeping
from .webhooks import delivering

__all__ = ["app_from_env", "create_app"]

log = logging.getLogger("buckstop")

#: How many unknown names of one GraphQL request get near names in their error (docs/security.md).
SUGGESTED_MISSES = 2

#: The code of each status strawberry refuses a request with, before GraphQL runs.
_REQUEST_ERRORS = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


class _GraphQL(GraphQL[dict[str, Any], None]):
    """Strawberry's view, answering ``application/graphql-response+json`` to clients that prefer it.

    The media type is chosen per request from ``Accept`` (:mod:`api.media`);
    JSON answers are strawberry's own, unchanged.
    """

    def __init__(self, store: Store, settings: Settings, questions: Questions) -> None:
        super().__init__(make_schema(settings), graphql_ide="graphiql", multipart_uploads_enabled=True)
        self.store = store
        self.settings = settings
        self.questions = questions
        pure = pure_fields(self.schema._schema.query_type.fields)  # type: ignore[attr-defined]
        if settings.learn_from_hand_offs:  # triage then reads the cases too, which change without a load
            pure.discard("triage")
        self.kept = Kept(store, settings, pure)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if needs_preflight(headers):
            # A cross-site form can post multipart without asking; a script must add the header.
            message = f"a multipart upload needs one of the headers {', '.join(PREFLIGHT_HEADERS)}"
            await JSONResponse({"errors": [{"message": message}]}, status_code=400)(scope, receive, send)
            return
        principal = scope.get(SCOPE_KEY, ANONYMOUS)
        if is_upload(headers) and not principal.admin:
            # Only loadPeople takes a file, and only for an admin: refused before a byte of the body is read.
            refusal = Forbidden(TokenScope.ADMIN, principal)
            await error_response(str(refusal), refusal.code, 403, {"Connection": "close"})(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.kept.answer(request, principal, self.run)
        except HTTPException as err:  # strawberry's refusal of the request itself, in buckstop's error shape
            response = error_response(err.reason, _REQUEST_ERRORS.get(err.status_code, "BAD_REQUEST"), err.status_code)
        await response(scope, receive, send)

    def encode_json(self, data: object) -> bytes:
        # orjson: the answer's JSON in a fraction of the time json.dumps takes (docs/decisions.md). It writes
        # UTF-8 as it is rather than \u escapes: the same JSON, fewer bytes.
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:  # what json.dumps writes and orjson will not: an int over 64 bits, a surrogate
            encoded = super().encode_json(data)
            return encoded.encode() if isinstance(encoded, str) else encoded

    def decode_json(self, data: str | bytes) -> object:
        # json.loads raises more than JSONDecodeError: RecursionError on [[[[…, UnicodeDecodeError on bytes
        # that are not UTF-8. Each is the client's doing.
        try:
            return super().decode_json(data)
        except RecursionError:
            raise HTTPException(400, "the JSON body is nested too deeply") from None
        except UnicodeDecodeError:
            raise HTTPException(400, "the body is not UTF-8: JSON must be") from None
        except ValueError:
            raise HTTPException(400, "Unable to parse request body as JSON") from None

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> Any:
        try:
            return await super().parse_http_body(request)
        except (AttributeError, TypeError) as err:  # strawberry calls .get on what may be null, a number, a string
            raise HTTPException(400, "the body must be a JSON object (or a list of them)") from err

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, str]:
        try:
            return await super().parse_multipart(request)
        except HTTPException:
            raise
        except (TypeError, AttributeError, ValueError, IndexError, KeyError) as err:
            # A `map` that is not {"name": ["variables.path", …]}, or operations it does not fit.
            raise HTTPException(
                400,
                "the multipart `map` must be an object of lists of paths into `operations`, "
                'e.g. {"file": ["variables.file"]}',
            ) from err

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # graphiql.PageFirst answers these before the token check; the same rule here keeps the view consistent.
        return graphiql.wants_page(request.method, request.query_params, request.headers.get("accept"))

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.page()  # ours: its assets come from buckstop, not from a CDN

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        # The sub-response is the one object create_response sees of the request: it carries the media type.
        sub_response = await super().get_sub_response(request)
        if prefers_graphql_response(request.headers.get("accept")):
            sub_response.media_type = GRAPHQL_RESPONSE
        return sub_response

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if prefers_graphql_response(request.headers.get("accept")) and is_request_error(result.data, result.errors):
            response.pop("data", None)  # the new media type says a request error by having no data entry
        return response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers.append("vary", "accept")  # the same URL answers in two media types
        if sub_response.media_type == GRAPHQL_RESPONSE:
            response.headers["content-type"] = GRAPHQL_RESPONSE_CONTENT_TYPE
            if not sub_response.status_code and isinstance(response_data, dict):  # a 503 of api.errors stays
                response.status_code = status_of(response_data)
        return response

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> dict[str, Any]:
        principal = request.scope.get(SCOPE_KEY, ANONYMOUS)
        # Near names for the first unknown names of a request only (enough for route's account and issue
        # type): thirty aliases of different misses would otherwise ask the name index thirty times.
        bound_suggestions(SUGGESTED_MISSES)
        return {
            NOTE_KEY: request.scope.get(NOTE_KEY),  # what api.responses learns of the answer
            "store": self.store,
            "settings": self.settings,
            "principal": principal,
            "request": request,
            "response": response,
            # The root fields are answered in this pool, within this budget (api.questions).
            QUESTIONS_KEY: self.questions,
            BUDGET_KEY: self.questions.budget(),
        }


def create_app(settings: Settings | None = None, store: Store | None = None) -> Starlette:
    settings = settings or Settings()
    owned = store is None
    the_store: Store = store if store is not None else open_store(settings)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        version = await asyncio.to_thread(answering_version, the_store)
        if version is not None:
            return JSONResponse({"status": "ready", "backend": the_store.name, "version": version})
        return JSONResponse({"status": "unavailable", "backend": the_store.name}, status_code=503)

    access = Access(the_store, anonymous=settings.anonymous_allowed, cache_seconds=settings.token_cache_seconds)
    questions = Questions.of(settings)
    agents = mcp_endpoint(the_store, settings, access, questions)
    view = _GraphQL(the_store, settings, questions)
    max_body = settings.max_body_bytes
    graphql = BodyLimit(
        graphiql.PageFirst(Guarded(view, access)),
        max_body=settings.max_body_bytes,
        max_upload=settings.max_upload_bytes,
        timeout=settings.body_timeout,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The org just read (with its indexes of names) is millions of long-lived objects: frozen, they leave the
        # collector's full passes, which stop every thread, the event loop included, for about half a second at
        # 200,000 people.
        if the_store.name == "memory":  # its org stays in memory: build its indexes of names now, to freeze them too
            await asyncio.to_thread(lambda: the_store.read().warm())
        gc.freeze()
        timer = (
            asyncio.create_task(sweeping(the_store, settings.sweep_seconds, settings.case_retention_days))
            if settings.sweep_seconds
            else None
        )
        courier = (
            asyncio.create_task(delivering(the_store, settings.webhook_seconds, settings.webhook_timeout))
            if settings.webhook_seconds
            else None
        )
        async with agents.lifespan():  # the MCP session manager runs as long as the app
            yield
        if timer is not None:
            timer.cancel()
        if courier is not None:
            courier.cancel()
        questions.close()
        if owned:
            the_store.close()

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            agents.route,
            # Behind the same check as the questions: it names operations and counts them (docs/decisions.md).
            Route("/metrics", Guarded(metrics_app(the_store), access)),
            graphiql.assets_mount(),
            *web.routes(),  # `/` and the other pages of the web view, and their files
        ],
        middleware=[
            Middleware(HostCheck, settings=settings),
            Middleware(Measured),
            # Kept answers given here, inside the host check and the metrics, before the layers that pass them on.
            Middleware(KeptFirst, kept=view.kept, access=access, max_body=max_body, timeout=settings.body_timeout),
        ],
        lifespan=lifespan,
    )
    app.state.store = the_store
    return app


def app_from_env() -> Starlette:
    """The app of the settings in the environment: the factory each worker of ``buckstop serve --workers N`` calls."""
    return create_app(Settings())
