"""The demo organisation, Corvid Electronics: a bundle loaded when the service starts empty, with a little history.

Vocabulary:

- :data:`FOLDER` is the bundle: Corvid as it is today (``buckstop load seed/`` loads it as an
  ordinary org, without its history).
- :data:`HISTORY` holds a folder per other version of the demo: the bundle files that differ in that
  version from :data:`FOLDER`'s, each whole (a file present replaces its kind, as in any bundle).
- :data:`VERSIONS` are the demo's versions, oldest first: the history folder (None: :data:`FOLDER` as
  it is) and the day the version comes into force, counted from the day the demo store is made (None:
  from the beginning). Relative days keep today's answers those of :data:`FOLDER` on any day the demo
  is made: the past reorg is always behind it, the scheduled one always ahead.
"""

from pathlib import Path

#: The folder of the demo bundle.
FOLDER = Path(__file__).parent

#: The folder of the demo's other versions.
HISTORY = FOLDER / "history"

#: (history folder or None, days from the day the demo is made or None), oldest first.
VERSIONS: tuple[tuple[Path | None, int | None], ...] = (
    (HISTORY / "before-reorg", None),  # Customer Support in Commercial, under the CCO
    (None, -180),  # the spring reorg: Customer Support moves to Operations, under the COO
    (HISTORY / "scheduled-reorg", 90),  # Business Sales moves up under the CCO; a Data Protection Officer joins
)

__all__ = ["FOLDER", "HISTORY", "VERSIONS"]
