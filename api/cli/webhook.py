"""``buckstop webhook add|list|remove|deliveries|deliver``: tell other tools what happens to cases.

``add`` prints the hook's secret once (``whsec_…``): the receiver verifies each delivery's
signature with it (docs/cases.md, "Webhooks"). ``deliver`` posts what is due, for cron;
``buckstop serve`` does it too, every ``--webhook-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from buckstop.graph.store import Store
from buckstop.graph.webhooks import EVENT_TYPES
from buckstop.queries import webhooks as w
from buckstop.queries.cases import utc_now

from ..answers import dump
from ..answers_webhooks import delivery_answer, webhook_answer
from ..stores import open_store
from ..webhooks import Lanes, deliver
from ._args import positive
from ._common import add_store_arguments, cli_actor, settings_of
from .output import emit_json, say, table

NAME = "webhook"
HELP = "post case events to other tools: add, list, remove webhooks; their deliveries; deliver what is due"
EXAMPLE = """\
examples:
  buckstop webhook add https://tickets.example.com/hooks/buckstop --events 'case.*'
  buckstop webhook list
  buckstop webhook deliveries 1
  buckstop webhook deliver      # from cron, if `buckstop serve` does not run
  buckstop webhook remove 1
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    adding = actions.add_parser("add", help="add a webhook and print its secret, once")
    adding.add_argument("url", help="where to POST each event: an http:// or https:// URL")
    adding.add_argument(
        "--events",
        action="append",
        help="event types wanted, as globs, comma-separated or repeated (default 'case.*'): " + ", ".join(EVENT_TYPES),
    )
    add_store_arguments(adding)
    add_store_arguments(actions.add_parser("list", help="the webhooks: id, URL, events"))
    remove = actions.add_parser("remove", help="remove a webhook; its pending deliveries fail")
    remove.add_argument("id", help="the webhook's number")
    add_store_arguments(remove)
    log = actions.add_parser("deliveries", help="the delivery log: each event, its attempts, status, next try")
    log.add_argument("id", nargs="?", help="only this webhook's")
    log.add_argument("--limit", type=positive, default=50, help="at most this many, newest first (default 50)")
    add_store_arguments(log)
    add_store_arguments(actions.add_parser("deliver", help="post every delivery that is due now, then stop"))


def run(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    store = open_store(settings)
    try:
        if args.action == "add":
            events = [p for given in args.events or ["case.*"] for p in given.split(",")]
            hook = w.add_hook(
                store, args.url, events, actor=cli_actor(), now=utc_now(), own=(settings.host, settings.port)
            )
            if args.json:
                emit_json({**dump(webhook_answer(hook)), "secret": hook.secret})
            else:
                print(hook.secret)
                say(
                    f"webhook {hook.id} → {hook.url} ({', '.join(hook.events)}): the secret is shown once; the "
                    "receiver verifies each delivery's webhook-signature with it",
                    stream=sys.stderr,
                )
        elif args.action == "remove":
            hook = w.remove_hook(store, args.id)
            if args.json:
                emit_json(dump(webhook_answer(hook)))
            else:
                say(f"removed webhook {hook.id} ({hook.url}); its pending deliveries will not be sent")
        elif args.action == "list":
            hooks = [webhook_answer(h) for h in w.book_of(store).hooks()]
            if args.json:
                emit_json([dump(h) for h in hooks])
            elif hooks:
                print(table([[h.id, h.url, ", ".join(h.events), h.created, h.actor] for h in hooks], _HOOKS))
            else:
                say("no webhooks yet: buckstop webhook add URL --events 'case.*'")
        elif args.action == "deliveries":
            found = [delivery_answer(d) for d in w.deliveries(store, args.id, first=args.limit)]
            if args.json:
                emit_json([dump(d) for d in found])
            elif found:
                rows = [
                    [
                        d.id,
                        d.webhook,
                        d.case,
                        d.event,
                        d.state.lower(),
                        str(d.attempts),
                        _outcome(d.status, d.error),
                        d.last_try or "",
                        d.next_try or "",
                    ]
                    for d in found
                ]
                print(table(rows, _DELIVERIES))
            else:
                say("no deliveries yet")
        else:
            return _deliver(store, settings.webhook_timeout, args.json)
        return 0
    finally:
        store.close()


_HOOKS = ["id", "url", "events", "created", "by"]
_DELIVERIES = ["webhook-id", "webhook", "case", "event", "state", "attempts", "last answer", "last try", "next try"]


def _outcome(status: int | None, error: str | None) -> str:
    return str(status) if status is not None else (error or "")


def _deliver(store: Store, timeout: float, as_json: bool) -> int:
    async def run() -> tuple[int, int, int]:
        async with Lanes(timeout) as lanes:
            sent = await deliver(store, lanes=lanes)
        return sent.delivered, sent.retrying, sent.failed

    delivered, retrying, failed = asyncio.run(run())
    if as_json:
        emit_json({"delivered": delivered, "retrying": retrying, "failed": failed})
    else:
        say(f"delivered {delivered}, to try again {retrying}, failed {failed}")
    return 0
