"""Whole GraphQL answers kept and given again: the response cache, ETags and persisted queries.

Vocabulary:

- A *pure* question is a root field of the query type declared with
  :func:`api.graphql.schema.question`: its answer is a function of its arguments,
  the org's version in force on the day asked, that day, and the caller's view,
  nothing else (the cases' questions are not: a case moves without a load).
- An *ask* is what a request asks (:class:`Ask`): the document's text, the
  variables, the operation's name and the extensions, from a POST's JSON body or
  a GET's query string.
- The org's *state* (:func:`state_of`) is the newest version the store holds and
  the day it is by the store's clock. Any load, whatever its effective date, makes
  a newer version; midnight makes another day (a scheduled version comes into
  force, absences start and end). Either drops every answer kept.
- The *view* is the caller's: ``public`` (no token) or the token's scope. The
  token's name never changes an answer of a pure question, so it is not part of
  the key; the view is, so one caller's view is never given to another.
- An answer's *key* is the SHA-256 of what the request sent, byte for byte (a
  POST's body, a GET's query string: the text, the variables, the operation's name
  and the extensions), the view and the state. Byte for byte, because a kept
  answer is then found without reading the JSON (the same question sent with other
  spacing is kept twice, which costs memory, never a wrong answer). An answer is *kept* (:class:`ResponseCache`, an
  LRU bounded by the bytes of the bodies it holds, ``response_cache_bytes``)
  when its request was a query of pure questions only, answered with no error,
  by a 200, and the state was the same before and after it was answered.
- Its *ETag* is a hash of its body. A GET with ``If-None-Match`` of the ETag
  gets ``304 Not Modified``. ``Cache-Control`` is ``public, no-cache`` for the
  public view (a CDN may keep it and must ask again, with the ETag, each time)
  and ``private, no-cache`` for a token's (a browser's own cache only).
- A *persisted query* follows Apollo's Automatic Persisted Queries: a request
  may send ``extensions.persistedQuery.sha256Hash`` without the text; a server
  that does not know the hash answers the error ``PersistedQueryNotFound`` (code
  ``PERSISTED_QUERY_NOT_FOUND``) and the client sends the text once with its hash.
  The texts are kept by hash (:class:`PersistedQueries`, bounded by bytes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from cachetools import LRUCache
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from starlette.requests import Request

from buckstop.graph.store import Store
from buckstop.graph.timeline import today

__all__ = [
    "NOTE_KEY",
    "PURE",
    "Answer",
    "Ask",
    "Note",
    "PersistedQueries",
    "ResponseCache",
    "State",
    "ask_of",
    "asks_pure_questions",
    "etag_of",
    "key_of",
    "names_persisted_query",
    "pure_fields",
    "put_query",
    "sent_by",
    "state_of",
]

#: The strawberry ``metadata`` key that marks a pure question.
PURE = "buckstop.pure"
#: Where a request's :class:`Note` is, in its ASGI scope and its GraphQL context.
NOTE_KEY = "buckstop.response"
#: Bytes an answer holds besides its body (the entry, its key, its ETag), roughly.
ENTRY_BYTES = 400

#: The org's state: its newest version, and the day.
State = tuple[int, date]


@dataclass
class Note:
    """What the GraphQL layer tells the HTTP layer of one request: the document it ran, and whether the
    answer had no error."""

    document: DocumentNode | None = None
    clean: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    """A kept answer: its body, its ETag, and the operation label the metrics gave it."""

    body: bytes
    etag: str
    operation: str | None
    trusted: bool


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass
class Ask:
    """What one GraphQL request over HTTP asks (a batch or an upload is not an ask: it is never kept)."""

    query: str | None
    variables: Any
    operation_name: str | None
    extensions: Any

    @property
    def persisted_hash(self) -> str | None:
        persisted = self.extensions.get("persistedQuery") if isinstance(self.extensions, dict) else None
        found = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        return found if isinstance(found, str) else None


def key_of(sent: bytes, view: str, state: State) -> bytes:
    """The key of the answer to a request that sent ``sent`` (its body or query string), for ``view`` in ``state``."""
    return hashlib.sha256(b"%b\0%b\0%d\0%b" % (view.encode(), state[1].isoformat().encode(), state[0], sent)).digest()


async def sent_by(request: Request) -> bytes | None:
    """What ``request`` sent that its answer depends on: a GET's query string, a JSON POST's body; else None."""
    if request.method == "GET":
        query_string: bytes = request.scope["query_string"]
        return b"GET?" + query_string
    if request.method != "POST" or request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return None
    return b"POST " + await request.body()


def names_persisted_query(sent: bytes) -> bool:
    """Whether what a request sent (:func:`sent_by`) may name a persisted query: False only when it cannot.

    A POST body that names none has no ``persistedQuery`` in it, nor a ``\\u`` escape that could spell it;
    a GET's query string may percent-encode any letter, so it is always read.
    """
    return not sent.startswith(b"POST ") or b"persistedQuery" in sent or b"\\u" in sent


async def ask_of(request: Request) -> Ask | None:
    """The ask of ``request``, or None when it is not one plain GraphQL request (strawberry then answers it)."""
    if request.method == "GET":
        params = request.query_params
        try:
            variables = json.loads(params["variables"]) if params.get("variables") else None
            extensions = json.loads(params["extensions"]) if params.get("extensions") else None
        except ValueError:
            return None
        return Ask(params.get("query"), variables, params.get("operationName"), extensions)
    if request.method != "POST" or request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return None
    try:
        data = json.loads(await request.body())
    except (ValueError, RecursionError):
        return None  # strawberry reads it again and says what is wrong
    if not isinstance(data, dict):
        return None
    query = data.get("query")
    return Ask(
        query if isinstance(query, str) else None,
        data.get("variables"),
        data.get("operationName") if isinstance(data.get("operationName"), str) else None,
        data.get("extensions"),
    )


def put_query(request: Request, ask: Ask, text: str) -> None:
    """Give ``request`` the text of its persisted query, so that strawberry reads it as if it were sent."""
    ask.query = text
    if request.method == "GET":
        params = [*request.query_params.multi_items(), ("query", text)]
        request.scope["query_string"] = urlencode(params).encode("latin-1")
        request.__dict__.pop("_query_params", None)  # starlette keeps the parameters it parsed
    else:
        body = {"query": text, "variables": ask.variables, "operationName": ask.operation_name}
        body["extensions"] = ask.extensions
        request._body = json.dumps(body).encode()  # starlette's Request.body() answers this from now on


class PersistedQueries:
    """The texts of persisted queries by their SHA-256, at most ``max_bytes`` of text."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._texts: LRUCache[str, str] = LRUCache(maxsize=max(max_bytes, 1), getsizeof=len)

    def get(self, sha256: str) -> str | None:
        return self._texts.get(sha256.lower())

    @staticmethod
    def matches(sha256: str, text: str) -> bool:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() == sha256.lower()

    def put(self, sha256: str, text: str) -> None:
        if len(text) <= self.max_bytes:
            self._texts[sha256.lower()] = text


class ResponseCache:
    """Kept answers by key, at most ``max_bytes`` of them, all of one state of the org.

    Used from the event loop only (no lock): a key is looked up, and an answer
    kept, between two awaits.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._answers: LRUCache[bytes, Answer] = LRUCache(
            maxsize=max(max_bytes, 1), getsizeof=lambda a: len(a.body) + ENTRY_BYTES
        )
        self._state: State | None = None

    def at(self, state: State) -> None:
        """Drop every answer when the org's state is not the one they were answered in."""
        if state != self._state:
            self._answers.clear()
            self._state = state

    def get(self, key: bytes) -> Answer | None:
        return self._answers.get(key)

    def put(self, key: bytes, state: State, answer: Answer) -> None:
        if state == self._state and len(answer.body) + ENTRY_BYTES <= self.max_bytes:
            self._answers[key] = answer

    @property
    def bytes(self) -> int:
        return int(self._answers.currsize)

    def __len__(self) -> int:
        return len(self._answers)


class _Newest:
    """The newest version of a timeline, found once per timeline object (a store keeps it until a load)."""

    def __init__(self) -> None:
        self._seen: tuple[object, int] | None = None

    def of(self, timeline: Any) -> int:
        if self._seen is None or self._seen[0] is not timeline:
            self._seen = (timeline, max((v.number for v in timeline.versions), default=0))
        return self._seen[1]


_newest = _Newest()


def state_of(store: Store) -> State:
    """The org's state as ``store`` sees it now: its newest version, and the day by its clock."""
    clock = getattr(store, "clock", today)
    return _newest.of(store.timeline()), clock()


def asks_pure_questions(document: DocumentNode, operation_name: str | None, pure: set[str]) -> bool:
    """Whether the operation of ``document`` run for ``operation_name`` is a query of pure root fields only.

    >>> from graphql import parse
    >>> asks_pure_questions(parse("{ top { name } ...F } fragment F on Query { route { fallback } }"), None, {"top"})
    False
    """
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if len(chosen) != 1 or chosen[0].operation is not OperationType.QUERY:
        return False
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    pending: list[SelectionSetNode] = [chosen[0].selection_set]
    seen: set[str] = set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value not in pure:
                    return False
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in fragments:
                    return False
                if name not in seen:
                    seen.add(name)
                    pending.append(fragments[name].selection_set)
    return True


def pure_fields(root: Mapping[str, Any]) -> set[str]:
    """The names of the pure questions among the fields of a root type (of graphql-core), introspection included."""
    found = {"__typename", "__schema", "__type"}
    for name, field in root.items():
        definition = (field.extensions or {}).get("strawberry-definition")
        if definition is not None and getattr(definition, "metadata", {}).get(PURE):
            found.add(name)
    return found
