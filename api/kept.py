"""Kept answers over HTTP: a request answered from the response cache, or by GraphQL and then kept.

:class:`Kept` stands between the token check and strawberry in ``/graphql``
(see :mod:`api.responses` for the vocabulary: ask, state, view, key, pure,
persisted query). For each request it

1. reads the ask; a persisted query's hash is replaced by its text, or answered
   ``PersistedQueryNotFound``;
2. with ``response_cache`` on, looks the key up: a kept answer is given at once,
   without GraphQL (``304 Not Modified`` to a GET whose ``If-None-Match`` names it);
3. otherwise lets strawberry answer, and keeps the answer when it may.

A batch, an upload, or a body that is not JSON is not an ask: strawberry answers it as always.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from buckstop.graph.errors import BuckstopError
from buckstop.graph.store import Store

from .access import Access, Principal
from .errors import error_response
from .graphql.graphiql import wants_page
from .limits import DEADLINE_KEY
from .media import GRAPHQL_RESPONSE_CONTENT_TYPE, prefers_graphql_response
from .metrics import note_operation, noted
from .responses import (
    NOTE_KEY,
    Answer,
    Note,
    PersistedQueries,
    ResponseCache,
    State,
    ask_of,
    asks_pure_questions,
    etag_of,
    key_of,
    names_persisted_query,
    put_query,
    sent_by,
    state_of,
)
from .settings import Settings

__all__ = ["Kept", "KeptFirst", "given", "view_of"]

Run = Callable[[Request], Awaitable[Response]]


class Kept:
    """The response cache and the persisted queries of one worker's ``/graphql``."""

    def __init__(self, store: Store, settings: Settings, pure: set[str]) -> None:
        self.store = store
        self.on = settings.response_cache
        self.cache = ResponseCache(settings.response_cache_bytes)
        self.persisted = PersistedQueries(settings.document_cache_bytes)
        self.pure = pure
        # The memory store knows its state without I/O (it checks its file once a second); Neo4j asks the server.
        self._threaded = store.name != "memory"

    async def kept(self, sent: bytes, view: str) -> tuple[Answer | None, bytes | None, State | None]:
        """The kept answer to what a request ``sent`` (:func:`sent_by`) for ``view``, its key and the org's state.

        The key and the state are None when the store cannot say its state (nothing is then kept).
        """
        state = await self._state()
        if state is None:
            return None, None, None
        key = key_of(sent, view, state)
        self.cache.at(state)
        return self.cache.get(key), key, state

    async def answer(self, request: Request, principal: Principal, run: Run) -> Response:
        view = view_of(principal)
        found = key = state = None
        sent = await sent_by(request)
        looked = request.scope.get(LOOKED_KEY)
        if looked is not None and looked[0] == (sent, view):  # KeptFirst looked it up, and missed
            key, state = looked[1], looked[2]
        elif self.on and sent is not None:
            found, key, state = await self.kept(sent, view)
        if found is not None:  # a kept answer KeptFirst did not give (a token the token cache had not seen)
            note_operation(found.operation, (), trusted=found.trusted)
            return given(_Asked.of(request), found, view == "public")
        if key is None and (sent is None or not names_persisted_query(sent)):
            return await run(request)  # nothing to keep, no persisted query: strawberry alone reads the JSON
        ask = await ask_of(request)
        if ask is None:
            return await run(request)
        sha = ask.persisted_hash
        if sha is not None:
            if ask.query is None:
                text = self.persisted.get(sha)
                if text is None:  # Apollo's convention, word for word: clients then send the text with the hash
                    return error_response("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", 200)
                put_query(request, ask, text)
            elif not self.persisted.matches(sha, ask.query):
                message = "the persistedQuery sha256Hash is not the SHA-256 of the query sent: send the query's hash"
                return error_response(message, "PERSISTED_QUERY_HASH_MISMATCH", 400)
            else:
                self.persisted.put(sha, ask.query)
        if key is None or state is None or ask.query is None:
            return await run(request)
        note = request.scope[NOTE_KEY] = Note()
        response = await run(request)
        if (
            response.status_code != 200
            or not note.clean
            or note.document is None
            or not asks_pure_questions(note.document, ask.operation_name, self.pure)
            or await self._state() != state  # a load landed while it was answered: of which version is it?
        ):
            return response
        body = bytes(response.body)
        operation, trusted = noted()
        answer = Answer(body, etag_of(body), operation, trusted)
        self.cache.put(key, state, answer)
        if _not_modified(_Asked.of(request), answer):
            return given(_Asked.of(request), answer, view == "public")
        response.headers.update(_caching(answer, view == "public"))
        return response

    async def _state(self) -> State | None:
        try:
            return await asyncio.to_thread(state_of, self.store) if self._threaded else state_of(self.store)
        except (BuckstopError, AttributeError):  # the store cannot say (it is down): answer afresh, keep nothing
            return None


def _caching(answer: Answer, public: bool) -> dict[str, str]:
    # no-cache: a cache may keep it, but must ask again (with the ETag) each time: a load may come any moment.
    return {
        "etag": answer.etag,
        "cache-control": "public, no-cache" if public else "private, no-cache",
        "vary": "accept, authorization",
    }


def view_of(principal: Principal) -> str:
    """The view a principal's answers are kept under: ``public``, or its token's scope."""
    return "public" if principal.scope is None else str(principal.scope)


@dataclass(frozen=True, slots=True)
class _Asked:
    """What a kept answer's response depends on besides the answer: the method and two headers."""

    method: str
    if_none_match: str
    accept: str | None

    @classmethod
    def of(cls, request: Request) -> _Asked:
        return cls(request.method, request.headers.get("if-none-match", ""), request.headers.get("accept"))


def _not_modified(asked: _Asked, answer: Answer) -> bool:
    if asked.method != "GET":
        return False  # If-None-Match on a POST is a precondition, not a revalidation
    tags = asked.if_none_match
    return any(tag.strip().removeprefix("W/") == answer.etag for tag in tags.split(",")) or tags.strip() == "*"


class _Given(Response):
    """A kept answer as sent: its headers made once, not parsed and rebuilt as starlette's Response does."""

    def __init__(self, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code = status
        self.body = body
        self.raw_headers = headers
        self.background = None


def given(asked: _Asked, answer: Answer, public: bool) -> Response:
    """The response giving a kept ``answer`` to a request that ``asked`` it (``304`` when it has it already)."""
    caching = [(name.encode(), value.encode()) for name, value in _caching(answer, public).items()]
    if _not_modified(asked, answer):
        return _Given(304, b"", caching)
    graphql_response = prefers_graphql_response(asked.accept)
    media = GRAPHQL_RESPONSE_CONTENT_TYPE if graphql_response else "application/json"
    length = (b"content-length", str(len(answer.body)).encode())
    return _Given(200, answer.body, [length, (b"content-type", media.encode()), *caching])


class KeptFirst:
    """An ASGI layer giving kept answers to ``/graphql`` before the layers that would only pass them down.

    It stands inside the host check and the metrics, which see every request as before. A request it
    can answer from the response cache (the cache on; a GET, or a JSON POST whose whole body came within
    ``max_body`` bytes and the body deadline; no token, where anonymous reads are allowed, or a token
    the token cache knows) is answered here: the router, the body limit, GraphiQL's page check, the
    token check and strawberry's view, which would each have passed it on, are not run. Anything else
    (a miss, a page request, an unknown token, an upload, a body too large or too slow) goes down the
    whole stack, with the body it read given again and the same deadline (:data:`api.limits.DEADLINE_KEY`),
    where it is answered, or refused, exactly as it would have been (docs/decisions.md, "Kept answers first").
    """

    def __init__(self, app: ASGIApp, *, kept: Kept, access: Access, max_body: int, timeout: float) -> None:
        self.app = app
        self.kept = kept
        self.access = access
        self.max_body = max_body
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/graphql" or not self.kept.on:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        found: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:  # the first of each, as starlette's Headers.get reads them
            if name in _READ and name not in found:
                found[name] = value
        principal = self.access.known(_text(found.get(b"authorization")))
        if principal is None or method not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        accept = _text(found.get(b"accept"))
        if method == "GET":
            if wants_page(method, QueryParams(scope["query_string"]), accept):
                await self.app(scope, receive, send)
                return
            sent: bytes | None = b"GET?" + scope["query_string"]
        else:
            sent, receive = await self._body(scope, receive, found)
        if sent is not None:
            view = view_of(principal)
            answer, key, state = await self.kept.kept(sent, view)
            if answer is None:  # the view keeps the answer under this key: no second look at the store's state
                scope[LOOKED_KEY] = ((sent, view), key, state)
            else:
                note_operation(answer.operation, (), trusted=answer.trusted)
                asked = _Asked(method, _text(found.get(b"if-none-match")) or "", accept)
                await given(asked, answer, view == "public")(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _body(self, scope: Scope, receive: Receive, found: dict[bytes, bytes]) -> tuple[bytes | None, Receive]:
        """``b"POST " + body`` of a JSON POST read whole within the limits (else None), and the receive to go on."""
        declared = found.get(b"content-length", b"")
        media = (_text(found.get(b"content-type")) or "").split(";")[0].strip()
        if media != "application/json" or not declared.isdigit() or int(declared) > self.max_body:
            return None, receive
        deadline = scope[DEADLINE_KEY] = asyncio.get_running_loop().time() + self.timeout
        read: list[Message] = []
        body = b""
        whole = False
        try:
            async with asyncio.timeout_at(deadline):
                while True:
                    message = await receive()
                    read.append(message)
                    if message["type"] != "http.request":
                        break
                    body += message.get("body", b"")
                    whole = not message.get("more_body", False)
                    if whole or len(body) > self.max_body:
                        break
        except TimeoutError:
            whole = False  # the body limit below answers 408 at the same deadline
        if not read:
            return None, receive

        async def again() -> Message:
            return read.pop(0) if read else await receive()

        return (b"POST " + body if whole and len(body) <= self.max_body else None), again


#: The scope key of what :class:`KeptFirst` looked up and did not find: ``((sent, view), key, state)``.
LOOKED_KEY = "buckstop.kept_looked"

#: The headers :class:`KeptFirst` reads.
_READ = frozenset((b"authorization", b"accept", b"if-none-match", b"content-length", b"content-type"))


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")
