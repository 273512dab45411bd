"""Delivering the outbox: each claimed attempt POSTed as a signed CloudEvent (docs/cases.md, "Webhooks").

Vocabulary (the outbox is :mod:`graph.webhooks`):

- The *body* of a delivery is one CloudEvents 1.0 event in JSON (structured mode, content type
  ``application/cloudevents+json``): ``id`` the event's (``<case>-<seq>``, the same for every
  hook), ``source`` :data:`SOURCE`, ``type`` :data:`TYPE_PREFIX` and the event type
  (``org.buckstop.case.escalated``), ``time`` the event's, ``subject`` the case's number, and
  ``data``: ``{"case": …, "event": …}`` in the one JSON shape of :mod:`api.answers_cases`, the
  case as it stood just after the event, the customer's words included (a hook is an admin's).
- It is *signed* as Standard Webhooks specify: ``webhook-id`` (the delivery's message id, the
  same on every attempt), ``webhook-timestamp`` (the attempt's, in seconds) and
  ``webhook-signature``: ``v1,`` and the base64 HMAC-SHA256 of ``id.timestamp.body`` keyed with
  the decoded secret.
- A *round* claims up to ``batch`` due deliveries (at most one per case and hook, so posting them
  at once keeps each case in order) in one transaction, posts them concurrently along the
  :class:`Lanes` (each lane one client of one kept-alive connection, taking the round's next post
  when it is free), and writes their outcomes in one transaction;
  :func:`deliver` runs rounds until nothing is due. A 2xx answer delivers; anything else (another
  status, a refused connection, a timeout) is tried again on the schedule of
  :func:`queries.webhooks.next_try`.
- :func:`delivering` is the worker inside ``buckstop serve``; ``buckstop webhook deliver`` is one
  :func:`deliver` for cron. Several at once are safe: each attempt is claimed by one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import httpx
from cloudevents.core.bindings.http import to_structured_event
from cloudevents.core.v1.event import CloudEvent
from standardwebhooks import Webhook

from buckstop.graph.cases import decode_case, decode_event
from buckstop.graph.store import Store
from buckstop.graph.webhooks import Claim, Delivery, DeliveryState
from buckstop.queries.cases import utc_now
from buckstop.queries.webhooks import book_of, next_try

from .access import LOCAL, current
from .answers import dump
from .answers_cases import case_answer

__all__ = [
    "LANES",
    "SOURCE",
    "TYPE_PREFIX",
    "USER_AGENT",
    "Lanes",
    "Sent",
    "deliver",
    "delivering",
    "render",
    "sign",
]

log = logging.getLogger("buckstop")

#: The reverse-DNS prefix of the CloudEvents types: ``org.buckstop.case.escalated`` (docs/decisions.md).
TYPE_PREFIX = "org.buckstop."
#: The CloudEvents ``source`` of every case event.
SOURCE = "urn:buckstop:cases"
USER_AGENT = "buckstop-webhooks"
#: How many posts are in flight at once: the lanes of :class:`Lanes`.
LANES = 8


class Lanes:
    """Where deliveries are posted from: ``lanes`` httpx clients of one kept-alive connection each.

    Not one client of ``lanes`` connections: httpcore's pool looks over every connection and every
    waiting request each time it hands one out, so its cost grows with the square of the posts in flight
    (docs/performance.md, "Webhooks"). Use as ``async with Lanes(timeout) as lanes``.
    """

    def __init__(self, timeout: float, lanes: int = LANES) -> None:
        one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        self.clients = tuple(
            httpx.AsyncClient(timeout=timeout, follow_redirects=False, limits=one) for _ in range(max(lanes, 1))
        )

    async def __aenter__(self) -> Lanes:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(c.aclose() for c in self.clients))

    async def post_all(self, posts: Sequence[tuple[Claim, tuple[bytes, str] | str]]) -> list[tuple[int | None, str]]:
        """Post each claim's body; the outcomes in the order given. Each lane takes the next post when free."""
        results: list[tuple[int | None, str]] = [(None, "not posted")] * len(posts)
        waiting = iter(range(len(posts)))  # shared by the lanes: one event loop, so no lock

        async def lane(client: httpx.AsyncClient) -> None:
            for i in waiting:
                results[i] = await _post(client, *posts[i])

        await asyncio.gather(*(lane(c) for c in self.clients))
        return results


@dataclass(frozen=True, slots=True)
class Sent:
    """What one :func:`deliver` did: the outcomes written, delivered and not."""

    outcomes: tuple[Delivery, ...]

    @property
    def delivered(self) -> int:
        return sum(d.state is DeliveryState.DELIVERED for d in self.outcomes)

    @property
    def failed(self) -> int:
        return sum(d.state is DeliveryState.FAILED for d in self.outcomes)

    @property
    def retrying(self) -> int:
        return sum(d.state is DeliveryState.PENDING for d in self.outcomes)


def render(delivery: Delivery, store: Store, *, now: datetime) -> tuple[bytes, str]:
    """The CloudEvent of a delivery: its body and content type."""
    snapshot = json.loads(delivery.snapshot)
    events = [decode_event(e) for e in snapshot["events"]]
    case = decode_case(delivery.case_id, snapshot["case"], events)
    principal = current.set(LOCAL)  # the hook is an admin's: the customer's words go with the case
    try:
        answer = case_answer(case, store, now=now)
    finally:
        current.reset(principal)
    event = CloudEvent(
        attributes={
            "id": f"{delivery.case_id}-{delivery.seq}",
            "source": SOURCE,
            "type": TYPE_PREFIX + delivery.type,
            "time": events[delivery.seq].at,
            "subject": str(delivery.case_id),
            "datacontenttype": "application/json",
        },
        data={"case": dump(answer), "event": dump(answer.events[delivery.seq])},
    )
    message = to_structured_event(event)
    return message.body, message.headers["content-type"]


def sign(secret: str, message_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of ``body`` sent at ``at``."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body.decode("utf-8")),
    }


async def deliver(
    store: Store,
    *,
    lanes: Lanes,
    now: datetime | None = None,
    batch: int = 100,
    lease: timedelta = timedelta(minutes=1),
    rng: random.Random | None = None,
) -> Sent:
    """Post every due delivery of ``store`` (due at ``now``, default the clock) along ``lanes``, round after round."""
    book = book_of(store)
    at = now or utc_now()
    outcomes: list[Delivery] = []
    while True:
        claims = await asyncio.to_thread(book.claim, at, at + lease, limit=batch)
        if not claims:
            return Sent(tuple(outcomes))
        bodies = await asyncio.to_thread(_render_all, claims, store, at)
        pairs = list(zip(claims, bodies, strict=True))
        results = await lanes.post_all(pairs)
        done = [_outcome(c.delivery, at, *result, rng) for (c, _), result in zip(pairs, results, strict=True)]
        await asyncio.to_thread(book.record, done)
        outcomes.extend(done)


def _render_all(claims: Sequence[Claim], store: Store, at: datetime) -> list[tuple[bytes, str] | str]:
    rendered: list[tuple[bytes, str] | str] = []
    for claim in claims:
        try:
            rendered.append(render(claim.delivery, store, now=at))
        except Exception as err:  # a delivery that cannot be rendered is retried, and says why, in its log
            rendered.append(f"cannot render the event: {err}")
    return rendered


async def _post(client: httpx.AsyncClient, claim: Claim, body: tuple[bytes, str] | str) -> tuple[int | None, str]:
    if isinstance(body, str):
        return None, body
    content, content_type = body
    headers = {
        "content-type": content_type,
        "user-agent": USER_AGENT,
        **sign(claim.secret, claim.delivery.id, datetime.now(UTC), content),
    }
    try:
        response = await client.post(claim.url, content=content, headers=headers)
    except httpx.HTTPError as err:
        return None, f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
    return response.status_code, ""


def _outcome(delivery: Delivery, at: datetime, status: int | None, error: str, rng: random.Random | None) -> Delivery:
    if status is not None and 200 <= status < 300:
        return replace(delivery, state=DeliveryState.DELIVERED, next_try=None, last_try=at, status=status, error="")
    again = next_try(delivery.attempt, delivery.enqueued, at, rng)
    state = DeliveryState.PENDING if again is not None else DeliveryState.FAILED
    return replace(delivery, state=state, next_try=again, last_try=at, status=status, error=error)


async def delivering(store: Store, every: float, timeout: float) -> None:
    """Deliver ``store``'s outbox every ``every`` seconds until cancelled (inside ``buckstop serve``).

    Nothing for a store that keeps no webhooks, nor for a store file opened read-only. A round that
    fails (the store unavailable a moment) is logged and tried again at the next tick.
    """
    if getattr(store, "webhooks", None) is None or getattr(store, "read_only", None):
        return
    async with Lanes(timeout) as lanes:
        while True:
            try:
                sent = await deliver(store, lanes=lanes, lease=timedelta(seconds=timeout + 30))
                if sent.outcomes:
                    log.info(
                        "webhooks: %s delivered, %s to try again, %s failed", sent.delivered, sent.retrying, sent.failed
                    )
            except Exception as err:
                log.warning("delivering webhooks failed, trying again in %ss: %s", every, err)
            await asyncio.sleep(every)
