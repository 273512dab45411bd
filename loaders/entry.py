"""An entry: one row of a people file, read but not yet resolved.

The person's ``manager_id`` and ``department_id`` still hold the references as
written (an id, an email or a full name; an id or a department name), which
:mod:`loaders.match` resolves over the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from buckstop.graph.model import Person

__all__ = ["Entry"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of a people file: the person, references unresolved, and other keys they go by."""

    person: Person
    keys: tuple[str, ...] = ()  # e.g. an Entra user principal name, matched like an email
    manager_column: str = "manager_id"  # where the manager reference was read, for problems
    effective: date | None = None  # the day the row takes effect, in a dated export (loaders.history)
