"""Which ``Host`` the service answers, and which ``Origin`` ``/mcp`` accepts (DNS-rebinding protection).

Vocabulary:

- A request's *host* is its ``Host`` header without the port: ``localhost:8000`` is ``localhost``,
  ``[::1]:8000`` is ``[::1]``. Names are compared without regard to case.
- The *allowed hosts* are the loopback names (``localhost``, ``127.0.0.1``, ``[::1]``), the
  address the service listens on (unless it is every address, ``0.0.0.0`` or ``::``), and the
  names of the ``allowed_hosts`` setting; ``*`` among them allows any host. Any port goes.
- *DNS rebinding*: a web page at ``evil.example`` points its name at ``127.0.0.1`` and reads
  a service on loopback "from its own site". The browser still sends ``Host: evil.example``,
  which is not an allowed host, so :class:`HostCheck` refuses it with ``421 Misdirected Request``.
- An ``Origin`` *matches* the ``Host`` when it names the same host and port (an absent port is
  the scheme's default): a page of ``http://localhost:3000`` may not call ``/mcp`` on
  ``localhost:8000``. Requests without an ``Origin`` (programs, not browsers) pass.

``/healthz`` and ``/readyz`` answer any host: load balancers and orchestrators probe them by
address, and they tell nothing a caller could use (docs/security.md).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import error_response
from .settings import Settings

__all__ = ["LOOPBACK_NAMES", "OPEN_PATHS", "HostCheck", "OriginCheck", "allowed_hosts", "host_name", "origin_matches"]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
_ANY_ADDRESS = ("0.0.0.0", "::", "[::]", "")
#: Answered whatever the Host: probes by address, holding nothing worth rebinding for.
OPEN_PATHS = frozenset({"/healthz", "/readyz"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def allowed_hosts(settings: Settings) -> list[str]:
    """The allowed hosts of ``settings``, as they appear in a ``Host`` header (``*`` if any host goes)."""
    extra = [h.strip().lower() for h in settings.allowed_hosts.split(",") if h.strip()]
    if "*" in extra:
        return ["*"]
    listening = settings.host.strip().lower()
    if ":" in listening and not listening.startswith("["):
        listening = f"[{listening}]"  # an IPv6 address, as it appears in a Host header
    own = [] if listening in _ANY_ADDRESS else [listening]
    return list(dict.fromkeys([*LOOPBACK_NAMES, *own, *extra]))


def host_name(host: str) -> str:
    """``host`` (a ``Host`` header) without its port, in lower case: ``[::1]:80`` is ``[::1]``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rpartition(":")[0] if ":" in host else host


def _host_and_port(host: str, scheme: str) -> tuple[str, str]:
    name = host_name(host)
    rest = host.strip().lower()[len(name) :]
    return name, rest[1:] if rest.startswith(":") and rest[1:] else _DEFAULT_PORTS.get(scheme, "")


def origin_matches(origin: str, host: str) -> bool:
    """Whether a browser's ``Origin`` names the same host and port as the request's ``Host``."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc or parts.path not in ("", "/"):
        return False
    return _host_and_port(parts.netloc, parts.scheme) == _host_and_port(host, parts.scheme)


class HostCheck:
    """An ASGI app that runs ``app`` for requests to an allowed host, and answers 421 to the others."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.hosts = frozenset(allowed_hosts(settings))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "*" in self.hosts or scope["type"] not in ("http", "websocket") or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        if host_name(host) in self.hosts:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        shown = host if host.isprintable() and len(host) <= 100 else repr(host[:100])
        message = (
            f"this server does not answer for host {shown!r}; it answers {', '.join(sorted(self.hosts))}: "
            "add the name to the setting allowed_hosts (BUCKSTOP_ALLOWED_HOSTS)"
        )
        await error_response(message, "MISDIRECTED_REQUEST", 421, {"Connection": "close"})(scope, receive, send)


class OriginCheck:
    """An ASGI app that runs ``app`` unless a browser's ``Origin`` is another site than the ``Host`` (403)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if scope["type"] != "http" or origin is None or origin_matches(origin, headers.get("host", "")):
            await self.app(scope, receive, send)
            return
        message = "a browser may call /mcp only from a page of the same host and port (the Origin must match the Host)"
        await error_response(message, "FORBIDDEN_ORIGIN", 403)(scope, receive, send)
