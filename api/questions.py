"""Questions answered off the event loop: a bounded pool of threads, and a time budget per request.

Vocabulary:

- A *question* is one call of a root GraphQL field (``orgHealth``, ``search``,
  ``person``…) or of an MCP tool: a plain function over the store that may take
  seconds on a large org. It runs in a thread of the *pool*
  (:class:`Questions`), never on the event loop, so ``/healthz``, ``/readyz``
  and every other request are answered meanwhile.
- A question is *pending* from when it is handed to the pool until its thread
  is done with it. At most ``max_pending_questions`` are pending in a worker
  process; one more is refused at once with :class:`Busy` (``BUSY``, a 503 with
  ``Retry-After``) rather than joining a queue that only grows.
- A request has a *budget* of ``request_seconds`` (:class:`Budget`). Its
  questions run one after another: a document of thirty aliases holds one
  thread, not the pool, and its pinned store (:mod:`graph.pinned`) sees one
  question at a time. A question still running when the budget is spent is
  *abandoned*: the caller gets :class:`TooSlow` (``TIMEOUT``) and the request's
  questions not yet started never start.
- Python cannot stop a thread: an abandoned question runs to its end, keeping
  its thread and its pending place. That is on purpose: a flood of slow
  documents abandons at most one question each, and it counts against
  ``max_pending_questions`` until it is done, so the flood meets ``BUSY``
  instead of piling work up behind the callers that left.
- A question runs in a copy of its caller's context variables (the principal
  of :mod:`api.access`), as :func:`asyncio.to_thread` does.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from buckstop.graph.errors import BuckstopError

from .settings import Settings

__all__ = ["Budget", "Busy", "Questions", "TooSlow", "off_loop"]

P = ParamSpec("P")
T = TypeVar("T")

#: The key of the pool in a GraphQL context, and of the request's budget.
QUESTIONS_KEY = "questions"
BUDGET_KEY = "budget"


class TooSlow(BuckstopError):
    """A request that spent its time budget before its questions were answered."""

    code = "TIMEOUT"

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the request took over {seconds:g} s (setting request_seconds) and was stopped; "
            "ask fewer questions over the whole org at once"
        )


class Busy(BuckstopError):
    """The pool already has as many questions pending as it may: try again in a moment."""

    code = "BUSY"
    #: Seconds a client should wait before asking again (the ``Retry-After`` of the 503).
    retry_after = 1

    def __init__(self, most: int) -> None:
        super().__init__(
            f"the server is answering {most} questions already (setting max_pending_questions); try again shortly"
        )


class Budget:
    """The time one request may spend, and its turn: its questions run one at a time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.turn = asyncio.Lock()

    def left(self) -> float:
        return self.deadline - time.monotonic()


class Questions:
    """The pool of one worker process: ``threads`` threads, at most ``most_pending`` questions pending."""

    def __init__(self, *, threads: int, most_pending: int, seconds: float) -> None:
        self.threads = threads
        self.most_pending = most_pending
        self.seconds = seconds
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="buckstop-question")
        self._lock = threading.Lock()
        self._pending = 0

    @classmethod
    def of(cls, settings: Settings) -> Questions:
        return cls(
            threads=settings.question_threads,
            most_pending=settings.max_pending_questions,
            seconds=settings.request_seconds,
        )

    @property
    def pending(self) -> int:
        return self._pending

    def budget(self) -> Budget:
        """A fresh budget of ``request_seconds``, for one request or one tool call."""
        return Budget(self.seconds)

    async def ask(self, budget: Budget, question: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``question(*args, **kwargs)`` answered in the pool within ``budget``, or Busy, or TooSlow."""
        async with budget.turn:
            left = budget.left()
            if left <= 0:
                raise TooSlow(budget.seconds)
            context = contextvars.copy_context()  # the principal goes with the question
            future = self._submit(functools.partial(context.run, question, *args, **kwargs))
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), left)
            except TimeoutError:
                future.cancel()  # stops it only if it has not started (see the module docstring)
                raise TooSlow(budget.seconds) from None

    def _submit(self, work: Callable[[], T]) -> Future[T]:
        with self._lock:
            if self._pending >= self.most_pending:
                raise Busy(self.most_pending)
            self._pending += 1
        try:
            future = self._executor.submit(work)
        except BaseException:
            self._done()
            raise
        future.add_done_callback(lambda _: self._done())  # in the thread that finished it, or on cancel
        return future

    def _done(self) -> None:
        with self._lock:
            self._pending -= 1

    def close(self) -> None:
        """Start no more questions; those running end on their own (a thread cannot be stopped)."""
        self._executor.shutdown(wait=False, cancel_futures=True)


def off_loop(resolver: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """A GraphQL resolver answered in the pool of its request, within the request's budget.

    The request's context holds the pool and the budget (``api.app`` puts them
    there); a context without them (the schema run in-process, as tests do) gets
    the question answered in a thread of :func:`asyncio.to_thread`, still off the loop.
    """

    @functools.wraps(resolver)
    async def answer(*args: P.args, **kwargs: P.kwargs) -> T:
        info: Any = kwargs.get("info")
        context = getattr(info, "context", None)
        questions = context.get(QUESTIONS_KEY) if isinstance(context, dict) else None
        if not isinstance(questions, Questions) or not isinstance(context, dict):
            return await asyncio.to_thread(resolver, *args, **kwargs)
        budget = context.get(BUDGET_KEY)
        if not isinstance(budget, Budget):
            budget = context[BUDGET_KEY] = questions.budget()
        return await questions.ask(budget, resolver, *args, **kwargs)

    return answer
