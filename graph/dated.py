"""A store as of a day: every read asks for the version in force on that day.

Vocabulary:

- A *dated* store wraps a store and a *day* (:mod:`graph.timeline`); each read's
  focus gets that day, so a question asked of it, written for today, answers as
  of the day without knowing it. A day of None is today: the store itself.
"""

from __future__ import annotations

from datetime import date

from .org import Org
from .store import WHOLE, Focus, Store, Wrapping

__all__ = ["Dated", "as_of"]


class Dated(Wrapping):
    """``store`` as of ``day``: reads ask that day; writes, the log and tokens go to ``store``."""

    def __init__(self, store: Store, day: date) -> None:
        super().__init__(store)
        self.day = day

    def read(self, focus: Focus = WHOLE) -> Org:
        return self.store.read(focus._replace(day=focus.day or self.day))


def as_of(store: Store, day: date | None) -> Store:
    """``store`` as of ``day``; ``store`` itself for None (today)."""
    return store if day is None else Dated(store, day)
