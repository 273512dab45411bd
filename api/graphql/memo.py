"""A question asked twice in one request is answered once.

Vocabulary:

- A *question* is a root field of a query (``orgHealth``, ``person``…) with
  its arguments. Thirty aliases of ``orgHealth(severity: ERROR)`` are one
  question; ``orgHealth(severity: WARNING)`` is another.
- The *memo* of a request maps each question to its answer (or to the error it
  raised) and lives in the request's context under :data:`MEMO`, so it is per
  request, per caller (the caller's view is the request's), and per attempt:
  :class:`~api.graphql.schema` starts a new memo when it asks a request again on a newer
  version of the org.

:mod:`api.graphql.cost` prices a repeated question once, because of this.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import GraphQLError
from strawberry.extensions.field_extension import FieldExtension
from strawberry.types import Info

__all__ = ["MEMO", "AnsweredOnce"]

#: The key of the memo in a request's context.
MEMO = "buckstop.answers"


class _Raised:
    """A question that failed: each alias of it gets the error again."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def again(self) -> Exception:
        # graphql-core puts the path of the first alias on a GraphQLError it is given; each alias needs its own.
        if isinstance(self.error, GraphQLError):
            error = self.error
            return GraphQLError(error.message, original_error=error.original_error, extensions=error.extensions)
        return self.error


def _memo(info: Info) -> dict[Any, Any] | None:
    context = info.context
    if not isinstance(context, dict):
        return None
    memo: dict[Any, Any] = context.setdefault(MEMO, {})
    return memo


def _question(info: Info, arguments: dict[str, Any]) -> Any:
    key: tuple[str, Any] = (info.field_name, tuple(sorted(arguments.items())))
    try:
        hash(key)
    except TypeError:  # an argument that is a list or an input object
        key = (info.field_name, repr(sorted(arguments.items())))
    return key


class AnsweredOnce(FieldExtension):
    """Answers a root question from the request's memo after the first time it is asked."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        memo = _memo(info)
        if memo is None:
            return next_(source, info, **kwargs)
        key = _question(info, kwargs)
        if key in memo:
            found = memo[key]
            if isinstance(found, _Raised):
                raise found.again()
            return found
        try:
            answer = next_(source, info, **kwargs)
        except Exception as error:
            memo[key] = _Raised(error)
            raise
        memo[key] = answer
        return answer

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any) -> Any:
        memo = _memo(info)
        if memo is None:
            return await next_(source, info, **kwargs)
        key = _question(info, kwargs)
        if key not in memo:
            # One task for every alias: graphql-core resolves a query's fields concurrently.
            memo[key] = asyncio.ensure_future(next_(source, info, **kwargs))
        task: asyncio.Future[Any] = memo[key]
        try:
            return await task
        except GraphQLError as error:
            raise _Raised(error).again() from None
