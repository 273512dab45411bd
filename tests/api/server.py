"""A real buckstop server: `buckstop serve` in a child process, spoken to over real HTTP."""

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
from buckstop.graph.access import Scope, Token, digest, new_secret, now
from buckstop.graph.memory import MemoryStore
from buckstop.graph.store import Store


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
) -> tuple[subprocess.Popen[bytes], str]:
    """``buckstop serve`` on the store file ``db``, ready to answer, and its URL.

    With ``default_store`` the server runs in ``db``'s folder with no ``BUCKSTOP_DB``, so ``db``
    (named ``buckstop.db``) is its default store: the one it loads the demo org into while empty.
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
    process = subprocess.Popen(
        [sys.executable, "-m", "buckstop.api.cli", "serve", "--port", str(port), *extra],
        env=env,
        cwd=db.parent if default_store else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    # Generous: on a busy two-core machine a Neo4j-backed server seeding the demo org takes a while.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            stop_server(process)
            raise RuntimeError(f"buckstop serve exited early:\n{output}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_server(process)
    raise RuntimeError("buckstop serve did not become ready in 90 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
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
