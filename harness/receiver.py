"""A webhook receiver on loopback for tests and benchmarks: a real HTTP server in a thread.

    python -m harness.receiver PORT     # one in its own process, until stopped (the benchmark's)

Vocabulary: a :class:`Receiver` listens on ``127.0.0.1:port``, answers each POST with the next of
its ``answers`` (then 204), and keeps what it got (:class:`Received`). :func:`verify` checks a
Standard Webhooks signature by hand, with ``hmac`` alone: independent of the library that signs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Received", "Receiver", "verify"]


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int

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


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # a round posts up to 100 at once: socketserver's default backlog of 5 drops them
    daemon_threads = True


class Receiver:
    """A receiver on ``port`` (a free one if 0); ``answers``: the statuses of the first POSTs."""

    def __init__(self, port: int = 0, answers: tuple[int, ...] = ()) -> None:
        self.answers = deque(answers)
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: a sender's pool reuses its connections

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._lock:
                    status = receiver.answers.popleft() if receiver.answers else 204
                    receiver.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body, status))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # quiet: the tests read `received`
                pass

        self.server = _Server(("127.0.0.1", port), Handler)
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/hooks/buckstop"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def delivered(self) -> list[Received]:
        """What it answered with a 2xx, in the order it came."""
        with self._lock:
            return [r for r in self.received if 200 <= r.answered < 300]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()


if __name__ == "__main__":
    import sys

    served = Receiver(int(sys.argv[1]))
    print(served.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        served.close()
