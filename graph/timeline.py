"""Time: versions of the org, their effective dates, and the day a question is asked about.

Vocabulary:

- Every load makes a *version* of the org, numbered by the load (the change's ``version``) and
  with an *effective date*. A version is *in force* from the start of its effective day (UTC)
  until the start of the next version's. Of two versions with the same effective date the later
  load wins: it corrects that day's version, and the earlier stays in the store, out of force.
- The *timeline* orders versions by their *key*, ``(effective, number)`` written as one sortable
  text (:func:`key_of`): the version in force on a day is the one with the greatest key of an
  effective date on or before that day (:meth:`Timeline.in_force`).
- A version effective after today is *scheduled*: it is in force only once its day comes, which a
  store notices at read time (its *clock*, :data:`Clock`, says what day it is), with no restart.
- A version effective before the newest is loaded *between* two others: it is applied to the
  version in force on its day, and the versions after it stay as they were.
- The day a question is asked about is its *as-of* day (``asOf``, ``--as-of``): a date, or an ISO
  8601 date-time (taken as UTC when it names no offset, then its UTC day). None means today.
- Versions loaded before buckstop knew time have no effective date: they are in force from the
  beginning (:data:`BEGINNING`).
- *Retention* may drop a version once it has *expired*: its successor came into force more than
  the days kept ago (:meth:`Timeline.expired`). The oldest kept version then holds, folded in, every
  record of those before it; the log keeps their lines, marked dropped (:func:`dropped_note`).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .errors import BuckstopError

__all__ = [
    "BEGINNING",
    "BadDate",
    "Clock",
    "Timeline",
    "Version",
    "dropped_note",
    "key_of",
    "parse_day",
    "today",
]

#: What day it is; stores take one so that a test can move the clock instead of sleeping.
Clock = Callable[[], date]

#: The effective date of a version loaded before versions had one: in force from the beginning.
BEGINNING = date(1, 1, 1)


def today() -> date:
    """Today in UTC: the day a version comes into force is a UTC day, the same on every replica."""
    return datetime.now(UTC).date()


class BadDate(BuckstopError):
    """A date or date-time that does not parse, naming the value and the forms accepted."""

    code = "BAD_DATE"

    def __init__(self, what: str, value: str) -> None:
        self.value = value
        super().__init__(
            f"{what} {value!r} is not a date: give YYYY-MM-DD (e.g. 2026-06-01) or an ISO 8601 date-time "
            "(e.g. 2026-06-01T09:30:00+02:00)"
        )


def parse_day(value: str | date | datetime | None, what: str = "the date") -> date | None:
    """The UTC day of ``value`` (a date, an ISO 8601 date-time or either as text); None stays None.

    >>> parse_day("2026-06-01"), parse_day("2026-06-01T23:30:00-02:00")
    (datetime.date(2026, 6, 1), datetime.date(2026, 6, 2))
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _utc_day(value)
    if isinstance(value, date):
        return value
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return _utc_day(datetime.fromisoformat(text))
    except ValueError:
        raise BadDate(what, value) from None


def _utc_day(moment: datetime) -> date:
    return (moment if moment.tzinfo is None else moment.astimezone(UTC)).date()


def dropped_note(version: Version, on: date, why: str) -> str:
    """What a dropped version's line in the log of changes gains: when, why, and the day it had.

    >>> dropped_note(Version(3, date(2026, 1, 1)), date(2027, 2, 1), "versions are kept 365 days")
    ' [dropped 2027-02-01: versions are kept 365 days; it was effective 2026-01-01]'
    """
    return f" [dropped {on}: {why}; it was effective {version.effective}]"


def key_of(effective: date, number: int) -> str:
    """The sortable key of a version: its effective date, then its load number.

    >>> key_of(date(2026, 6, 1), 7)
    '2026-06-01#0000000007'
    """
    return f"{effective.isoformat()}#{number:010d}"


@dataclass(frozen=True, slots=True)
class Version:
    """One version of the org: the load that made it and the day it comes into force."""

    number: int
    effective: date

    @property
    def key(self) -> str:
        return key_of(self.effective, self.number)


class Timeline:
    """The versions of a store, in force order (by key)."""

    def __init__(self, versions: Iterable[Version]) -> None:
        self.versions = sorted(versions, key=lambda v: v.key)
        self._keys = [v.key for v in self.versions]

    def in_force(self, day: date) -> Version | None:
        """The version in force on ``day``; None before the first."""
        at = bisect.bisect_right(self._keys, key_of(day, 10**10 - 1))
        return self.versions[at - 1] if at else None

    def after(self, effective: date) -> Version | None:
        """The first version that comes into force after day ``effective``: the one a version of that day precedes."""
        at = bisect.bisect_right(self._keys, key_of(effective, 10**10 - 1))
        return self.versions[at] if at < len(self.versions) else None

    def expired(self, cutoff: date) -> list[Version]:
        """The versions whose successor came into force before day ``cutoff``: those retention may drop.

        Never the version in force on ``cutoff`` or after it, nor a scheduled one; always the oldest ones.

        >>> line = Timeline([Version(1, date(2026, 1, 1)), Version(2, date(2026, 6, 1)), Version(3, date(2027, 1, 1))])
        >>> [v.number for v in line.expired(date(2026, 7, 1))], line.expired(date(2026, 6, 1))
        ([1], [])
        """
        return [v for v, successor in itertools.pairwise(self.versions) if successor.effective < cutoff]

    def __len__(self) -> int:
        return len(self.versions)
