"""``viewer``: who is asking and what they may do, over HTTP to a real server, for each kind of caller.

The web view shows a case's actions only to a token whose ``viewer.scopes`` holds ``cases``
(tests/api/test_web.py); here the answer itself, and that the response cache (on by default) never
gives one caller's answer to another of the same scope.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from buckstop.api.access import ANONYMOUS, LOCAL, Principal
from buckstop.api.graphql.viewer import scopes_of
from buckstop.graph.tokens import Scope

from harness.server import Server, demo_store, make_token, start_server, stop_server

pytestmark = pytest.mark.slow  # a real server

VIEWER = "{ viewer { name scopes } top { name } }"  # with a pure question, which alone would be kept


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Server, str | None]]]:
    db = tmp_path_factory.mktemp("viewer") / "buckstop.db"
    store = demo_store(db)
    secrets: dict[str, str | None] = {"anonymous": None}
    for name, scope in (("grafana", "read"), ("dashboards", "read"), ("support-desk", "cases"), ("ops", "admin")):
        secrets[name] = make_token(store, name, scope)
    process, url = start_server(db)
    servers = {name: (Server(url, db, secret), secret) for name, secret in secrets.items()}
    yield servers
    for server, _ in servers.values():
        server.client.close()
    stop_server(process)


def test_scopes_of_lists_every_power_a_principal_holds() -> None:
    assert scopes_of(ANONYMOUS) == []
    assert scopes_of(Principal("grafana", Scope.READ)) == ["read"]
    assert scopes_of(Principal("desk", Scope.CASES)) == ["read", "cases"]
    assert scopes_of(LOCAL) == ["read", "cases", "admin"]


def test_viewer_names_the_caller_and_its_scopes_and_never_the_token(
    servers: dict[str, tuple[Server, str | None]],
) -> None:
    expected = {
        "anonymous": [],
        "grafana": ["read"],
        "dashboards": ["read"],
        "support-desk": ["read", "cases"],
        "ops": ["read", "cases", "admin"],
    }
    for _ in range(2):  # asked again: a kept answer would be the first caller's of that view
        for name, (server, secret) in servers.items():
            body = server.query(VIEWER)
            assert body["data"]["viewer"] == {"name": name, "scopes": expected[name]}, name
            assert body["data"]["top"] == {"name": "Helena Marsh"}
            if secret is not None:
                assert secret not in str(body) and secret[4:] not in str(body)
