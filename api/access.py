"""Who may ask: the one check in front of ``/graphql`` and ``/mcp``.

Vocabulary:

- A *principal* is who a request speaks for: a token's name and scope, or
  *anonymous* (no token), who gets the *public view*: everyone's name and
  title, every routing answer, the name at the top — but no e-mail, phone,
  location or provenance, except of people marked public.
- :class:`Guarded` wraps an ASGI app: it reads ``Authorization: Bearer …``,
  answers 401 for a wrong or revoked token (and for no token, where anonymous
  reads are off), and otherwise runs the app with the principal in the scope
  (``scope["buckstop.principal"]``) and in :data:`current`, so the GraphQL
  resolvers and the MCP tools both see it.
- Code that runs without a request (the command line, MCP over stdio) is the
  *local* principal: whoever can run it on the server can read the store file.

Checked tokens are remembered for ``token_cache_seconds``, so a question costs
no extra round trip to Neo4j; a revocation takes effect within that time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from buckstop.graph.errors import BrokenToken, BuckstopError, StoreUnavailable
from buckstop.graph.model import Person, Record
from buckstop.graph.store import Store
from buckstop.graph.tokens import Scope as TokenScope
from buckstop.graph.tokens import Token, digest
from buckstop.queries.lookup import shows_private

from .errors import error_response

__all__ = [
    "ANONYMOUS",
    "LOCAL",
    "Access",
    "Forbidden",
    "Guarded",
    "Principal",
    "current",
    "may_see_private",
    "may_see_source",
]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request speaks for; ``scope`` is ``None`` for the public view."""

    name: str
    scope: TokenScope | None

    @property
    def reads_private(self) -> bool:
        return self.scope is not None

    @property
    def admin(self) -> bool:
        return self.scope is TokenScope.ADMIN

    @property
    def moves_cases(self) -> bool:
        """May open cases and act on them (docs/cases.md)."""
        return self.scope in (TokenScope.CASES, TokenScope.ADMIN)


ANONYMOUS = Principal("anonymous", None)
LOCAL = Principal("local", TokenScope.ADMIN)

#: The principal of the request being answered (LOCAL outside a request).
current: ContextVar[Principal] = ContextVar("buckstop_principal", default=LOCAL)

SCOPE_KEY = "buckstop.principal"

log = logging.getLogger("buckstop")


def may_see_private(person: Person, principal: Principal | None = None) -> bool:
    """Whether ``principal`` (default: the current one) may see ``person``'s contact details and provenance.

    The same rule decides what a lookup may match on (:func:`queries.lookup.shows_private`).
    """
    return shows_private(person, private=(principal or current.get()).reads_private)


def may_see_source(record: Record | None = None, principal: Principal | None = None) -> bool:
    """Whether ``principal`` (default: the current one) may see where ``record`` was loaded from (file:row).

    The rule of GraphQL's ``@private`` fields: a person's as :func:`may_see_private`; any other
    record's (a rule's row, an audit finding's rows, ``record`` None) only with a reading token.
    """
    if isinstance(record, Person):
        return may_see_private(record, principal)
    return (principal or current.get()).reads_private


class Forbidden(BuckstopError):
    """A request whose token lacks the scope an operation needs."""

    code = "FORBIDDEN"

    def __init__(self, needed: TokenScope, principal: Principal) -> None:
        who = "no token" if principal.scope is None else f"token {principal.name!r} has scope {principal.scope}"
        super().__init__(f"this needs a token with scope {needed}; {who}")


class Access:
    """Turns a request's ``Authorization`` header into a principal, or a refusal."""

    def __init__(self, store: Store, *, anonymous: bool, cache_seconds: float = 5.0) -> None:
        self.store = store
        self.anonymous = anonymous
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, Token | None]] = {}

    async def principal(self, headers: Headers) -> Principal | Response:
        """The principal of a request with these headers, or the 401/503 response that refuses it."""
        header = headers.get("authorization")
        if header is None:
            if self.anonymous:
                return ANONYMOUS
            return _refusal("this server needs a token: send `Authorization: Bearer <token>`", "")
        key = _key_of(header)
        if key is None:
            return _refusal("the Authorization header must be `Bearer <token>`", "invalid_request")
        try:
            token = await self._token(key)
        except StoreUnavailable as err:
            return error_response(str(err), err.code, 503, {"Retry-After": "5"})
        except BrokenToken as err:  # a bad row in the store is the operator's to fix; its holder is refused
            log.warning("refused a request: %s", err)
            return _refusal("the token is unknown or revoked", "invalid_token")
        if token is None or not token.active:
            return _refusal("the token is unknown or revoked", "invalid_token")
        return Principal(token.name, token.scope)

    def known(self, header: str | None) -> Principal | None:
        """The principal of an ``Authorization`` header (None: no header) if it is known without asking the store.

        No header is the anonymous caller where anonymous reads are allowed; a bearer token is known while
        the token cache holds it, active. Anything else is None: :meth:`principal` must decide it (it may
        refuse it, or ask the store).
        """
        if header is None:
            return ANONYMOUS if self.anonymous else None
        key = _key_of(header)
        cached = self._fresh(key, time.monotonic()) if key is not None else None
        token = cached[1] if cached is not None else None
        return Principal(token.name, token.scope) if token is not None and token.active else None

    def _fresh(self, key: str, now: float) -> tuple[float, Token | None] | None:
        """The token cache's entry for ``key`` while it is fresh (the token, or None for an unknown key)."""
        cached = self._cache.get(key)
        return cached if cached is not None and now - cached[0] < self.cache_seconds else None

    async def _token(self, key: str) -> Token | None:
        now = time.monotonic()
        cached = self._fresh(key, now)
        if cached is not None:
            return cached[1]
        token = await asyncio.to_thread(self.store.token, key)
        if len(self._cache) > 10_000:  # a flood of made-up tokens must not grow this without bound
            self._cache.clear()
        self._cache[key] = (now, token)
        return token


def _key_of(header: str) -> str | None:
    """The token cache's key of an ``Authorization`` header: its bearer token's digest (None: not a bearer)."""
    kind, _, secret = header.partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        return None
    return digest(secret.strip())


def _refusal(message: str, error: str) -> Response:
    challenge = 'Bearer realm="buckstop"' + (f', error="{error}"' if error else "")
    return error_response(message, "UNAUTHENTICATED", 401, {"WWW-Authenticate": challenge})


class Guarded:
    """An ASGI app that runs ``app`` only for a request ``access`` lets through, as its principal."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # not served: it would bypass the check of each request
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        principal = await self.access.principal(Headers(scope=scope))
        if isinstance(principal, Response):
            await principal(scope, receive, send)
            return
        scope[SCOPE_KEY] = principal
        reset = current.set(principal)
        try:
            await self.app(scope, receive, send)
        finally:
            current.reset(reset)
