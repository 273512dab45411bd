"""Request bodies too large to read are refused with 413 before anything parses them.

A body is *too large* when it is over ``max_body_bytes`` (``max_upload_bytes``
for a multipart upload, an HR export). A declared ``Content-Length`` over the
limit is refused before a byte is read; a body sent without one (chunked) is
counted as it arrives and refused as soon as it passes the limit, so a client
cannot make the service buffer more than the limit.

A body must also arrive whole within ``body_timeout`` seconds of the request's
start: one sent a byte at a time is answered 408 and its connection closed,
instead of holding it for ever. A client that leaves before its body is in
is one INFO line in the log, not an error with a stack trace.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response

__all__ = ["DEADLINE_KEY", "BodyLimit"]

#: The scope key of the time (the event loop's clock) by which a request's body must have arrived, when a
#: layer in front of :class:`BodyLimit` began reading it: the deadline is one, whichever layer reads.
DEADLINE_KEY = "buckstop.body_deadline"


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


class _ClientGone(BaseException):
    """The client left before its body was in. Not an ``Exception``: the apps inside (the MCP SDK) catch those
    and log each as an error with its stack trace; this one must reach :class:`BodyLimit` untouched."""


log = logging.getLogger("buckstop.api")


class BodyLimit:
    """An ASGI app that runs ``app`` on bodies within the limits, and answers 413 otherwise."""

    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int, timeout: float = 60.0) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        upload = headers.get("content-type", "").startswith("multipart/")
        limit = self.max_upload if upload else self.max_body
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(limit, upload)(scope, receive, send)
            return

        received = 0
        started = False
        whole = False  # the body is all in: what the app awaits now is the client's leaving, not a deadline
        # A layer before this one that read part of the body (api.kept.KeptFirst) started the clock.
        deadline = scope.get(DEADLINE_KEY) or asyncio.get_running_loop().time() + self.timeout

        async def counting_receive() -> Message:
            nonlocal received, whole
            if whole:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _TooSlow from None
            if message["type"] == "http.disconnect":
                raise _ClientGone
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                whole = not message.get("more_body", False)
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if started:  # the app answered before reading it all; nothing more to say
                return
            await _refuse(limit, upload)(scope, receive, send)
        except _TooSlow:
            if not started:
                await _too_slow(self.timeout)(scope, receive, send)
        except _ClientGone:
            log.info("a client went away before it sent its request: %s %s", scope["method"], scope["path"])


def _refuse(limit: int, upload: bool) -> Response:
    what = "an upload" if upload else "a request body"
    setting = "max_upload_bytes" if upload else "max_body_bytes"
    message = f"{what} may be at most {limit:,} bytes (setting {setting})"
    return error_response(message, "PAYLOAD_TOO_LARGE", 413, {"Connection": "close"})


def _too_slow(timeout: float) -> Response:
    message = f"the request body must arrive within {timeout:g} s (setting body_timeout)"
    return error_response(message, "REQUEST_TIMEOUT", 408, {"Connection": "close"})
