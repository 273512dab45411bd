"""A webhook and a delivery as JSON: one shape for ``--json`` and GraphQL (docs/cases.md, "Webhooks").

Vocabulary (the records are in :mod:`graph.webhooks`): times are ISO 8601 in UTC; a hook's
secret is never in its answer, only in the answer of the command or mutation that adds it.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from buckstop.graph.webhooks import Delivery, Hook

from .answers import Shape

__all__ = ["DeliveryAnswer", "WebhookAnswer", "delivery_answer", "webhook_answer"]


class WebhookAnswer(Shape):
    id: str = Field(description="The webhook's number, as text (a GraphQL ID).")
    url: str
    events: list[str] = Field(description="The event types it wants, as globs: case.*, case.escalated.")
    created: str
    actor: str = Field(description="Who added it.")


class DeliveryAnswer(Shape):
    id: str = Field(description="The message id (the webhook-id header): the same on every attempt.")
    webhook: str = Field(description="The webhook's number.")
    case: str = Field(description="The case's number.")
    event: str = Field(description="The event type, e.g. case.escalated.")
    seq: int = Field(description="The event's place in the case's history, 0 first.")
    state: str = Field(description="PENDING, DELIVERED or FAILED.")
    attempts: int
    status: int | None = Field(description="The HTTP status of the last attempt; null if it got no answer.")
    error: str | None = Field(description="Why the last attempt got no answer (refused, timed out…).")
    last_try: str | None
    next_try: str | None = Field(description="When it is tried again; null once delivered or failed.")


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def webhook_answer(hook: Hook) -> WebhookAnswer:
    return WebhookAnswer(
        id=str(hook.id), url=hook.url, events=list(hook.events), created=hook.created.isoformat(), actor=hook.actor
    )


def delivery_answer(delivery: Delivery) -> DeliveryAnswer:
    return DeliveryAnswer(
        id=delivery.id,
        webhook=str(delivery.hook_id),
        case=str(delivery.case_id),
        event=delivery.type,
        seq=delivery.seq,
        state=delivery.state.name,
        attempts=delivery.attempt,
        status=delivery.status,
        error=delivery.error or None,
        last_try=_iso(delivery.last_try),
        next_try=_iso(delivery.next_try),
    )
