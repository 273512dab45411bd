"""Durations as a bundle writes them: ``30m``, ``4h``, ``2d``, ``1d12h``.

Vocabulary:

- A *duration* is one or more whole numbers, each followed by a unit: ``m`` (minutes),
  ``h`` (hours), ``d`` (days) or ``w`` (weeks), largest first (``1d12h``). It says how long
  a case may wait (an issue type's ``respond_within`` and ``escalate_every``).

>>> parse_duration("1d12h")
datetime.timedelta(days=1, seconds=43200)
>>> format_duration(parse_duration("90m"))
'1h30m'
"""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["format_duration", "parse_duration"]

_UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}
_PART = re.compile(r"(\d+)\s*([wdhm])")
_WHOLE = re.compile(r"(?:\d+\s*[wdhm]\s*)+")


def parse_duration(text: str) -> timedelta:
    """The duration ``text`` writes; ValueError naming the value and the form if it is not one."""
    folded = text.strip().lower()
    if not _WHOLE.fullmatch(folded):
        raise ValueError(f"{text!r} is not a duration; write it as 30m, 4h, 2d or 1d12h (m, h, d, w)")
    seconds = sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(folded))
    if seconds <= 0:
        raise ValueError(f"{text!r} is no time at all; give a duration above zero such as 30m")
    return timedelta(seconds=seconds)


def format_duration(duration: timedelta) -> str:
    """``duration`` as a bundle writes it, largest unit first (to the minute)."""
    minutes = int(duration.total_seconds()) // 60
    out = []
    for unit, seconds in _UNITS.items():
        n, minutes = divmod(minutes, seconds // 60)
        if n:
            out.append(f"{n}{unit}")
    return "".join(out) or "0m"
