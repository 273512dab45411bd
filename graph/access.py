"""What a store keeps besides the org: API tokens and the log of changes.

Vocabulary:

- A *token* is a secret a client sends as ``Authorization: Bearer …``. The
  store keeps only its *digest* (SHA-256 of the secret, hex), its *name* (who
  it was given to, unique) and its *scope*: ``read`` asks questions and sees the
  directory, ``admin`` also loads, changes and manages tokens. The secret itself
  is shown once, when the token is made, and never stored.
- A *change* is one applied change set: the org version it made, when, who
  (the token name, or ``cli:<user>`` for a command run on the server), what
  (a one-line summary) and how many records it carried.

The secrets are 256 random bits, so one fast hash is enough: a slow password
hash protects guessable secrets, and these are not guessable.
"""

from __future__ import annotations

import difflib
import enum
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import UnknownToken

__all__ = ["PREFIX", "Change", "Scope", "Token", "digest", "new_secret", "now", "unknown_token"]

#: Every secret starts with this, so a leaked one is easy to recognise (and to grep for).
PREFIX = "bst_"


class Scope(enum.StrEnum):
    """What a token may do. ``admin`` includes everything ``read`` may."""

    READ = "read"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Token:
    name: str
    scope: Scope
    digest: str
    created: datetime
    revoked: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None


@dataclass(frozen=True, slots=True)
class Change:
    version: int
    at: datetime
    actor: str
    summary: str
    records: int


def new_secret() -> str:
    """A fresh token secret: the prefix and 43 URL-safe characters (256 bits)."""
    return PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What the store keeps of a secret.

    >>> digest("bst_x") == digest("bst_x") != digest("bst_y")
    True
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def unknown_token(name: str, tokens: Iterable[Token]) -> UnknownToken:
    """The error for revoking ``name`` when no active token has it, with the nearest active names."""
    active = [t.name for t in tokens if t.active]
    return UnknownToken(name, difflib.get_close_matches(name, active, n=3))
