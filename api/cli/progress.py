"""A progress bar for long loads, drawn on a terminal only (scripts and logs get nothing).

:class:`Bar` is a :data:`loaders.bundle.Progress` callback: it redraws one line
on stderr at most ten times a second while a file is read, and prints each later
phase ("checking and writing") on a line of its own with the time it started.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Bar"]

_WIDTH = 30


class Bar:
    """Draws ``reading people.csv [#####-----] 52%  78.1 of 150.0 MB`` on a terminal."""

    def __init__(self, stream: TextIO | None = None, *, force: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = force or self.stream.isatty()
        self.started = time.monotonic()
        self._drawn = 0.0
        self._open = False  # a bar line is on screen, not ended by a newline
        self._finished: str | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if total <= 0:  # a phase with no measure: a line of its own
            self._end()
            self.stream.write(f"{phase} … ({now - self.started:.1f} s)\n")
            self.stream.flush()
            return
        if done < total and now - self._drawn < 0.1:
            return
        if done >= total and self._finished == phase:
            return  # the end of a phase is drawn once
        self._finished = phase if done >= total else None
        self._drawn = now
        share = min(done / total, 1.0)
        filled = int(share * _WIDTH)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        line = f"\r{phase} [{bar}] {share:4.0%}  {done / 1e6:,.1f} of {total / 1e6:,.1f} MB"
        self.stream.write(line)
        self._open = True
        if done >= total:
            self._end()
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._end()
            self.stream.flush()

    def _end(self) -> None:
        if self._open:
            self.stream.write("\n")
            self._open = False
