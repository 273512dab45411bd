"""GraphiQL served whole by buckstop: the page and its browser files, no other host needed.

Vocabulary:

- The *assets* are GraphiQL's browser files (React, ReactDOM, GraphiQL, its explorer plugin),
  vendored byte for byte from their npm packages into ``api/static/graphiql/`` by
  ``api/static/graphiql/refresh.sh``, which lists them with versions and sha256 in ``VERSIONS.md``.
- The *page* is ``graphiql.html``, our template: it loads the assets by URLs relative to
  ``/graphql``, so it also works under a reverse proxy's path prefix.
- A *page request* is a GET that wants the page (:func:`wants_page`): a browser's, or any GET with
  no ``query`` that accepts HTML or anything (strawberry's rule); other GETs run their query.
  The page and the assets need no token (:class:`PageFirst`): they hold no data, and a browser
  cannot send a header when it opens a link; the queries the page sends are checked as any.
- An asset URL carries its *digest* (``?v=`` and the start of the file's sha256): an answer to a
  URL with the current digest may be cached for a year, because a new file gets a new URL; any
  other answer must be revalidated.

>>> asset_url("graphiql/graphiql.min.css").startswith("static/graphiql/graphiql/graphiql.min.css?v=")
True
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

from starlette.datastructures import Headers, QueryParams
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..media import prefers_html

__all__ = ["ASSETS", "PREFIX", "PageFirst", "asset_url", "assets_mount", "page", "wants_page"]

HERE = Path(__file__).parent
ASSET_DIR = HERE.parent / "static" / "graphiql"  # api/static: the web view's files will sit beside them
#: Where the assets are served, from the root of the app.
PREFIX = "/static/graphiql"
#: The files the page loads; nothing else under ASSET_DIR is served but their LICENSE files.
ASSETS = (
    "react/react.production.min.js",
    "react-dom/react-dom.production.min.js",
    "graphiql/graphiql.min.js",
    "graphiql/graphiql.min.css",
    "plugin-explorer/index.umd.js",
    "plugin-explorer/style.css",
)
LICENSES = ("react/LICENSE", "react-dom/LICENSE", "graphiql/LICENSE", "plugin-explorer/LICENSE")
IMMUTABLE = "public, max-age=31536000, immutable"
_ASSET_TAG = re.compile(r"\{\{ asset '([^']+)' \}\}")


@functools.cache
def _digests() -> dict[str, str]:
    """The digest of each asset: read once per process (about 4 MB)."""
    return {name: hashlib.sha256((ASSET_DIR / name).read_bytes()).hexdigest()[:16] for name in ASSETS}


def asset_url(name: str) -> str:
    """The URL of an asset relative to ``/graphql``, with its digest."""
    return f"{PREFIX.lstrip('/')}/{name}?v={_digests()[name]}"


@functools.cache
def _page_html() -> str:
    template = (HERE / "graphiql.html").read_text(encoding="utf-8")
    return _ASSET_TAG.sub(lambda match: asset_url(match.group(1)), template)


def page() -> Response:
    """The GraphiQL page; revalidated on every visit, so an upgrade's new asset URLs are seen at once."""
    return HTMLResponse(_page_html(), headers={"cache-control": "no-cache"})


def wants_page(method: str, query: Mapping[str, object], accept: str | None) -> bool:
    """Whether a request is a page request.

    A link to ``/graphql?query=…`` opened in a browser gets the page with the query in its editor
    (strawberry would run it and show the JSON); curl (``*/*``) and clients, which do not prefer
    HTML, get the answer.

    >>> link = {"query": "{top{name}}"}
    >>> wants_page("GET", link, "text/html,*/*;q=0.8"), wants_page("GET", link, "*/*")
    (True, False)
    """
    if method != "GET":
        return False
    if prefers_html(accept):
        return True
    # A persisted query's GET (extensions, no query) is a client's, not a browser's: it gets the answer.
    asks = query.get("query") is not None or query.get("extensions") is not None
    return not asks and any(kind in (accept or "") for kind in ("text/html", "*/*"))


class PageFirst:
    """An ASGI app that answers a page request with the page, before ``app`` (the token check) sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and wants_page(
            scope["method"], QueryParams(scope["query_string"]), Headers(scope=scope).get("accept")
        ):
            await page()(scope, receive, send)
            return
        await self.app(scope, receive, send)


class _Assets(StaticFiles):
    """The assets and their licenses, with cache headers; every other path is a 404."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path.replace(os.sep, "/") not in ASSETS + LICENSES:  # not refresh.sh, not a source map
            return PlainTextResponse("Not Found", status_code=404)
        return await super().get_response(path, scope)

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        name = self.get_path(scope).replace(os.sep, "/")
        current = QueryParams(scope["query_string"]).get("v") == _digests().get(name)
        response.headers["cache-control"] = IMMUTABLE if current else "no-cache"
        return response


def assets_mount() -> Mount:
    """The route of the assets, outside the token check: they are public code and hold no data."""
    _page_html()  # a missing asset fails here, when the app starts, not at a browser's first visit
    # Compressed: GraphiQL is 3.5 MB as it comes, about 1 MB gzipped, fetched once a year per URL.
    return Mount(PREFIX, app=GZipMiddleware(_Assets(directory=ASSET_DIR)), name="graphiql")
