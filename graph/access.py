"""What a store keeps besides the org: API tokens and the log of changes.

Vocabulary:

- A *token* is a secret a client sends as ``Authorization: Bearer …``. The
  store keeps only its *digest* (SHA-256 of the secret, hex), its *name* (who
  it was given to: unique among active tokens, non-blank, printable, at most
  :data:`MAX_NAME` characters, no spaces at either end) and its *scope*: ``read`` asks questions and sees the
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
from datetime import UTC, date, datetime

from .errors import BadTokenName, BrokenToken, UnknownToken

__all__ = [
    "MAX_NAME",
    "PREFIX",
    "Change",
    "Scope",
    "Token",
    "check_name",
    "digest",
    "new_secret",
    "now",
    "unknown_token",
]

#: Every secret starts with this, so a leaked one is easy to recognise (and to grep for).
PREFIX = "bst_"

#: The longest token name: it is shown in tables, logs and the log of changes.
MAX_NAME = 64


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

    def __post_init__(self) -> None:
        # Here, so that no backend can keep a name the others would refuse.
        check_name(self.name)

    @property
    def active(self) -> bool:
        return self.revoked is None

    @classmethod
    def stored(cls, name: object, scope: object, digest: object, created: object, revoked: object) -> Token:
        """The token a store kept, from its raw fields; :class:`BrokenToken` if they are not a token.

        A row written by hand or by an older version must be refused (a 401 for its holder, one line
        for ``buckstop token list``), never crash the reader.
        """
        try:
            if not (isinstance(name, str) and isinstance(digest, str) and digest):
                raise ValueError("its name or digest is missing")
            return cls(
                name,
                Scope(str(scope)),
                digest,
                datetime.fromisoformat(str(created)),
                datetime.fromisoformat(str(revoked)) if revoked else None,
            )
        except (ValueError, TypeError, BadTokenName) as err:
            raise BrokenToken(digest, str(err)) from err


@dataclass(frozen=True, slots=True)
class Change:
    version: int
    at: datetime
    actor: str
    summary: str
    records: int
    #: The day the version this change made comes into force; None for a load from before versions had one.
    effective: date | None = None


def check_name(name: str) -> str:
    """``name`` if it may name a token, else :class:`BadTokenName` saying why.

    >>> check_name("grafana")
    'grafana'
    """
    if not name.strip():
        why = "a name must not be blank; say who holds the token, e.g. 'grafana'"
    elif not name.isprintable():
        why = "a name must be printable (no tabs, newlines or control characters)"
    elif name != name.strip():
        why = f"a name must not start or end with spaces; did you mean {name.strip()!r}?"
    elif len(name) > MAX_NAME:
        why = f"a name is at most {MAX_NAME} characters, this one has {len(name)}"
    else:
        return name
    raise BadTokenName(name, why)


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
