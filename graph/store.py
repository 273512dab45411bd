"""The store interface: one consistent read, one atomic write.

Vocabulary:

- A *store* holds the current org of one deployment.
- :meth:`Store.read` returns an :class:`~graph.org.Org` that is one whole
  version: a question asked of it never sees half a load. The memory backend
  returns its whole org; a remote backend may return just the part of the org
  that a question needs (its *focus*), fetched with one query. Such a
  *partial* org has ``partial`` set; whatever a question finds missing in it
  (near names for a suggestion, a record a client asks for next) it reads
  again with a narrower focus.
- :meth:`Store.apply` checks a change set against the current org and applies
  it whole, or raises :class:`~graph.errors.BundleRefused` and changes nothing,
  and logs the change (:meth:`Store.changes`).
- Beside the org a store keeps the API tokens (:mod:`graph.access`), so that
  every replica sharing a store accepts the same tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .access import Change, Token
from .org import ChangeSet, Org

__all__ = ["WHOLE", "Applied", "Focus", "Store"]


@dataclass(frozen=True, slots=True)
class Focus:
    """What a question is about, so a remote store can fetch only that part of the org.

    ``question`` is the question's name (``"route"``, ``"chain"``…) and
    ``names`` the values it was asked with. ``WHOLE`` asks for everything.
    """

    question: str
    names: tuple[str, ...] = ()

    @classmethod
    def kinds(cls, *kinds: str) -> Focus:
        """Every record of these kinds (``"account"``, ``"department"``…)."""
        return cls("kinds", kinds)

    @classmethod
    def nodes(cls, *keys: str) -> Focus:
        """These records, by key (``"person:p-ann"``)."""
        return cls("nodes", keys)


#: The focus of a question about the whole org (an export, the audit).
WHOLE = Focus("whole")


@dataclass(frozen=True, slots=True)
class Applied:
    """What a successful apply did."""

    version: int
    records: int
    before: Org
    after: Org


class Store(Protocol):
    """Where the org lives. Both backends honour exactly this contract."""

    name: str

    def read(self, focus: Focus = ...) -> Org:
        """A consistent org (or the focused part of one) for one question."""
        ...

    def apply(self, changes: ChangeSet, *, actor: str = "", summary: str = "") -> Applied:
        """Check and apply ``changes`` whole; raise BundleRefused and change nothing."""
        ...

    def changes(self, limit: int = 100) -> list[Change]:
        """The newest ``limit`` applied changes, newest first."""
        ...

    def tokens(self) -> list[Token]:
        """Every token, revoked ones included, by name then creation."""
        ...

    def token(self, digest: str) -> Token | None:
        """The token with this digest, revoked or not; ``None`` if there is none."""
        ...

    def add_token(self, token: Token) -> None:
        """Keep ``token``; raise TokenExists if an active token has its name."""
        ...

    def revoke_token(self, name: str) -> Token:
        """Revoke the active token named ``name`` and return it; raise UnknownToken if there is none."""
        ...

    def ready(self) -> bool:
        """Whether the store can answer right now."""
        ...

    def close(self) -> None: ...
