"""People files: the formats a ``people.csv`` may come in, recognised by header.

Vocabulary:

- A *people format* knows the header of one kind of people file (our own
  generic ``people.csv`` now; HR systems' exports plug in here) and turns each
  of its rows into a :class:`~graph.model.Person`.
- :data:`FORMATS` is tried in order; the first format whose :meth:`matches`
  accepts the header reads the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from graph.model import Kind, Person

from .table import Row

__all__ = ["FORMATS", "GENERIC", "PeopleFormat"]


class PeopleFormat(Protocol):
    """One way of writing people down."""

    @property
    def name(self) -> str: ...

    @property
    def required(self) -> Sequence[str]: ...

    @property
    def optional(self) -> Sequence[str]: ...

    def matches(self, header: Sequence[str]) -> bool: ...

    def person(self, row: Row) -> Person | None: ...


class Generic:
    """buckstop's own ``people.csv``: the columns of the design."""

    name = "generic"
    required = ("id", "name")
    optional = ("email", "title", "department_id", "manager_id", "status", "public", "phone", "location")

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


GENERIC = Generic()
FORMATS: tuple[PeopleFormat, ...] = (GENERIC,)
