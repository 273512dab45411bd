"""One error shape for GraphQL: a message, and ``extensions.code`` (plus suggestions).

Errors buckstop raises on purpose (:class:`~graph.errors.BuckstopError`) reach
the client with their message, code and suggestions; while the store is
unavailable, or the pool of questions is full (``BUSY``, :mod:`api.questions`), the
response is a 503 with ``Retry-After``. Anything else is a bug:
it is logged with a request id and the client gets ``INTERNAL_ERROR`` and that
id, never a stack trace.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from starlette.responses import JSONResponse
from strawberry.extensions import SchemaExtension

from buckstop.graph.errors import BuckstopError, BundleRefused, NotFound, StoreUnavailable

from .questions import Busy

__all__ = ["ErrorShape", "error_response", "extensions_for"]

log = logging.getLogger("buckstop.api")

#: At most this many problems of a refusal go into a GraphQL error (``problemCount`` has them all).
PROBLEMS_SHOWN = 1000


def error_response(message: str, code: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    """A refusal made before GraphQL runs (no token, a body too large), in the shape of a GraphQL error."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers)


def extensions_for(error: BuckstopError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": error.code}
    if isinstance(error, NotFound):
        extensions["asked"] = error.asked
        extensions["suggestions"] = list(error.suggestions)
    if isinstance(error, BundleRefused):
        # A refused file of a million bad rows must not become a response of a million lines.
        extensions["problems"] = [str(p) for p in error.problems[:PROBLEMS_SHOWN]]
        extensions["problemCount"] = len(error.problems)
    return extensions


class ErrorShape(SchemaExtension):
    """Gives every error of a result buckstop's shape, masking the unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [self._shape(error) for error in errors]
            if any(isinstance(e.original_error, StoreUnavailable) for e in errors):
                self._unavailable(5)
            elif busy := [e.original_error for e in errors if isinstance(e.original_error, Busy)]:
                self._unavailable(busy[0].retry_after)

    def _unavailable(self, retry_after: int) -> None:
        """The store is down or the pool full: say 503 so load balancers and clients retry, as /readyz does."""
        context = self.execution_context.context
        response = context.get("response") if isinstance(context, dict) else None
        if response is not None and hasattr(response, "headers"):
            response.status_code = 503
            response.headers["Retry-After"] = str(retry_after)

    def _shape(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        # Syntax, validation and variable errors: the client's own doing. They carry no path; graphql-core
        # keeps the cause of a variable that does not coerce as a GraphQLError of its own.
        if original is None or (isinstance(original, GraphQLError) and error.path is None):
            return _with(error, error.message, {"code": "GRAPHQL_VALIDATION_FAILED", **(error.extensions or {})})
        if isinstance(original, BuckstopError):
            message = str(original).splitlines()[0] if isinstance(original, BundleRefused) else str(original)
            return _with(error, message, extensions_for(original))
        request_id = uuid.uuid4().hex[:12]
        log.error("internal error (request %s)", request_id, exc_info=original)
        message = f"internal error; quote request id {request_id} to the operator"
        return _with(error, message, {"code": "INTERNAL_ERROR", "requestId": request_id})


def _with(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )
