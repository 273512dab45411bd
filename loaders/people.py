"""People files: the formats a ``people.csv`` may come in, recognised by header.

Vocabulary:

- A *people format* knows the header of one kind of people file (our own
  generic ``people.csv``, or an HR system's export: see :mod:`loaders.hr`) and
  turns each of its rows into an :class:`Entry`: a
  :class:`~graph.model.Person` whose ``manager_id`` and ``department_id`` still
  hold the references *as written* (an id, an email or a full name; an id or a
  department name), resolved later by :mod:`loaders.match` against the whole file.
- :data:`FORMATS` is tried in order; of the formats whose :meth:`matches`
  accepts the header, the one that knows the most of its columns reads the file
  (ties go to the earlier format, so our own header is always read as generic).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from buckstop.graph.model import Kind, Person

from .entry import Entry
from .history import effective_of
from .hr import PRESETS
from .table import Row

__all__ = ["FORMATS", "GENERIC", "Entry", "PeopleFormat", "detect"]


class PeopleFormat(Protocol):
    """One way of writing people down."""

    @property
    def name(self) -> str: ...

    @property
    def required(self) -> Sequence[str]: ...

    @property
    def optional(self) -> Sequence[str]: ...

    #: Whether department names that no department has become new departments.
    @property
    def creates_departments(self) -> bool: ...

    #: The columns a manager may be named in (an Entra ID download has none of them).
    @property
    def manager_columns(self) -> Sequence[str]: ...

    #: The columns a dated export's effective date may be in (:mod:`loaders.history`).
    @property
    def effective(self) -> Sequence[str]: ...

    def matches(self, header: Sequence[str]) -> bool: ...

    def entry(self, row: Row) -> Entry | None: ...


class Generic:
    """buckstop's own ``people.csv``: the columns of the design."""

    name = "generic"
    required = ("id", "name")
    optional = (
        "email",
        "title",
        "department_id",
        "manager_id",
        "status",
        "public",
        "phone",
        "location",
        "effective_date",
    )
    # Our own file names departments by id: an unknown one is a typo to report, not a new department.
    creates_departments = False
    manager_columns = ("manager_id",)
    effective = ("effective_date",)

    def matches(self, header: Sequence[str]) -> bool:
        return "id" in header and "name" in header

    def person(self, row: Row) -> Person | None:
        id = row.required("id")
        name = row.required("name")
        if not id:
            return None
        return Person(
            id=id,
            name=name,
            email=row.text("email"),
            title=row.text("title"),
            department_id=row.id("department_id", Kind.DEPARTMENT),
            manager_id=row.id("manager_id", Kind.PERSON),
            status=row.status("status"),
            public=row.flag("public"),
            phone=row.text("phone"),
            location=row.text("location"),
            source=row.source,
        )

    def entry(self, row: Row) -> Entry | None:
        person = self.person(row)
        return Entry(person, effective=effective_of(row, self.effective)) if person else None


GENERIC = Generic()


FORMATS: tuple[PeopleFormat, ...] = (GENERIC, *PRESETS)


def detect(header: Sequence[str], formats: Sequence[PeopleFormat] = FORMATS) -> PeopleFormat | None:
    """The format that reads a file with this (lower-cased) header, or None."""
    best: PeopleFormat | None = None
    best_known = -1
    for fmt in formats:
        if fmt.matches(header):
            known = sum(1 for column in header if column in fmt.required or column in fmt.optional)
            if known > best_known:
                best, best_known = fmt, known
    return best
