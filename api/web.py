"""The web view: pages for people who would rather look than read JSON (docs/web.md).

Vocabulary:

- A *page* is one of :data:`PAGES` (``/``, ``/chart``, ``/people/{id}``, ``/accounts/{id}``, ``/route``,
  ``/audit``, ``/matrix``, ``/cases``, ``/cases/{id}``). Every page is the same *shell*
  (``static/web/page.html``): a header (with the date picker, ``?asOf=``, kept in every link), a
  ``<main>`` and one ES module, ``app.js``, which reads the URL, asks the public GraphQL API at
  ``/graphql`` over HTTP, like any client, and draws the answer. A deep link works when pasted because
  the server answers every page path with the shell. The shell and its files hold no data and need no
  token: the questions the page asks are checked as any.
- The *web files* are ours (``static/web/``: modules, a stylesheet); the *vendored* files are the chart
  library, the parts of ECharts the chart uses bundled from its npm packages, with their licences
  (``static/vendor/``, written by ``refresh.sh``, listed with sha256 in ``VERSIONS.md``). Only the files
  named here are served, nothing else in the folders.
- Every page is sent with a strict *Content-Security-Policy* (:data:`CSP`): scripts, styles and
  connections from this server only, no inline script or style, no other origin, no framing.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from starlette.datastructures import QueryParams
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

__all__ = ["CSP", "PAGES", "VENDORED", "WEB_FILES", "routes"]

STATIC = Path(__file__).parent / "static"
WEB_DIR = STATIC / "web"
VENDOR_DIR = STATIC / "vendor"

#: The paths of the pages; each is answered with the shell.
PAGES = (
    "/",
    "/chart",
    "/people/{id:path}",
    "/accounts/{id:path}",
    "/route",
    "/audit",
    "/matrix",
    "/cases",
    "/cases/{id:path}",
)
#: The pages that draw the chart, and the modules they import (preloaded, as the chart library is; the same URLs
#: as app.js imports them, so the browser uses what it preloaded).
CHARTED = {"/chart": ("api.js", "dom.js", "chart.js"), "/route": ("api.js", "dom.js", "route.js", "chart.js")}
#: Our files under /static/web: they change with buckstop, so each visit revalidates them (ETag, 304).
WEB_FILES = (
    "app.js",
    "api.js",
    "dom.js",
    "home.js",
    "person.js",
    "account.js",
    "route.js",
    "chart.js",
    "audit.js",
    "matrix.js",
    "cases.js",
    "case.js",
    "style.css",
)
#: The vendored files under /static/vendor (see VERSIONS.md there), licences included.
VENDORED = (
    "echarts/echarts-tree.esm.min.js",
    "echarts/LICENSE",
    "echarts/NOTICE",
    "echarts/LICENSE-d3",
    "echarts/LICENSE-zrender",
    "echarts/LICENSE-tslib",
)
#: The vendored module the chart imports (ECharts' tree series and renderers only, built by refresh.sh); its URL
#: carries its digest, so it may be cached for a year.
ECHARTS = "echarts/echarts-tree.esm.min.js"

#: No inline script or style, nothing from another origin; data: and blob: images for the chart's PNG export.
CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
}
IMMUTABLE = "public, max-age=31536000, immutable"


@functools.cache
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@functools.cache
def _template() -> str:
    return (WEB_DIR / "page.html").read_text(encoding="utf-8")


def _shell(request: Request) -> Response:
    # Behind a proxy that mounts buckstop under a prefix (uvicorn --root-path), every URL of the page starts with it.
    root = str(request.scope.get("root_path", "")).rstrip("/")
    echarts = f"{root}/static/vendor/{ECHARTS}?v={_digest(VENDOR_DIR / ECHARTS)}"
    # The pages that draw the chart fetch its library (390 kB) and the modules that draw it alongside the entry
    # module, not one import after another: on a first visit each import is a round trip.
    preload = ""
    if request.url.path in CHARTED:
        modules = [echarts, *(f"{root}/static/web/{name}" for name in CHARTED[request.url.path])]
        preload = "\n    ".join(f'<link rel="modulepreload" href="{url}" />' for url in modules)
    html = (
        _template()
        .replace("{{ preload }}", preload)
        .replace("{{ root }}", root)
        .replace("{{ app }}", f"{root}/static/web/app.js?v={_digest(WEB_DIR / 'app.js')}")
        .replace("{{ style }}", f"{root}/static/web/style.css?v={_digest(WEB_DIR / 'style.css')}")
        .replace("{{ echarts }}", echarts)
    )
    return HTMLResponse(html, headers=SECURITY_HEADERS)


async def page(request: Request) -> Response:
    return _shell(request)


class _Files(StaticFiles):
    """The files named in ``allowed`` (every other path is a 404), with the page's security headers."""

    def __init__(self, directory: Path, allowed: tuple[str, ...]) -> None:
        super().__init__(directory=directory)
        self.allowed = allowed

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path.replace(os.sep, "/") not in self.allowed:  # not refresh.sh, not page.html, not ../
            return PlainTextResponse("Not Found", status_code=404)
        return await super().get_response(path, scope)

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["x-content-type-options"] = "nosniff"
        if str(full_path).endswith(".js"):  # an ES module must be typed as script, whatever the system's mime table
            response.headers["content-type"] = "text/javascript; charset=utf-8"
        current = QueryParams(scope["query_string"]).get("v") == _digest(Path(full_path))
        response.headers["cache-control"] = IMMUTABLE if current else "no-cache"
        return response


def routes() -> list[BaseRoute]:
    """The pages and their files, outside the token check: they hold no data."""
    for name in WEB_FILES:  # a missing file fails here, when the app starts, not at a browser's first visit
        _digest(WEB_DIR / name)
    _digest(VENDOR_DIR / ECHARTS)
    _template()
    pages: list[BaseRoute] = [Route(path, page, methods=["GET"]) for path in PAGES]
    return [
        *pages,
        Mount("/static/web", app=GZipMiddleware(_Files(WEB_DIR, WEB_FILES)), name="web"),
        Mount("/static/vendor", app=GZipMiddleware(_Files(VENDOR_DIR, VENDORED)), name="vendor"),
    ]
