"""Which hosts and origins /mcp answers (DNS-rebinding protection), from the settings."""

from __future__ import annotations

from buckstop.api.mcp.http import transport_security
from buckstop.api.settings import Settings


def test_localhost_and_the_listening_address_are_allowed() -> None:
    security = transport_security(Settings(host="10.0.0.5"))
    assert security.enable_dns_rebinding_protection is True
    for host in ("127.0.0.1:*", "localhost:*", "[::1]:*", "10.0.0.5", "10.0.0.5:*"):
        assert host in security.allowed_hosts
    assert "http://10.0.0.5:*" in security.allowed_origins
    assert "https://localhost" in security.allowed_origins


def test_listening_on_every_address_allows_only_named_hosts() -> None:
    security = transport_security(Settings(host="0.0.0.0", mcp_allowed_hosts="buckstop.internal, mcp.example.org"))
    assert "0.0.0.0:*" not in security.allowed_hosts
    assert {"buckstop.internal", "buckstop.internal:*", "mcp.example.org:*"} <= set(security.allowed_hosts)


def test_an_ipv6_address_is_bracketed_as_in_a_host_header() -> None:
    assert "[fd00::1]:*" in transport_security(Settings(host="fd00::1")).allowed_hosts


def test_a_star_turns_the_check_off() -> None:
    assert transport_security(Settings(mcp_allowed_hosts="*")).enable_dns_rebinding_protection is False
