"""The mappings of a partial org: a miss of a record the org was told exists raises, not misses.

Vocabulary:

- A partial org (:attr:`graph.org.Org.partial`) holds the records one question's
  reach fetched (:mod:`graph.reach`).
- A record is *told to exist* when a fetched record names it (a person's
  ``manager_id``, a rule's ``target``…): validation guarantees that every
  reference of a stored org resolves, so it exists in the store; the org's
  ``top_id`` is told too.
- A reach may fetch some kinds *complete* (every record of them: a KINDS read);
  iterating any other kind of a partial org raises IncompleteRead, since its
  records are only those one question needed.
- Looking up such a record that was not fetched (``org.people[x]``,
  ``org.people.get(x)``, ``x in org.people``) raises
  :class:`~graph.errors.IncompleteRead`: a question would otherwise answer from
  a gap in what it read, plausibly and wrongly. A name nobody references stays
  a plain miss (an unknown name someone asked for).

The whole org keeps plain ``MappingProxyType`` mappings: this class costs a
Python call per lookup, which only partial orgs pay.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from functools import cached_property
from typing import Any, TypeVar

from .errors import IncompleteRead
from .model import Kind, Record, Ref, key

__all__ = ["Fetched", "Told", "references"]

V = TypeVar("V")

#: The fields of each kind that name another record, and that record's kind (None: a Ref names its own).
_FIELDS: dict[Kind, tuple[tuple[str, Kind | None], ...]] = {
    Kind.DEPARTMENT: (("parent_id", Kind.DEPARTMENT), ("head_id", Kind.PERSON)),
    Kind.ROLE: (("department_id", Kind.DEPARTMENT), ("holder_ids", Kind.PERSON)),
    Kind.PERSON: (("department_id", Kind.DEPARTMENT), ("manager_id", Kind.PERSON)),
    Kind.AGENCY: (("contract_owner_id", Kind.PERSON),),
    Kind.ACCOUNT: (("owner_department_id", Kind.DEPARTMENT), ("operated_by", None), ("escalation_contact", None)),
    Kind.ISSUE_TYPE: (("parent_id", Kind.ISSUE_TYPE),),
    Kind.RULE: (("issue_type_id", Kind.ISSUE_TYPE), ("target", None), ("scope", None)),
    Kind.ABSENCE: (("person_id", Kind.PERSON), ("delegate_id", Kind.PERSON)),
}


def references(record: Record) -> Iterator[tuple[Kind, str, str]]:
    """Every record ``record`` names: its kind, its id, and the field naming it.

    >>> from buckstop.graph.model import Person
    >>> list(references(Person("p-ann", "Ann", manager_id="p-cy")))
    [(<Kind.PERSON: 'person'>, 'p-cy', 'manager_id')]
    """
    for field, kind in _FIELDS[record.kind]:
        value = getattr(record, field)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, Ref):
                yield item.kind, item.id, field
            elif item is not None and kind is not None:
                yield kind, item, field


class Told:
    """What the records of a partial org name, found on the first miss (a hit never pays for it)."""

    def __init__(self, reach: str, records: Mapping[Kind, Mapping[str, Record]], top_id: str | None) -> None:
        self.reach = reach
        self._records = records
        self._top_id = top_id

    @cached_property
    def named(self) -> dict[tuple[Kind, str], tuple[str, str]]:
        """(kind, id) of every record named → who names it first and in which field."""
        named: dict[tuple[Kind, str], tuple[str, str]] = {}
        if self._top_id is not None:
            named[(Kind.PERSON, self._top_id)] = ("the org", "its top (top_id)")
        for table in self._records.values():
            for record in table.values():
                for kind, id, field in references(record):
                    named.setdefault((kind, id), (key(record.kind, record.id), field))
        return named

    def check(self, kind: Kind, id: object) -> None:
        """Raise IncompleteRead if the record ``kind:id`` was told to exist (and so was not fetched)."""
        if not isinstance(id, str):
            return
        found = self.named.get((kind, id))
        if found is not None:
            raise IncompleteRead.named(self.reach, kind.value, id, *found)


class Fetched(Mapping[str, V]):
    """The records of one kind a partial org holds; a miss of one it was told exists raises IncompleteRead.

    Unless the read fetched the kind ``complete``, iterating it raises too: "every person" of a
    route's part of the org is not every person.
    """

    __slots__ = ("_complete", "_items", "_kind", "_told")

    def __init__(self, items: dict[str, V], kind: Kind, told: Told, *, complete: bool = False) -> None:
        self._items = items
        self._kind = kind
        self._told = told
        self._complete = complete

    def _whole(self) -> dict[str, V]:
        if not self._complete:
            raise IncompleteRead.iterated(self._told.reach, self._kind.value)
        return self._items

    def __getitem__(self, id: str) -> V:
        try:
            return self._items[id]
        except KeyError:
            self._told.check(self._kind, id)
            raise

    def get(self, id: str, default: Any = None) -> Any:
        found = self._items.get(id, _MISSING)
        if found is _MISSING:
            self._told.check(self._kind, id)
            return default
        return found

    def __contains__(self, id: object) -> bool:
        if id in self._items:
            return True
        self._told.check(self._kind, id)
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def keys(self) -> KeysView[str]:
        return self._whole().keys()

    def values(self) -> ValuesView[V]:
        return self._whole().values()

    def items(self) -> ItemsView[str, V]:
        return self._whole().items()

    def __repr__(self) -> str:
        return f"Fetched({self._kind.value}, {len(self._items)} records)"


_MISSING: Any = object()
