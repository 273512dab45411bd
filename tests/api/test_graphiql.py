"""GraphiQL in a real browser, with no network but loopback.

The system's Chromium, driven by Playwright, opens ``/graphql`` of a real ``buckstop serve``.
Every request to a host that is not loopback is refused and recorded, as it would fail in an
air-gapped cluster: the page must render, run a query and show the answer all the same.
Without Chromium at ``/usr/bin/chromium`` (Debian: ``apt-get install chromium``) these tests
skip, saying why -- except under ``CI=true``, where they fail. Playwright's own browser
download is never used.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect, sync_playwright

from buckstop.api.graphql.graphiql import ASSETS, PREFIX, asset_url

from harness.server import demo_store, make_token, start_server, stop_server

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and nothing of Chromium's own that would phone home (updates, sync, safe browsing).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# A cold start parses 3.5 MB of GraphiQL on a busy two-core machine.
TIMEOUT_MS = 60_000


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Visit:
    """What a page did: the requests refused for leaving loopback, errors on its console, failed answers."""

    page: Page
    refused: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    graphql_requests: list[Request] = field(default_factory=list)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server on the demo org and a read token of its store."""
    db = tmp_path_factory.mktemp("graphiql") / "buckstop.db"
    token = make_token(demo_store(db), "graphiql")
    process, url = start_server(db)
    yield url, token
    stop_server(process)


@pytest.fixture(scope="module")
def locked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server that answers nobody without a token, as one on a network does by default."""
    db = tmp_path_factory.mktemp("graphiql-locked") / "buckstop.db"
    token = make_token(demo_store(db), "graphiql")
    process, url = start_server(db, env={"BUCKSTOP_ANONYMOUS_READS": "off"})
    yield url, token
    stop_server(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the GraphiQL browser tests, but {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    seen = Visit(page)

    def guard(route: Route) -> None:
        if is_loopback(route.request.url):
            route.continue_()
        else:  # as an air-gapped cluster or a closed proxy would
            seen.refused.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", guard)
    page.on("console", lambda message: message.type == "error" and seen.console_errors.append(message.text))
    page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and seen.failed.append(response.url))
    page.on("request", lambda request: request.method == "POST" and seen.graphql_requests.append(request))
    yield seen
    context.close()


def open_graphiql(visit: Visit, url: str) -> None:
    visit.page.goto(url)  # returns once the page and what it loads are in, or were refused
    assert visit.refused == [], "the page asked hosts other than buckstop's"
    expect(visit.page.locator(".graphiql-query-editor .CodeMirror")).to_be_visible(timeout=TIMEOUT_MS)


def execute(visit: Visit) -> None:
    visit.page.locator(".graphiql-execute-button").click()


def result(visit: Visit) -> str:
    return visit.page.locator(".graphiql-response .CodeMirror-code").inner_text()


def assert_offline_and_clean(visit: Visit) -> None:
    assert visit.refused == [], "the page asked hosts other than buckstop's"
    assert visit.failed == [], "buckstop refused some of the page's requests"
    assert visit.console_errors == []


def test_a_query_in_the_url_runs_offline_and_shows_the_top(server: tuple[str, str], visit: Visit) -> None:
    url, _ = server
    open_graphiql(visit, f"{url}/graphql?query={{top{{name}}}}")
    editor = visit.page.locator(".graphiql-query-editor .CodeMirror-code")
    expect(editor).to_contain_text("{top{name}}")
    execute(visit)
    expect(visit.page.locator(".graphiql-response")).to_contain_text("Helena Marsh")
    assert '"name": "Helena Marsh"' in result(visit)
    assert_offline_and_clean(visit)


def test_without_anonymous_reads_the_page_opens_and_a_token_in_the_headers_tab_answers(
    locked_server: tuple[str, str], visit: Visit
) -> None:
    """As on a network: no answer without a token, but the page opens, and its Headers tab sends one."""
    url, token = locked_server
    open_graphiql(visit, f"{url}/graphql?query={{top{{name}}}}")
    visit.page.get_by_role("button", name="Headers").click()
    headers = visit.page.locator(".graphiql-editor-tool .graphiql-editor:visible .CodeMirror")
    expect(headers).to_be_visible()
    # Typing into CodeMirror would auto-close the braces and quotes; its own API sets the text as a paste would.
    headers.evaluate("(element, text) => element.CodeMirror.setValue(text)", f'{{"Authorization": "Bearer {token}"}}')
    execute(visit)
    expect(visit.page.locator(".graphiql-response")).to_contain_text("Helena Marsh")
    sent = [request.headers.get("authorization") for request in visit.graphql_requests]
    assert f"Bearer {token}" in sent
    assert visit.refused == []
    # Only the schema, asked for before the token was set, was refused (and so logged by the browser).
    assert set(visit.failed) == {f"{url}/graphql"}
    assert all("401" in error for error in visit.console_errors), visit.console_errors


def test_the_page_loads_only_assets_buckstop_serves(server: tuple[str, str]) -> None:
    """Without a browser: each asset the page names is served, with a year's cache for its current URL."""
    url, _ = server
    page = httpx.get(f"{url}/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-cache"
    assert re.findall(r"""(?:src|href)=["'](?:https?:)?//[^"']*""", page.text) == []
    for name in ASSETS:
        assert asset_url(name) in page.text
        current = httpx.get(f"{url}/{asset_url(name)}", headers={"accept-encoding": "gzip"})
        assert current.status_code == 200, name
        assert current.headers["content-encoding"] == "gzip", name
        assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
        stale = httpx.get(f"{url}{PREFIX}/{name}?v=0")
        assert stale.headers["cache-control"] == "no-cache"
    assert httpx.get(f"{url}{PREFIX}/graphiql/LICENSE").status_code == 200
    for other in ("refresh.sh", "VERSIONS.md", "graphiql/graphiql.min.js.map", "../app.py"):
        assert httpx.get(f"{url}{PREFIX}/{other}").status_code == 404, other


def test_a_client_that_does_not_prefer_html_still_gets_the_answer_of_a_get(server: tuple[str, str]) -> None:
    url, _ = server
    for accept in ("*/*", "application/json", "application/json, text/html;q=0.5"):
        response = httpx.get(f"{url}/graphql", params={"query": "{top{name}}"}, headers={"accept": accept})
        assert response.json() == {"data": {"top": {"name": "Helena Marsh"}}}, accept
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = httpx.get(f"{url}/graphql", params={"query": "{top{name}}"}, headers={"accept": browser_accept})
    assert page.headers["content-type"].startswith("text/html")


def test_the_page_needs_no_token_but_its_questions_do(locked_server: tuple[str, str]) -> None:
    url, _ = locked_server
    page = httpx.get(f"{url}/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    answer = httpx.get(f"{url}/graphql", params={"query": "{top{name}}"}, headers={"accept": "*/*"})
    assert answer.status_code == 401
    assert httpx.post(f"{url}/graphql", json={"query": "{top{name}}"}).status_code == 401
