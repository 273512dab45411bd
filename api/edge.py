"""The HTTP edge: what a connection may cost before the app sees a request, and what the access log keeps.

Vocabulary:

- A request's *head* is its request line and headers. It may be at most
  ``max_header_bytes`` long (``431 Request Header Fields Too Large``) and must
  arrive within ``header_timeout`` seconds of its first byte, or of the
  connection's opening (``408 Request Timeout``; a connection that never sends
  a byte is closed). Its *body* must arrive within ``body_timeout`` seconds:
  :class:`~api.limits.BodyLimit` holds that deadline for the app that reads it.
- A worker holds at most ``max_connections`` connections; uvicorn answers a
  request over that with ``503`` (its ``limit_concurrency``).
- An idle connection is closed after ``keep_alive_timeout`` seconds.

uvicorn speaks HTTP/1.1 through httptools (llhttp) here, as ``uvicorn[standard]``
picks by default. Neither it nor uvicorn bounds a head, or the time one takes:
llhttp streams and the Python side keeps every header until the head is
complete, so a client could send megabytes of headers, a byte at a time. (uvicorn's
other parser, h11, bounds a head at 16 KiB but answers 400, and has no timeout
either.) :class:`EdgeProtocol` is uvicorn's httptools protocol with those two
bounds; :func:`server_config` gives it to uvicorn with the other limits, for
one worker and for each of several (the config travels to them whole).

The access log keeps the path without the query string: a GET's query string
holds the GraphQL document and its variables, e-mail addresses among them. And
every line the server logs (a stack trace too) has its e-mail addresses
replaced by ``<e-mail>``: an exception's message may quote what a client sent.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import httptools
import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.logging import AccessFormatter, DefaultFormatter
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from .settings import Settings

__all__ = ["EdgeConfig", "EdgeLimits", "EdgeProtocol", "NoQueryString", "Redacted", "RedactedAccess", "server_config"]


@dataclass(frozen=True)
class EdgeLimits:
    """The bounds :class:`EdgeProtocol` holds a request's head to."""

    max_header_bytes: int = 32_768
    header_timeout: float = 10.0


class EdgeConfig(uvicorn.Config):
    """uvicorn's config, carrying the :class:`EdgeLimits` to each worker's protocol."""

    def __init__(self, app: Any, *, edge: EdgeLimits, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.edge = edge


class _HeadTooLarge(Exception):
    pass


class EdgeProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing a head too large (431) or too slow (408)."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.edge: EdgeLimits = getattr(config, "edge", EdgeLimits())
        self._in_head = False  # a request has begun and its head is not complete
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a connection that never sends a request is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # uvicorn's, with the 431 of a head too large among the parser's errors.
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as err:
            if isinstance(err.__context__, _HeadTooLarge):
                self._refuse_head(431)
            else:
                self._invalid()
            return
        except httptools.HttpParserError:
            self._invalid()
            return
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        if self._in_head:
            # The parser keeps what it has of an unfinished head: every byte of this read is part of it
            # (give or take the end of a pipelined request before it), so this bounds what it keeps.
            self._head_bytes += len(data)
            if self._head_bytes > self.edge.max_header_bytes:
                self._refuse_head(431)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = 0
        self._arm()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)  # "name: value\r\n", near enough
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        if self.cycle is not None and self.cycle.more_body and not self.pipeline:
            # Answered before its body came in whole (a refusal, a path that reads none): the rest is not
            # wanted, and a body dribbled in after the answer would otherwise hold the connection for ever.
            self.transport.close()
        super().on_response_complete()

    def _count(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > self.edge.max_header_bytes:
            raise _HeadTooLarge  # out of the parser, to data_received

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.edge.header_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._in_head:
            self._refuse_head(408)
        elif self.cycle is None:  # opened, and not a byte since
            self.transport.close()

    def _invalid(self) -> None:
        msg = "Invalid HTTP request received."
        self.logger.warning(msg)
        self.send_400_response(msg)

    def _refuse_head(self, status: int) -> None:
        """Answer ``status`` in buckstop's error shape, and close: the rest of the head is not read."""
        self._in_head = False
        self._disarm()
        if status == 431:
            message = f"the request line and headers may be at most {self.edge.max_header_bytes:,} bytes"
            code, setting = "HEADERS_TOO_LARGE", "max_header_bytes"
        else:
            message = f"the request line and headers must arrive within {self.edge.header_timeout:g} s"
            code, setting = "REQUEST_TIMEOUT", "header_timeout"
        self.logger.info("refused a request: %s (setting %s)", message, setting)
        body = json.dumps({"errors": [{"message": f"{message} (setting {setting})", "extensions": {"code": code}}]})
        content = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content += [
            b"content-type: application/json\r\n",
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
            b"connection: close\r\n\r\n",
            body.encode("ascii"),
        ]
        self.transport.write(b"".join(content))
        self.transport.close()


class NoQueryString(logging.Filter):
    """Takes the query string out of uvicorn's access log lines: it may hold e-mail addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].partition("?")[0], args[3], args[4])
        return True


#: An e-mail address, as far as a log line needs to know.
#: How long uvicorn's supervisor waits for a worker to answer its ping before it kills it and starts another.
#: uvicorn's 5 s is shorter than one call that holds the interpreter while a worker opens a large store (a
#: million people's pack is unpickled in one call: about a second alone, several on a busy machine), and a
#: worker killed for it starts over (docs/performance.md, "Workers at 1M").
WORKER_PING_SECONDS = 60

EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")


class Redacted(DefaultFormatter):
    """uvicorn's line format, with every e-mail address (in a stack trace too) replaced by ``<e-mail>``."""

    def format(self, record: logging.LogRecord) -> str:
        return EMAIL.sub("<e-mail>", super().format(record))


class RedactedAccess(AccessFormatter):
    """uvicorn's access line format, with every e-mail address replaced by ``<e-mail>``."""

    def format(self, record: logging.LogRecord) -> str:
        return EMAIL.sub("<e-mail>", super().format(record))


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging configuration, with :class:`NoQueryString` on its access log, and buckstop's own lines."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["no_query_string"] = {"()": f"{__name__}.NoQueryString"}
    config["handlers"]["access"]["filters"] = ["no_query_string"]
    config["formatters"]["default"]["()"] = f"{__name__}.Redacted"
    config["formatters"]["access"]["()"] = f"{__name__}.RedactedAccess"
    # buckstop's loggers print as uvicorn's do, at the same level (else only warnings would show, unformatted).
    config["loggers"]["buckstop"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config


def server_config(settings: Settings, app: Any, **kwargs: Any) -> EdgeConfig:
    """uvicorn's config for ``app`` (an app, or a factory's import path) with the edge of ``settings``."""
    return EdgeConfig(
        app,
        edge=EdgeLimits(max_header_bytes=settings.max_header_bytes, header_timeout=settings.header_timeout),
        http=EdgeProtocol,
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=settings.keep_alive_timeout,  # a float works: it goes to call_later
        log_level=settings.log_level,
        log_config=log_config(settings.log_level),
        timeout_worker_healthcheck=WORKER_PING_SECONDS,
        **kwargs,
    )
