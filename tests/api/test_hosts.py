"""Which hosts the service answers and which origins /mcp accepts, from the settings (the rules; over HTTP in
test_edge.py)."""

from __future__ import annotations

import pytest

from buckstop.api.hosts import allowed_hosts, host_name, origin_matches
from buckstop.api.settings import Settings


def test_bound_to_loopback_only_loopback_names_are_allowed() -> None:
    assert allowed_hosts(Settings(host="127.0.0.1")) == ["localhost", "127.0.0.1", "[::1]"]


def test_the_listening_address_and_the_setting_add_hosts() -> None:
    assert allowed_hosts(Settings(host="10.0.0.5", allowed_hosts=" Buckstop.Example.org ,x.internal")) == [
        "localhost",
        "127.0.0.1",
        "[::1]",
        "10.0.0.5",
        "buckstop.example.org",
        "x.internal",
    ]
    assert "0.0.0.0" not in allowed_hosts(Settings(host="0.0.0.0"))
    assert "[fd00::1]" in allowed_hosts(Settings(host="fd00::1"))
    assert allowed_hosts(Settings(allowed_hosts="a.example, *")) == ["*"]


@pytest.mark.parametrize(
    ("header", "name"),
    [("localhost:8000", "localhost"), ("LOCALHOST", "localhost"), ("[::1]:80", "[::1]"), ("[::1]", "[::1]"), ("", "")],
)
def test_a_host_is_its_header_without_the_port(header: str, name: str) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    ("origin", "host", "matches"),
    [
        ("http://localhost:8000", "localhost:8000", True),
        ("http://LOCALHOST:8000", "localhost:8000", True),
        ("https://buckstop.example.org", "buckstop.example.org", True),
        ("https://buckstop.example.org:443", "buckstop.example.org", True),
        ("http://localhost:3000", "localhost:8000", False),  # another port is another site
        ("http://localhost", "localhost:8000", False),
        ("http://127.0.0.1:8000", "localhost:8000", False),
        ("null", "localhost:8000", False),
        ("file://", "localhost", False),
        ("http://localhost:8000/path", "localhost:8000", False),
    ],
)
def test_an_origin_must_name_the_host_and_port_of_the_request(origin: str, host: str, matches: bool) -> None:
    assert origin_matches(origin, host) is matches
