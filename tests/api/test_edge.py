"""The HTTP edge over a real ``buckstop serve``: heads and bodies bounded in size and time, connections counted,
hosts and origins checked, bad bodies a 400, logs without query strings or addresses.

Raw sockets where an HTTP client would refuse to send the request (or would wait for it politely).
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from harness.server import ServerLog, demo_store, make_token, start_server, stop_server

pytestmark = pytest.mark.slow

EDGE = {
    "BUCKSTOP_MAX_HEADER_BYTES": "8192",
    "BUCKSTOP_HEADER_TIMEOUT": "1",
    "BUCKSTOP_BODY_TIMEOUT": "1",
    "BUCKSTOP_KEEP_ALIVE_TIMEOUT": "1",
    "BUCKSTOP_LOG_LEVEL": "info",
}
QUERY = json.dumps({"query": "{ top { name } }"}).encode()


class Edge:
    def __init__(self, url: str, log: ServerLog, admin: str, read: str) -> None:
        self.url = url
        self.log = log
        self.admin = admin
        self.read = read
        self.port = int(urlsplit(url).port or 0)

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def exchange(self, data: bytes, wait: float = 10) -> bytes:
        """What the server answers to ``data``, read until it closes the connection (or ``wait`` passes)."""
        with self.connect() as sock:
            sock.sendall(data)
            return read_all(sock, wait)


def read_all(sock: socket.socket, wait: float) -> bytes:
    sock.settimeout(wait)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return received


def status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def body(answer: bytes) -> Any:
    return json.loads(answer.partition(b"\r\n\r\n")[2])


def post(path: str, payload: bytes, host: str = "localhost", **headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(payload)}", "Connection: close"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    db: Path = tmp_path_factory.mktemp("edge") / "buckstop.db"
    admin, read = make_token(demo_store(db), "hr", "admin"), make_token(db, "reader")
    process, url = start_server(db, env=EDGE, default_store=True)
    log = ServerLog(process)
    try:
        yield Edge(url, log, admin, read)
    finally:
        stop_server(process)
        log.join()


def assert_up(url: str) -> None:
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
    assert httpx.post(f"{url}/graphql", json={"query": "{ top { name } }"}).json()["data"]["top"] is not None


# Size and time of a request's head


def test_a_head_over_the_limit_is_refused_with_431(edge: Edge) -> None:
    huge = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + b"a" * 9000 + b"\r\n\r\n"
    answer = edge.exchange(huge)
    assert status(answer) == 431
    [error] = body(answer)["errors"]
    assert error["extensions"]["code"] == "HEADERS_TOO_LARGE" and "max_header_bytes" in error["message"]
    many = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(2000))
    assert status(edge.exchange(many + b"\r\n")) == 431
    assert_up(edge.url)


def test_a_head_streamed_without_end_is_cut_off_at_the_limit_not_read_whole(edge: Edge) -> None:
    with edge.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Pad: ")
        sent = 0
        with pytest.raises(OSError):  # the server closes the connection long before 20 MB
            while sent < 20_000_000:
                sock.sendall(b"a" * 4096)
                sent += 4096
        assert sent < 8_000_000  # what the kernel buffers on both ends, not what the server kept
    assert_up(edge.url)


def test_a_head_within_the_limit_is_answered(edge: Edge) -> None:
    answer = edge.exchange(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + b"a" * 6000 + b"\r\n\r\n", 2)
    assert status(answer) == 200


def test_a_head_sent_slowly_is_cut_off_with_408(edge: Edge) -> None:
    with edge.connect() as sock:
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        for _ in range(3):  # a header line each half second: slow loris
            time.sleep(0.5)
            try:
                sock.sendall(b"X-A: b\r\n")
            except OSError:
                break
        answer = read_all(sock, 10)
    assert status(answer) == 408 and body(answer)["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"
    assert "header_timeout" in body(answer)["errors"][0]["message"]
    assert time.monotonic() - started < 5


def test_a_connection_that_sends_nothing_is_closed(edge: Edge) -> None:
    with edge.connect() as sock:
        started = time.monotonic()
        assert read_all(sock, 10) == b""
        assert time.monotonic() - started < 5


def test_an_idle_connection_is_closed_after_the_keep_alive_timeout(edge: Edge) -> None:
    with edge.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        started = time.monotonic()
        answer = read_all(sock, 10)  # the answer, then the close
        assert status(answer) == 200 and 0.5 < time.monotonic() - started < 5


# Time of a body


@pytest.mark.parametrize("path", ["/graphql", "/mcp"])
def test_a_body_sent_a_byte_at_a_time_is_cut_off_with_408(edge: Edge, path: str) -> None:
    head = post(path, QUERY, content_type="application/json", accept="application/json, text/event-stream")
    with edge.connect() as sock:
        started = time.monotonic()
        sock.sendall(head.partition(b"\r\n\r\n")[0] + b"\r\n\r\n")
        for byte in QUERY[:8]:
            time.sleep(0.3)
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
        answer = read_all(sock, 10)
    assert status(answer) == 408, answer[:300]
    assert "body_timeout" in body(answer)["errors"][0]["message"]
    assert time.monotonic() - started < 6
    assert_up(edge.url)


def test_a_body_dribbled_after_the_answer_does_not_hold_the_connection(edge: Edge) -> None:
    with edge.connect() as sock:  # /healthz answers without reading a body (405): the rest must not keep it open
        sock.sendall(b"POST /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n")
        started = time.monotonic()
        closed = False
        for _ in range(40):
            time.sleep(0.25)
            try:
                sock.sendall(b"x")
            except OSError:
                closed = True
                break
        assert closed and time.monotonic() - started < 5


def test_a_client_that_goes_away_is_one_info_line(edge: Edge) -> None:
    for path in ("/graphql", "/mcp"):
        with edge.connect() as sock:
            sock.sendall(post(path, QUERY, content_type="application/json", accept="application/json")[:-10])
            time.sleep(0.2)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        gone = [line for line in edge.log.lines if "went away" in line]
        if len(gone) >= 2:
            break
        time.sleep(0.1)
    assert [line.split(":", 1)[0] for line in gone] == ["INFO", "INFO"], gone
    lines = list(edge.log.lines)
    assert not [line for line in lines if "ERROR" in line or "Traceback" in line], lines[-40:]


# Hosts and origins


@pytest.mark.parametrize("path", ["/graphql", "/mcp", "/metrics", "/", "/static/graphiql/graphiql/graphiql.min.css"])
def test_a_foreign_host_is_refused_with_421(edge: Edge, path: str) -> None:
    response = httpx.get(f"{edge.url}{path}?query=%7Btop%7Bname%7D%7D", headers={"host": "rebound.example"})
    assert response.status_code == 421
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "MISDIRECTED_REQUEST" and "BUCKSTOP_ALLOWED_HOSTS" in error["message"]


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:1234", "127.0.0.1:8000", "[::1]", "[::1]:80"])
def test_loopback_names_are_answered_on_any_port(edge: Edge, host: str) -> None:
    response = httpx.post(f"{edge.url}/graphql", json={"query": "{ top { name } }"}, headers={"host": host})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_answer_any_host(edge: Edge, path: str) -> None:
    assert httpx.get(f"{edge.url}{path}", headers={"host": "10.1.2.3:8000"}).status_code == 200


def _mcp(edge: Edge, headers: dict[str, str]) -> httpx.Response:
    message = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    base = {"accept": "application/json, text/event-stream", "host": f"localhost:{edge.port}"}
    return httpx.post(f"{edge.url}/mcp", json=message, headers={**base, **headers})


def test_mcp_wants_the_origin_to_match_the_host(edge: Edge) -> None:
    other_port = _mcp(edge, {"origin": f"http://localhost:{edge.port + 1}"})
    assert other_port.status_code == 403 and other_port.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN_ORIGIN"
    for origin in ("http://rebound.example", "null", f"http://127.0.0.1:{edge.port}"):
        assert _mcp(edge, {"origin": origin}).status_code == 403, origin
    assert _mcp(edge, {"origin": f"http://localhost:{edge.port}"}).status_code == 200
    assert _mcp(edge, {}).status_code == 200  # a program, not a browser


def test_allowed_hosts_names_more_hosts_and_the_old_variable_still_works(tmp_path: Path) -> None:
    for variable in ("BUCKSTOP_ALLOWED_HOSTS", "BUCKSTOP_MCP_ALLOWED_HOSTS"):
        db = tmp_path / variable / "buckstop.db"
        db.parent.mkdir()
        process, url = start_server(db, env={variable: "buckstop.example.org"}, default_store=True)
        try:
            ok = httpx.post(f"{url}/graphql", json=json.loads(QUERY), headers={"host": "buckstop.example.org:443"})
            assert ok.status_code == 200
            assert httpx.get(f"{url}/graphql", headers={"host": "other.example.org"}).status_code == 421
        finally:
            stop_server(process)


# Bad bodies: 400s in the error shape


def _refused_with_400(edge: Edge, request: bytes) -> dict[str, Any]:
    answer = edge.exchange(request)
    assert status(answer) == 400, answer[:500]
    assert b"Traceback" not in answer
    [error] = body(answer)["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    return dict(error)


def test_deeply_nested_json_is_a_400(edge: Edge) -> None:
    nested = b'{"query": "{ top { name } }", "variables": {"a": ' + b"[" * 600_000 + b"]" * 600_000 + b"}}"
    edge_big = post("/graphql", nested, content_type="application/json")
    assert status(edge.exchange(edge_big)) == 413  # over max_body_bytes: refused before it is parsed
    small = b"[" * 5000 + b"]" * 5000
    assert (
        "nested too deeply"
        in _refused_with_400(edge, post("/graphql", small, content_type="application/json"))["message"]
    )


def test_a_body_that_is_not_utf8_is_a_400(edge: Edge) -> None:
    error = _refused_with_400(edge, post("/graphql", b'{"query": "\xff\xfe"}', content_type="application/json"))
    assert "UTF-8" in error["message"]


def test_json_that_does_not_parse_is_a_400_in_the_error_shape(edge: Edge) -> None:
    _refused_with_400(edge, post("/graphql", b"{nope", content_type="application/json"))


@pytest.mark.parametrize("payload", [b"null", b"1234", b'"{ top { name } }"', b"[1]"])
def test_json_that_is_not_an_object_is_a_400(edge: Edge, payload: bytes) -> None:  # found by the fuzzer
    _refused_with_400(edge, post("/graphql", payload, content_type="application/json"))


def _multipart(fields: dict[str, str | bytes]) -> tuple[bytes, str]:
    boundary = "buckstop-test-boundary"
    parts = []
    for name, value in fields.items():
        data = value.encode() if isinstance(value, str) else value
        filename = '; filename="people.csv"' if name == "0" else ""
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{filename}\r\n\r\n'.encode() + data + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


OPERATIONS = json.dumps(
    {"query": "mutation($file: Upload!) { loadPeople(file: $file, dryRun: true) { applied } }", "variables": {}}
)


@pytest.mark.parametrize(
    "files_map",
    [
        '{"0": "variables.file"}',  # a string where a list of paths goes
        '{"0": [1]}',  # a path that is not text
        '{"0": ["variables.file.deeper.still"]}',  # a path through nothing
        '["variables.file"]',  # not an object
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" * 100,
        "not json",
        '{"0": ["variables.file"]}\xff',
    ],
)
def test_a_malformed_multipart_map_is_a_400(edge: Edge, files_map: str) -> None:
    payload, content_type = _multipart({"operations": OPERATIONS, "map": files_map, "0": b"id,name\n"})
    request = post(
        "/graphql", payload, content_type=content_type, x_buckstop_upload="1", authorization=f"Bearer {edge.admin}"
    )
    _refused_with_400(edge, request)


@pytest.mark.parametrize("token", ["", "read"])
def test_an_upload_without_an_admin_token_is_refused_before_its_body_is_read(edge: Edge, token: str) -> None:
    headers = {"authorization": f"Bearer {edge.read}"} if token else {}
    with edge.connect() as sock:  # 100 MB declared, within max_upload_bytes, none of it sent
        lines = ["POST /graphql HTTP/1.1", "Host: localhost", "Content-Length: 100000000", "X-Buckstop-Upload: 1"]
        lines += ["Content-Type: multipart/form-data; boundary=b", *[f"{k}: {v}" for k, v in headers.items()]]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = read_all(sock, 3)
    assert status(answer) == 403
    [error] = body(answer)["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN" and "scope admin" in error["message"]


# Logs


def test_the_access_log_holds_no_query_string_nor_address(edge: Edge) -> None:
    query = '{ person(id: "carmen.diaz@corvid.example") { name } }'
    httpx.get(f"{edge.url}/graphql", params={"query": query, "marker": "edge-log-test"})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any("GET /graphql HTTP" in line for line in edge.log.lines):
        time.sleep(0.1)
    lines = list(edge.log.lines)
    assert any('"GET /graphql HTTP/1.1" 200' in line for line in lines), lines[-20:]
    assert not [line for line in lines if "@" in line or "marker" in line or "?" in line], lines


# Connections and workers


def test_connections_over_the_limit_are_refused_with_503(tmp_path: Path) -> None:
    process, url = start_server(tmp_path / "buckstop.db", env={"BUCKSTOP_MAX_CONNECTIONS": "4"}, default_store=True)
    port = int(urlsplit(url).port or 0)
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
    try:
        time.sleep(0.3)
        assert httpx.get(f"{url}/healthz").status_code == 503
        for sock in held:
            sock.close()
        time.sleep(0.3)
        assert httpx.get(f"{url}/healthz").status_code == 200
    finally:
        stop_server(process)


def test_several_workers_hold_the_same_edge(tmp_path: Path) -> None:
    env = {"BUCKSTOP_MAX_HEADER_BYTES": "4096"}
    process, url = start_server(tmp_path / "buckstop.db", "--workers", "2", env=env, default_store=True)
    try:
        port = int(urlsplit(url).port or 0)
        for _ in range(4):  # reach both workers
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + b"a" * 5000 + b"\r\n\r\n")
                assert status(read_all(sock, 10)) == 431
            assert httpx.get(f"{url}/graphql", headers={"host": "rebound.example"}).status_code == 421
    finally:
        stop_server(process)
