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

from starlette.requests import Request
from starlette.responses import Response

from buckstop.graph.errors import BuckstopError
from buckstop.graph.store import Store

from .access import Principal
from .errors import error_response
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

__all__ = ["Kept"]

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

    async def answer(self, request: Request, principal: Principal, run: Run) -> Response:
        view = "public" if principal.scope is None else str(principal.scope)
        key = state = None
        sent = await sent_by(request)
        if self.on and sent is not None and (state := await self._state()) is not None:
            key = key_of(sent, view, state)
            self.cache.at(state)
            found = self.cache.get(key)
            if found is not None:  # the common case under load: no JSON read, no GraphQL
                note_operation(found.operation, (), trusted=found.trusted)
                return _given(request, found, view == "public")
        elif sent is None or not names_persisted_query(sent):
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
        if _not_modified(request, answer):
            return _given(request, answer, view == "public")
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


def _not_modified(request: Request, answer: Answer) -> bool:
    if request.method != "GET":
        return False  # If-None-Match on a POST is a precondition, not a revalidation
    tags = request.headers.get("if-none-match", "")
    return any(tag.strip().removeprefix("W/") == answer.etag for tag in tags.split(",")) or tags.strip() == "*"


class _Given(Response):
    """A kept answer as sent: its headers made once, not parsed and rebuilt as starlette's Response does."""

    def __init__(self, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code = status
        self.body = body
        self.raw_headers = headers
        self.background = None


def _given(request: Request, answer: Answer, public: bool) -> Response:
    caching = [(name.encode(), value.encode()) for name, value in _caching(answer, public).items()]
    if _not_modified(request, answer):
        return _Given(304, b"", caching)
    graphql_response = prefers_graphql_response(request.headers.get("accept"))
    media = GRAPHQL_RESPONSE_CONTENT_TYPE if graphql_response else "application/json"
    length = (b"content-length", str(len(answer.body)).encode())
    return _Given(200, answer.body, [length, (b"content-type", media.encode()), *caching])
