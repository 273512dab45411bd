"""Webhooks over GraphQL: ``webhooks``, ``addWebhook`` and ``removeWebhook``, admin only (docs/cases.md).

The types are made from the answer models of :mod:`api.answers_webhooks`, the shape of the CLI's
``--json``. A hook's secret is in the answer of ``addWebhook`` only, once. A URL is checked
against the server's own address (the settings' host and port): it must not post to itself.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from buckstop.graph.store import Store
from buckstop.queries import webhooks as w
from buckstop.queries.cases import utc_now

from .. import answers_webhooks
from ..questions import off_loop
from .cost import LOOKUP, Cost, priced
from .permissions import admin, principal_of

__all__ = ["Webhook", "WebhookMutation", "WebhookQuery"]


@strawberry.experimental.pydantic.type(
    model=answers_webhooks.WebhookAnswer, description="A URL that gets case events, signed (docs/cases.md)."
)
class Webhook:
    id: strawberry.ID
    url: strawberry.auto
    events: strawberry.auto
    created: strawberry.auto
    actor: strawberry.auto


@strawberry.type(description="A webhook just added, with its secret: shown this once.")
class WebhookAdded:
    webhook: Webhook
    secret: str = strawberry.field(description="whsec_…: the receiver verifies each webhook-signature with it.")


def _store(info: Info) -> Store:
    store: Store = info.context["store"]
    return store


def _own(info: Info) -> tuple[str, int] | None:
    settings = info.context.get("settings")
    return (settings.host, settings.port) if settings is not None else None


def _admin(description: str, cost: Cost = LOOKUP) -> Any:
    return strawberry.mutation(description=description, extensions=admin(), metadata=priced(cost))


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="The webhooks, oldest first.", extensions=admin(), metadata=priced(Cost(1, items=20)))
    @off_loop
    def webhooks(self, info: Info) -> list[Webhook]:
        hooks = w.book_of(_store(info)).hooks()
        return [Webhook.from_pydantic(answers_webhooks.webhook_answer(h)) for h in hooks]


@strawberry.type
class WebhookMutation:
    @_admin("POST every case event matching `events` (globs such as case.*) to `url`, signed with a new secret.")
    @off_loop
    def add_webhook(self, info: Info, url: str, events: list[str]) -> WebhookAdded:
        hook = w.add_hook(_store(info), url, events, actor=principal_of(info).name, now=utc_now(), own=_own(info))
        return WebhookAdded(webhook=Webhook.from_pydantic(answers_webhooks.webhook_answer(hook)), secret=hook.secret)

    @_admin("Remove a webhook; its deliveries not yet made are not made.")
    @off_loop
    def remove_webhook(self, info: Info, id: strawberry.ID) -> Webhook:
        return Webhook.from_pydantic(answers_webhooks.webhook_answer(w.remove_hook(_store(info), str(id))))
