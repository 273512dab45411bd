"""Webhooks: adding and removing hooks, checked at the door, and when to try a delivery again.

Vocabulary (the records are in :mod:`graph.webhooks`):

- A hook's *URL* must be ``http`` or ``https`` with a host, and must not be the server itself
  (its *own* address: the host and port ``buckstop serve`` listens on; a loopback or wildcard
  host stands for every loopback name), which would post to itself for ever.
- Each *pattern* must match at least one event type (:data:`graph.webhooks.EVENT_TYPES`), so a
  misspelt one is said at once, with the nearest types.
- The *retry schedule* (:func:`next_try`): exponential backoff from :data:`FIRST_RETRY`, doubling
  up to :data:`LONGEST_WAIT`, with jitter (each wait between half and all of its step, so that
  deliveries failed together do not come back together), for :data:`RETRY_FOR` after the event;
  after that the delivery has failed.
"""

from __future__ import annotations

import difflib
import ipaddress
import random
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from buckstop.graph.errors import BuckstopError
from buckstop.graph.store import Store
from buckstop.graph.webhooks import EVENT_TYPES, Delivery, Hook, UnknownWebhook, WebhookBook, matches, new_secret

__all__ = [
    "FIRST_RETRY",
    "LONGEST_WAIT",
    "RETRY_FOR",
    "BadWebhookUrl",
    "UnknownEventPattern",
    "add_hook",
    "book_of",
    "check_url",
    "deliveries",
    "next_try",
    "remove_hook",
]

FIRST_RETRY = timedelta(seconds=2)
LONGEST_WAIT = timedelta(hours=1)
RETRY_FOR = timedelta(days=1)

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class BadWebhookUrl(BuckstopError):
    code = "BAD_WEBHOOK_URL"

    def __init__(self, url: str, why: str) -> None:
        super().__init__(f"cannot post webhooks to {url!r}: {why}")


class UnknownEventPattern(BuckstopError):
    code = "UNKNOWN_EVENT_PATTERN"

    def __init__(self, pattern: str) -> None:
        near = difflib.get_close_matches(pattern, EVENT_TYPES, n=2, cutoff=0.6)
        hint = "did you mean " + " or ".join(repr(n) for n in near) + "?" if near else "try 'case.*'"
        super().__init__(
            f"the event pattern {pattern!r} matches no event type; {hint} (the types: {', '.join(EVENT_TYPES)})"
        )


def book_of(store: Store) -> WebhookBook:
    """The hooks and outbox of ``store``; a clear error for a store that keeps none."""
    book: WebhookBook | None = getattr(store, "webhooks", None)
    if book is None:
        raise BuckstopError(f"the {store.name} store keeps no webhooks")
    return book


def add_hook(
    store: Store, url: str, events: list[str], *, actor: str, now: datetime, own: tuple[str, int] | None = None
) -> Hook:
    """Keep a hook for ``url`` wanting ``events`` (globs); its secret is in the answer, and never again.

    BadWebhookUrl for a URL that is not http(s) or is the server's ``own`` (host, port);
    UnknownEventPattern for a pattern that matches no event type. Nothing is kept on either.
    """
    url = url.strip()
    check_url(url, own)
    patterns = tuple(dict.fromkeys(p.strip() for p in events if p.strip()))
    if not patterns:
        raise UnknownEventPattern(", ".join(events))
    for pattern in patterns:
        if not any(matches([pattern], t) for t in EVENT_TYPES):
            raise UnknownEventPattern(pattern)
    return book_of(store).add(Hook(0, url, patterns, new_secret(), now, actor))


def check_url(url: str, own: tuple[str, int] | None) -> None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise BadWebhookUrl(url, f"it does not parse ({err})") from err
    if parts.scheme not in ("http", "https"):
        raise BadWebhookUrl(url, "only http:// and https:// URLs are posted to")
    if not parts.hostname:
        raise BadWebhookUrl(url, "it names no host")
    if own is not None:
        port = port or (443 if parts.scheme == "https" else 80)
        if port == own[1] and _same_host(parts.hostname, own[0]):
            raise BadWebhookUrl(url, f"it is this server itself ({own[0]}:{own[1]}); name the receiving tool")


def _same_host(host: str, own: str) -> bool:
    host, own = host.strip("[]").lower(), own.strip("[]").lower()
    if host == own:
        return True
    # A server listening on a loopback or wildcard address is reached by every loopback name.
    return _loopback(host) and (_loopback(own) or own in ("0.0.0.0", "::", ""))


def _loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def remove_hook(store: Store, hook_id: int | str) -> Hook:
    """Remove a hook; its pending deliveries fail. UnknownWebhook if there is none."""
    text = str(hook_id).strip()
    if not text.isdigit():
        raise UnknownWebhook(hook_id)
    return book_of(store).remove(int(text))


def deliveries(store: Store, hook_id: int | str | None = None, *, first: int = 100) -> list[Delivery]:
    """The outbox, newest first: of one hook (UnknownWebhook if there is none), or of all."""
    book = book_of(store)
    if hook_id is None:
        return book.deliveries(first=first)
    text = str(hook_id).strip()
    if not text.isdigit() or int(text) not in {h.id for h in book.hooks()}:
        # A removed hook's deliveries are still listed: look them up before refusing.
        found = book.deliveries(int(text), first=first) if text.isdigit() else []
        if not found:
            raise UnknownWebhook(hook_id)
        return found
    return book.deliveries(int(text), first=first)


def next_try(attempt: int, enqueued: datetime, now: datetime, rng: random.Random | None = None) -> datetime | None:
    """When to try a delivery again after its ``attempt``-th attempt failed at ``now``; None: it has failed.

    >>> from datetime import UTC
    >>> t0 = datetime(2026, 1, 1, tzinfo=UTC)
    >>> wait = next_try(1, t0, t0) - t0
    >>> timedelta(seconds=1) <= wait <= timedelta(seconds=2)
    True
    >>> next_try(30, t0, t0 + RETRY_FOR) is None
    True
    """
    give_up = enqueued + RETRY_FOR
    if now >= give_up:
        return None
    step = min(LONGEST_WAIT, FIRST_RETRY * 2 ** min(attempt - 1, 20))
    wait: timedelta = step * (rng or random).uniform(0.5, 1.0)
    then: datetime = min(now + wait, give_up)  # a last try when the day is up
    return then  # a last try when the day is up
