"""A webhook receiver on loopback for tests and benchmarks: a real HTTP server (uvicorn) in a thread.

    python -m harness.receiver PORT     # one in its own process, until stopped (the benchmark's)

Vocabulary: a :class:`Receiver` listens on ``127.0.0.1:port``, answers each POST with the next of
its ``answers`` (then 204), and keeps what it got (:class:`Received`). :func:`verify` checks a
Standard Webhooks signature by hand, with ``hmac`` alone: independent of the library that signs.

It is uvicorn (httptools, uvloop: what ``buckstop serve`` runs on) with a bare ASGI function, not
the standard library's ``http.server``: that one spends a thread and an e-mail header parser on
each request, and a benchmark of the sender would measure the receiver (docs/performance.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import uvicorn

__all__ = ["Received", "Receiver", "verify"]


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int
    peer: str = ""  # the sender's address and port: one per connection it posted over

    @property
    def event(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


def verify(secret: str, received: Received) -> bool:
    """Whether ``received`` is signed with ``secret`` (``whsec_…``) as Standard Webhooks specify."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{received.headers['webhook-id']}.{received.headers['webhook-timestamp']}.".encode() + received.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [s.split(",", 1)[1] for s in received.headers["webhook-signature"].split() if s.startswith("v1,")]
    return any(hmac.compare_digest(expected, g) for g in given)


class Receiver:
    """A receiver on ``port`` (a free one if 0); ``answers``: the statuses of the first POSTs."""

    def __init__(self, port: int = 0, answers: tuple[int, ...] = ()) -> None:
        self.answers = deque(answers)
        self.received: list[Received] = []
        self._lock = threading.Lock()  # the server's thread appends, the test's reads
        # Bound here, before the server starts: the port is known at once, and a sender that comes early waits
        # in the backlog (a round posts many at once: the backlog is the kernel's, not socketserver's 5).
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port))
        self.port = int(self._socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/hooks/buckstop"
        config = uvicorn.Config(
            self._app,
            interface="asgi3",
            lifespan="off",
            log_level="warning",
            access_log=False,
            backlog=1024,
            timeout_keep_alive=60,
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the webhook receiver on port {self.port} did not start")
            time.sleep(0.01)

    async def _app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        with self._lock:
            status = self.answers.popleft() if self.answers else 204
            peer = "{}:{}".format(*scope["client"]) if scope.get("client") else ""
            self.received.append(Received(headers, body, status, peer))
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    def delivered(self) -> list[Received]:
        """What it answered with a 2xx, in the order it came."""
        with self._lock:
            return [r for r in self.received if 200 <= r.answered < 300]

    def close(self) -> None:
        self.server.should_exit = True
        self._thread.join()
        self._socket.close()


if __name__ == "__main__":
    import sys

    served = Receiver(int(sys.argv[1]))
    print(served.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        served.close()
