"""Argument types the commands share: each refuses a bad value at the edge, in one line.

argparse calls a type with the text given and reports an ``ArgumentTypeError`` as
``buckstop: error: argument --limit: ...`` (exit 2) before the command runs.
"""

from __future__ import annotations

import argparse
from datetime import date

from buckstop.graph.timeline import BadDate, parse_day

__all__ = ["as_of_day", "day", "effective_day", "positive", "text"]


def day(value: str) -> date:
    """A day given as ``YYYY-MM-DD``.

    >>> day("2026-11-23")
    datetime.date(2026, 11, 23)
    """
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a day; give it as YYYY-MM-DD, e.g. 2026-11-23") from None


def as_of_day(value: str) -> date:
    """The day of ``--as-of``: a date, or an ISO 8601 date-time (its UTC day).

    >>> as_of_day("2026-06-01T08:00:00+02:00")
    datetime.date(2026, 6, 1)
    """
    try:
        found = parse_day(value, "--as-of")
    except BadDate as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    assert found is not None  # a text always gives a day or raises
    return found


def effective_day(value: str) -> date:
    """The day of ``--effective``: a date (a date-time gives its UTC day)."""
    try:
        found = parse_day(value, "--effective")
    except BadDate as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    assert found is not None
    return found


def positive(value: str) -> int:
    """A whole number of at least 1 (a limit of 0 or -1 would quietly answer less than asked)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number; give 1 or more, e.g. 20")
    return number


def text(value: str) -> str:
    """A name or words that are not blank: an empty argument is a mistake (an unset shell variable), not a question."""
    if not value.strip():
        raise argparse.ArgumentTypeError(f"{value!r} is blank; give a name or some words")
    return value
