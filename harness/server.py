"""A real buckstop server: `buckstop serve` in a child process, spoken to over real HTTP.

Vocabulary: ``start_server`` starts one on a free port and waits until ``/readyz`` answers;
``start_public`` is the benchmarks' server (loopback, no demo org, anonymous reads);
``stop_server`` ends one; ``Server`` asks one GraphQL questions; ``ServerLog`` reads its
output as it comes; ``demo_store`` and ``make_token`` prepare the store file it opens.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

import httpx

from buckstop.api.stores import seed_if_empty
from buckstop.graph.memory import MemoryStore
from buckstop.graph.store import Store
from buckstop.graph.tokens import Scope, Token, digest, new_secret, now

__all__ = [
    "Server",
    "ServerLog",
    "demo_store",
    "free_port",
    "make_token",
    "start_public",
    "start_server",
    "stop_server",
    "wait_ready",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, url: str, db: Path, token: str | None = None) -> None:
        self.url = url
        self.db = db
        headers = {"authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(base_url=url, timeout=10, headers=headers)

    def query(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def start_server(
    db: Path,
    *extra: str,
    backend: str = "memory",
    env: dict[str, str] | None = None,
    default_store: bool = False,
    log: Path | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """``buckstop serve`` on the store file ``db``, ready to answer, and its URL.

    With ``default_store`` the server runs in ``db``'s folder with no ``BUCKSTOP_DB``, so ``db``
    (named ``buckstop.db``) is its default store: the one it loads the demo org into while empty.
    Its output is piped (read it with :class:`ServerLog`), or written to the file ``log``.
    """
    port = free_port()
    env = {
        **os.environ,
        "BUCKSTOP_DB": str(db),
        "BUCKSTOP_LOG_LEVEL": "warning",
        "BUCKSTOP_BACKEND": backend,
        **(env or {}),
    }
    if default_store:
        assert db.name == "buckstop.db", db
        del env["BUCKSTOP_DB"]
    command = [sys.executable, "-m", "buckstop.api.cli", "serve", "--port", str(port), *extra]
    cwd = db.parent if default_store else None
    if log is None:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    else:
        with log.open("wb") as out:
            process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    # Generous: on a busy two-core machine a Neo4j-backed server seeding the demo org takes a while.
    wait_ready(process, url, "buckstop serve", seconds=90, log=log)
    return process, url


def start_public(
    db: Path, log: Path, workers: int = 1, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """The benchmarks' server: ``buckstop serve`` on the org already in ``db``, as anyone on loopback sees it.

    Bound to 127.0.0.1 with ``workers`` workers, no demo org, no access log, and anonymous reads
    on (``auto`` turns them on for a loopback server), so a load generator needs no token; ``env``
    adds settings (``BUCKSTOP_RESPONSE_CACHE``…).
    """
    extra = ("--host", "127.0.0.1", "--workers", str(workers), "--no-seed")
    return start_server(db, *extra, env={"BUCKSTOP_ANONYMOUS_READS": "auto", **(env or {})}, log=log)


def wait_ready(
    process: subprocess.Popen[bytes], url: str, name: str, seconds: float = 90, log: Path | None = None
) -> None:
    """Wait until the server ``process`` at ``url`` answers ``/readyz``; stop it and raise if it cannot."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = _output(process, log)
            stop_server(process)
            raise RuntimeError(f"{name} exited early:\n{output}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_server(process)
    raise RuntimeError(f"{name} did not become ready in {seconds:.0f} s:\n{_output(process, log)}")


def _output(process: subprocess.Popen[bytes], log: Path | None) -> str:
    """What the server printed: its log file's tail, or what is left in its pipe (empty once it has been read)."""
    if log is not None:
        return log.read_text(errors="replace")[-4000:]
    if process.stdout and not process.stdout.closed:
        return process.stdout.read().decode(errors="replace")
    return ""


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server, and kill it if it has not ended 20 s later (several workers take a while)."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout:
        process.stdout.close()


def demo_store(db: Path) -> Path:
    """The store file ``db`` holding the demo org, loaded as ``buckstop serve`` loads it into its default store."""
    store = MemoryStore(db)
    try:
        seed_if_empty(store)
    finally:
        store.close()
    return db


def make_token(db: Path | Store, name: str, scope: str = "read") -> str:
    """A new token in the store file ``db`` or in a store (as ``buckstop token create`` makes one); its secret."""
    secret = new_secret()
    token = Token(name, Scope(scope), digest(secret), now())
    if not isinstance(db, Path):
        db.add_token(token)
        return secret
    store = MemoryStore(db)
    try:
        store.add_token(token)
    finally:
        store.close()
    return secret


class ServerLog:
    """Reads the server's output as it comes, so a failure can show what the server logged about it.

    ``start_server`` pipes the server's output; every internal error it logs is a stack trace,
    and once the pipe is full the server would block mid-request, turning a finding into a timeout.
    """

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.lines: deque[str] = deque(maxlen=2000)
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ValueError, OSError):  # the pipe closed under us: the server is gone
            for line in iter(process.stdout.readline if process.stdout else bytes, b""):
                self.lines.append(line.decode("utf-8", errors="replace").rstrip())

    def about(self, body: str, shown: int = 80) -> str:
        """The log entry of the request id in a response ``body`` (the entry of an internal error), else the tail."""
        found = re.search(r'"requestId":\s*"(\w+)"', body)
        deadline = time.monotonic() + 2  # the entry may still be on its way through the pipe
        while found and time.monotonic() < deadline:
            lines = list(self.lines)
            start = next((i for i, line in enumerate(lines) if found.group(1) in line), None)
            if start is not None:
                return "\n".join(lines[start : start + shown])
            time.sleep(0.05)
        return "\n".join(list(self.lines)[-20:])

    def join(self) -> None:
        self._thread.join(timeout=10)
