"""Which media type a GraphQL answer is sent as, and what status a request error gets.

Vocabulary (from the GraphQL-over-HTTP specification):

- ``application/json`` is the traditional type: every well-formed GraphQL
  response is a 200, request errors included, with ``"data": null``.
- ``application/graphql-response+json`` is the newer type: its status says what
  happened, so a proxy or a client can tell a broken request from an answer.
- A *request error* is one raised before execution starts: the document does
  not parse or validate, the variables do not coerce, or the operation cannot be
  chosen. Its response has ``errors`` and no ``data`` entry at all (a *field
  error* during execution always has a ``path``, and keeps ``data``).

A client gets the newer type only when it names it in ``Accept`` at least as
preferred as ``application/json``; a client that asks for JSON, for ``*/*`` or
for nothing gets the JSON it always got (see docs/decisions.md).

>>> prefers_graphql_response("application/graphql-response+json, application/json;q=0.9")
True
>>> prefers_graphql_response("*/*")
False
>>> prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphql import GraphQLError

__all__ = [
    "GRAPHQL_RESPONSE",
    "GRAPHQL_RESPONSE_CONTENT_TYPE",
    "is_request_error",
    "prefers_graphql_response",
    "prefers_html",
    "status_of",
]

GRAPHQL_RESPONSE = "application/graphql-response+json"
GRAPHQL_RESPONSE_CONTENT_TYPE = f"{GRAPHQL_RESPONSE}; charset=utf-8"
JSON = "application/json"

#: An Accept header longer than this many ranges is read only that far: a client gains nothing by more.
MAX_RANGES = 64


def _ranges(accept: str) -> dict[str, float]:
    """The media ranges of an ``Accept`` header and their quality (q) values; a bad q drops the range."""
    ranges: dict[str, float] = {}
    for part in accept.split(",")[:MAX_RANGES]:
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = -1.0
        if media and 0.0 <= quality <= 1.0:
            media = media.lower()
            ranges[media] = max(quality, ranges.get(media, 0.0))
    return ranges


def _quality(ranges: Mapping[str, float], media: str) -> float:
    """The q of ``media`` under the most specific range that matches it (0 if none does)."""
    kind = media.split("/")[0]
    for candidate in (media, f"{kind}/*", "*/*"):
        if candidate in ranges:
            return ranges[candidate]
    return 0.0


def prefers_graphql_response(accept: str | None) -> bool:
    """Whether a client with this ``Accept`` header gets ``application/graphql-response+json``."""
    if not accept:
        return False
    ranges = _ranges(accept)
    wanted = ranges.get(GRAPHQL_RESPONSE, 0.0)  # named outright: a wildcard keeps today's JSON
    return wanted > 0.0 and wanted >= _quality(ranges, JSON)


def prefers_html(accept: str | None) -> bool:
    """Whether a client with this ``Accept`` header is a browser opening a page: HTML over any JSON.

    A wildcard (curl's ``*/*``) ranks HTML and JSON alike, so it is not a preference for HTML.
    """
    if not accept:
        return False
    ranges = _ranges(accept)
    html = _quality(ranges, "text/html")
    return html > 0.0 and html > max(_quality(ranges, JSON), _quality(ranges, GRAPHQL_RESPONSE))


def is_request_error(data: object, errors: Sequence[GraphQLError] | None) -> bool:
    """Whether a result failed before execution: no data, and no error belongs to a field (has a path)."""
    return data is None and bool(errors) and all(error.path is None for error in errors or ())


def status_of(response: Mapping[str, Any]) -> int:
    """The status of a ``graphql-response+json`` answer: 200 with data, 400 for a request error.

    A request error that is buckstop's fault (``INTERNAL_ERROR``, see
    :mod:`api.errors`) is a 500, not the client's 400.
    """
    if "data" in response:
        return 200
    codes = {(error.get("extensions") or {}).get("code") for error in response.get("errors") or ()}
    return 500 if "INTERNAL_ERROR" in codes else 400
