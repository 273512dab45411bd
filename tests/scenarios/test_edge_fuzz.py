"""Fuzzing the HTTP edge: Hypothesis writes raw HTTP requests; a real ``buckstop serve`` answers none with a 5xx.

Where ``test_fuzz.py`` writes GraphQL documents that reach the schema, this writes what
reaches the server before any schema: odd methods and paths, ``Host`` values, content
types, headers up to the size limit, and bodies (JSON nested deeply, bytes that are not
UTF-8, multipart forms with broken maps, GraphQL documents), with no token, a read token
or an admin token. Each is sent over a socket of its own, as bytes. The properties: the
answer is never a 5xx and never shows a stack trace, and the server stays up (``/healthz``
answers after each request, and the server's log holds no error).

It reproduces: a fixed number of examples, ``derandomize``, no example database, and
Hypothesis's caches in a temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from harness.server import ServerLog, demo_store, make_token, start_server, stop_server
from tests.scenarios.test_fuzz import TRACEBACK_SIGNS

pytestmark = pytest.mark.slow

T = TypeVar("T")

EXAMPLES = 200
MAX_HEADER_BYTES = 16_384
ENV = {"BUCKSTOP_MAX_HEADER_BYTES": str(MAX_HEADER_BYTES), "BUCKSTOP_BODY_TIMEOUT": "3", "BUCKSTOP_LOG_LEVEL": "info"}


class Target:
    def __init__(self, port: int, tokens: dict[str, str], log: ServerLog) -> None:
        self.port = port
        self.tokens = tokens
        self.log = log


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    db: Path = tmp_path_factory.mktemp("edge-fuzz") / "buckstop.db"
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))
    tokens = {"read": make_token(demo_store(db), "fuzz-read"), "admin": make_token(db, "fuzz-admin", "admin")}
    process, url = start_server(db, env=ENV, default_store=True)
    log = ServerLog(process)
    try:
        yield Target(int(urlsplit(url).port or 0), tokens, log)
    finally:
        stop_server(process)
        log.join()
        set_hypothesis_home_dir(None)


# What a request is made of. Most requests are what a client would send (a POST of JSON to /graphql from
# localhost), so that the odd part of each, its body or one header, gets past the door to the code it tests.


def mostly(usual: st.SearchStrategy[T], odd: st.SearchStrategy[T], one_in: int = 4) -> st.SearchStrategy[T]:
    """``usual``, and ``odd`` one time in ``one_in``."""
    return st.integers(1, one_in).flatmap(lambda n: odd if n == one_in else usual)  # Hypothesis favours 1


METHODS = mostly(
    st.sampled_from(["POST", "POST", "POST", "GET"]),
    st.one_of(
        st.sampled_from(["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "CONNECT"]),
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-_", min_size=1, max_size=12),
    ),
)
PATHS = mostly(
    st.sampled_from(["/graphql", "/graphql", "/mcp"]),
    st.one_of(
        st.sampled_from(["/healthz", "/readyz", "/metrics", "/", "/static/graphiql/graphiql/graphiql.min.css"]),
        st.sampled_from(["/graphql", "/mcp", "/"]).flatmap(
            lambda p: st.text(alphabet="abc%2F?&=./{}\"'", max_size=30).map(lambda tail: p + tail)
        ),
    ),
)
HOSTS = mostly(
    st.sampled_from(["localhost", "127.0.0.1", "[::1]", "localhost:1"]),
    st.one_of(
        st.sampled_from(["rebound.example", "", "[::1]:99999", "::1", "[::1", "localhost:x"]),
        st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=255), max_size=40),
    ),
)
ODD_CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=latin-1",
            "application/graphql-response+json",
            "multipart/form-data; boundary=fuzz",
            "multipart/form-data",
            "multipart/mixed; boundary=fuzz",
            "text/plain",
            "application/x-www-form-urlencoded",
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@st.composite
def nested_json(draw: st.DrawFn) -> bytes:
    # Python's parser gives up near 1000 levels (RecursionError); GraphQL's and pydantic's elsewhere.
    depth = draw(st.one_of(st.sampled_from([1, 100, 999, 1000, 1001, 5000, 50_000]), st.integers(1, 50_000)))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    return (opener * depth + "1" + closer * depth).encode()


LOAD = "mutation($f: Upload!) { loadPeople(file: $f, dryRun: true) { applied } }"


@st.composite
def multipart(draw: st.DrawFn) -> bytes:
    operations = draw(
        st.one_of(
            st.just(
                json.dumps(
                    {
                        "query": "mutation($f: Upload!) { loadPeople(file: $f, dryRun: true) { applied } }",
                        "variables": {},
                    }
                )
            ),
            JSON_VALUES.map(json.dumps),
            st.text(max_size=40),
        )
    )
    files_map = draw(
        st.one_of(
            st.sampled_from(
                ['{"0": ["variables.f"]}', '{"0": "variables.f"}', '{"0": [1]}', '["x"]', "{", '{"0": ["a.b.c.d"]}']
            ),
            JSON_VALUES.map(json.dumps),
            nested_json().map(lambda b: b.decode()),
        )
    )
    parts = [("operations", operations.encode()), ("map", files_map.encode())]
    if draw(st.booleans()):
        parts.append(("0", draw(st.binary(max_size=200))))
    body = b"".join(
        b'--fuzz\r\nContent-Disposition: form-data; name="%s"%s\r\n\r\n%s\r\n'
        % (name.encode(), b'; filename="people.csv"' if name == "0" else b"", data)
        for name, data in parts
    )
    end = b"--fuzz--\r\n" if draw(st.booleans()) else b""
    return bytes(body + end)


MCP = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "find", "arguments": {"text": "a"}}}
JSON_BODIES = st.one_of(
    st.just(json.dumps({"query": "{ top { name } }"}).encode()),
    st.just(json.dumps(MCP).encode()),
    st.builds(lambda q: json.dumps({"query": q}).encode(), st.text(max_size=60)),
    st.builds(lambda v: json.dumps({"query": "{ top { name } }", "variables": v}).encode(), JSON_VALUES),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    nested_json(),
    nested_json().map(lambda b: b'{"query": "{ top { name } }", "variables": {"a": ' + b + b"}}"),
    st.binary(max_size=40).map(lambda b: b'{"query": "' + b + b'\xff\xfe"}'),  # not UTF-8
    st.binary(max_size=300),
)
#: A body, and the content type it is sent with (``None``: no Content-Type header).
BODIES: st.SearchStrategy[tuple[bytes, str | None]] = st.one_of(
    st.tuples(JSON_BODIES, mostly(st.just("application/json"), st.none() | ODD_CONTENT_TYPES)),
    st.tuples(multipart(), mostly(st.just("multipart/form-data; boundary=fuzz"), ODD_CONTENT_TYPES)),
    st.tuples(st.just(b""), st.none() | ODD_CONTENT_TYPES),
)
HEADER_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=20)
HEADER_VALUES = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=100)


@st.composite
def requests(draw: st.DrawFn, tokens: dict[str, str]) -> bytes:
    method, path, host = draw(METHODS), draw(PATHS), draw(HOSTS)
    content, content_type = draw(BODIES)
    headers = [("Host", host), ("Connection", "close"), ("Content-Length", str(len(content)))]
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    who = draw(st.sampled_from(["", "read", "admin", "admin", "garbage"]))
    if who:
        headers.append(("Authorization", f"Bearer {tokens.get(who, 'bst_made-up')}"))
    if draw(mostly(st.just(True), st.just(False))):
        headers.append(("X-Buckstop-Upload", "1"))
    if draw(mostly(st.just(True), st.just(False))):
        headers.append(("Accept", draw(st.sampled_from(["application/json, text/event-stream", "text/html", "*/*"]))))
    if draw(st.booleans()):
        headers.append(("Origin", draw(st.sampled_from(["http://localhost", "http://rebound.example", "null"]))))
    headers += draw(st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=5))
    if draw(st.integers(0, 9)) == 0:  # a large head, within the limit
        headers.append(("X-Pad", "p" * draw(st.integers(1000, MAX_HEADER_BYTES - 2000))))
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
    return head.encode("latin-1") + content


def send(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
        with contextlib.suppress(OSError):  # refused mid-send (a head too large): what it answered is still to read
            sock.sendall(request)
        answer = b""
        deadline = time.monotonic() + 10  # a stream (GET /mcp is one) never ends by itself: its start is enough
        try:
            while time.monotonic() < deadline and (chunk := sock.recv(65536)):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return answer


def test_no_raw_request_breaks_the_server(target: Target) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(request=requests(target.tokens))
    def ask(request: bytes) -> None:
        answer = send(target.port, request)
        status_line = answer.split(b"\r\n", 1)[0]
        assert answer.startswith(b"HTTP/1.1 "), f"no answer to:\n{request[:500]!r}\ngot {answer[:200]!r}"
        code = int(status_line.split(b" ")[1])
        text = answer.decode("utf-8", errors="replace")
        found = [sign.pattern for sign in TRACEBACK_SIGNS if sign.search(text)]
        assert code < 500 and not found, f"{status_line!r} {found} to:\n{request[:500]!r}\n{text[:1000]}"
        assert httpx.get(f"http://127.0.0.1:{target.port}/healthz", timeout=10).status_code == 200
        errors = [line for line in target.log.lines if line.startswith(("ERROR", "CRITICAL")) or "Traceback" in line]
        assert not errors, f"the server logged, after:\n{request[:500]!r}\n" + "\n".join(errors[-20:])

    ask()
