"""A store as of a day: every read asks for the version in force on that day.

Vocabulary:

- A *dated* store wraps a store and a *day* (:mod:`graph.timeline`); each read's
  focus gets that day, so a question asked of it, written for today, answers as
  of the day without knowing it. A day of None is today: the store itself.
"""

from __future__ import annotations

from datetime import date

from .org import ChangeSet, Org
from .store import WHOLE, Applied, Change, Focus, Store, Summary
from .timeline import Timeline
from .tokens import Token

__all__ = ["Dated", "as_of"]


class Dated:
    """``store`` as of ``day``: reads ask that day; writes, the log and tokens go to ``store``."""

    def __init__(self, store: Store, day: date) -> None:
        self.store = store
        self.day = day
        self.name = store.name

    def read(self, focus: Focus = WHOLE) -> Org:
        return self.store.read(focus._replace(day=focus.day or self.day))

    def apply(
        self, changes: ChangeSet, *, actor: str = "", summary: Summary = "", effective: date | None = None
    ) -> Applied:
        return self.store.apply(changes, actor=actor, summary=summary, effective=effective)

    def changes(self, limit: int = 100) -> list[Change]:
        return self.store.changes(limit)

    def timeline(self) -> Timeline:
        return self.store.timeline()

    def tokens(self) -> list[Token]:
        return self.store.tokens()

    def token(self, digest: str) -> Token | None:
        return self.store.token(digest)

    def add_token(self, token: Token) -> None:
        self.store.add_token(token)

    def revoke_token(self, name: str) -> Token:
        return self.store.revoke_token(name)

    def ready(self) -> bool:
        return self.store.ready()

    def close(self) -> None:
        """Nothing: the dated view does not own the store."""


def as_of(store: Store, day: date | None) -> Store:
    """``store`` as of ``day``; ``store`` itself for None (today)."""
    return store if day is None else Dated(store, day)
