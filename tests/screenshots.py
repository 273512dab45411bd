"""The README's screenshots of the web view, taken from the current pages: ``python -m tests.screenshots``.

A real ``buckstop serve`` of the demo org (a throwaway store) and Debian's Chromium, as in
tests/api/test_web.py, every request off loopback refused. Writes ``docs/web-chart.png`` (the org
chart, the path of a sales enquiry on @CorvidHelp highlighted) and ``docs/web-route.png`` (the route
page: a refund on @CorvidHelp), each once the chart has drawn what it asks after its first paint
(departments, agencies, delegates). Run it after changing what the pages look like.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Route, expect, sync_playwright

from harness.server import demo_store, start_server, stop_server
from tests.api.test_graphiql import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, is_loopback

__all__ = ["SHOTS", "main"]

DOCS = Path(__file__).resolve().parents[1] / "docs"
#: The file under docs/, the page, and whether the whole page is taken (else the first screen).
SHOTS = (
    ("web-chart.png", "/chart?account=%40CorvidHelp&issueType=sales%20enquiry", False),
    ("web-route.png", "/route?account=%40CorvidHelp&issueType=refund", True),
)


def _guard(route: Route) -> None:
    if is_loopback(route.request.url):
        route.continue_()
    else:
        route.abort("internetdisconnected")


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        process, url = start_server(demo_store(Path(work) / "buckstop.db"))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.set_default_timeout(TIMEOUT_MS)
                context.route("**/*", _guard)
                page = context.new_page()
                for name, path, whole in SHOTS:
                    page.goto(f"{url}{path}")
                    # Drawn whole: the departments, agencies and delegates asked after the first paint are in.
                    expect(page.locator("#chart[data-around]")).to_have_attribute("data-around", re.compile(r"\d"))
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(DOCS / name), full_page=whole)
                    print(f"wrote docs/{name}")
                browser.close()
        finally:
            stop_server(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
