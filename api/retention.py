"""Retention: dropping the versions of the org that are long out of force, as the settings say.

Vocabulary:

- A version has *expired* when its successor came into force more than ``keep_versions_days``
  days ago (:meth:`~graph.timeline.Timeline.expired`). Retention drops expired versions after
  each load (``buckstop load``, ``loadPeople``), folding them into the oldest kept one
  (:meth:`~graph.store.Store.drop_versions`), and says what it dropped: a line each on the
  command line or in the load's notes, and a mark on their lines of ``buckstop changes``.
- Unset (the default), every version is kept.
"""

from __future__ import annotations

from datetime import timedelta

from buckstop.graph.store import Store
from buckstop.graph.timeline import Version, today

from .settings import Settings

__all__ = ["retain"]


def retain(store: Store, settings: Settings) -> list[str]:
    """Drop the versions ``settings`` no longer keeps; a line for each one dropped."""
    days = settings.keep_versions_days
    if days is None:
        return []
    why = f"versions are kept {days} days after their successor comes into force (keep_versions_days)"
    clock = getattr(store, "clock", today)
    dropped = store.drop_versions(clock() - timedelta(days=days), why)
    return [_line(v, days) for v in dropped]


def _line(version: Version, days: int) -> str:
    return (
        f"dropped version {version.number} (effective {version.effective}): its successor came into force more "
        f"than {days} days ago (keep_versions_days); its records are folded into the oldest version kept"
    )
