"""A version packed: its records as columns in one blob, written beside its rows and read in one go.

Vocabulary:

- A *pack* is one version's records, every kind as *columns*: one list per field of the kind's
  record class, in the class's field order, each record at the same place in every column. A value
  that is not a plain ``str``, ``int``, ``bool``, ``None`` or a tuple of them is written as the
  codec writes it (a status, a reference ``kind:id``, a date ISO, a duration in seconds, a source as
  its file and row), so a pack holds nothing but those, pickled (protocol 5) and read by an unpickler
  that refuses every class: unpacking runs no code of the file's choosing.
- The pack's *layout* is :data:`FORMAT` and each kind's field names: a pack written by code whose
  record classes had other fields is not read.
- *Unpacking* builds each kind's records a column at a time: the objects are made empty and each
  field is set through its slot, by C loops (``map``), not a Python call per record; that, and not
  decoding JSON record by record, is what makes opening a store of a million people take about a
  second rather than ten (docs/decisions.md, "Opening a store reads one pack").
- A pack is *trusted* only if its digest (SHA-256 of the blob), its layout and its number of records
  all agree; :func:`unpack` otherwise raises :class:`BadPack` saying which, and the store reads the
  version's rows instead (graph.memory).
"""

from __future__ import annotations

import gc
import hashlib
import io
import pickle
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from itertools import repeat
from operator import attrgetter
from typing import Any

from .codec import CLASSES, parse_ref
from .model import Kind, Record, Ref, Source, Status

__all__ = ["FORMAT", "BadPack", "Pack", "pack", "unpack"]

#: The layout of a pack; a pack of another is not read (its version's rows are).
FORMAT = 1

#: One kind's records as columns: its field names, then one column per field (``source`` as two).
Columns = tuple[tuple[str, ...], list[list[Any]]]


class BadPack(Exception):
    """A pack that cannot be trusted; the message says why (its store then reads the rows)."""


class Pack:
    """A packed version as stored: the blob, its digest and how many records it holds."""

    __slots__ = ("data", "digest", "records")

    def __init__(self, data: bytes, digest: bytes, records: int) -> None:
        self.data, self.digest, self.records = data, digest, records


def _fields(kind: Kind) -> tuple[str, ...]:
    return tuple(CLASSES[kind].__dataclass_fields__)


_STATUSES = {status.value: status for status in Status}


def _ref_out(value: Ref | None) -> str | None:
    return None if value is None else str(value)


def _ref_in(value: str | None) -> Ref | None:
    return None if value is None else parse_ref(value)


def _date_out(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date_in(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _seconds_out(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def _seconds_in(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


# The fields whose values are written otherwise than as they are, with (out, in) for one value. Person, a
# million of them, has only ``status`` (and ``source``, two columns): its columns are converted by C loops.
_CONVERTED: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "status": (str, _STATUSES.__getitem__),
    **{name: (_ref_out, _ref_in) for name in ("operated_by", "escalation_contact", "scope", "target")},
    **{name: (_date_out, _date_in) for name in ("starts", "ends")},
    **{name: (_seconds_out, _seconds_in) for name in ("respond_within", "escalate_every")},
}


def pack(by_kind: Mapping[Kind, Mapping[str, Record]]) -> Pack:
    """The pack of an org's records, grouped by kind and id (``Org``'s own dicts)."""
    kinds: dict[str, Columns] = {}
    total = 0
    for kind in Kind:
        records = list(by_kind.get(kind, {}).values())
        if not records:
            continue
        total += len(records)
        names = _fields(kind)
        columns: list[list[Any]] = []
        for name in names:
            if name == "source":
                columns.append(list(map(attrgetter("source.file"), records)))
                columns.append(list(map(attrgetter("source.row"), records)))
                continue
            column = list(map(attrgetter(name), records))
            if name in _CONVERTED:
                column = list(map(_CONVERTED[name][0], column))
            columns.append(_shared(column))
        kinds[kind.value] = (names, columns)
    data = pickle.dumps((FORMAT, total, kinds), protocol=5)
    return Pack(data, hashlib.sha256(data).digest(), total)


def _shared(column: list[Any]) -> list[Any]:
    """``column`` with equal values made one object: pickled once, then referred to; unpacked, shared.

    A million people have a few hundred titles, departments and managers' ids: each is read once.
    """
    seen: dict[Any, Any] = {}
    return list(map(seen.setdefault, column, column))


def unpack(stored: Pack) -> dict[Kind, dict[str, Record]]:
    """The records of a pack, by kind and id; :class:`BadPack` if it cannot be trusted."""
    if hashlib.sha256(stored.data).digest() != stored.digest:
        raise BadPack("its digest does not match its bytes (the file was damaged)")
    with _no_collection():
        try:
            layout, total, kinds = _Refusing(io.BytesIO(stored.data)).load()
        except Exception as err:  # whatever the bytes hold, a bad pack is only a slower open
            raise BadPack(f"it does not unpickle ({type(err).__name__}: {err})") from err
        if layout != FORMAT:
            raise BadPack(f"it is of layout {layout!r}; this buckstop reads layout {FORMAT}")
        by_kind: dict[Kind, dict[str, Record]] = {kind: {} for kind in Kind}
        for name, (names, columns) in kinds.items():
            kind = Kind(name)
            if tuple(names) != _fields(kind):
                raise BadPack(f"its {kind.value} records have the fields {list(names)}, not {list(_fields(kind))}")
            by_kind[kind] = _records(kind, names, columns)
    count = sum(len(records) for records in by_kind.values())
    if count != total or count != stored.records:
        raise BadPack(f"it holds {count:,} records where it says {total:,} and its row says {stored.records:,}")
    return by_kind


def _records(kind: Kind, names: Sequence[str], columns: Sequence[list[Any]]) -> dict[str, Record]:
    """One kind's records from its columns, each field set through its slot by C loops."""
    cls = CLASSES[kind]
    made: list[Any] = list(map(object.__new__, repeat(cls, len(columns[0]))))
    values = iter(columns)
    for name in names:
        column = next(values)
        if name == "source":
            sources = list(map(object.__new__, repeat(Source, len(column))))
            _set(Source, "file", sources, column)
            _set(Source, "row", sources, next(values))
            column = sources
        elif name in _CONVERTED:
            column = list(map(_CONVERTED[name][1], column))
        if len(column) != len(made):
            raise BadPack(f"its {kind.value} column {name!r} holds {len(column):,} values for {len(made):,} records")
        _set(cls, name, made, column)
    ids = columns[0] if names[0] == "id" else [record.id for record in made]  # an absence's id is worked out
    return dict(zip(ids, made, strict=True))


def _set(cls: type[Any], name: str, objects: list[Any], column: Sequence[Any]) -> None:
    # The slot's own setter: a frozen dataclass refuses setattr, and its __init__ is a Python call per record.
    deque(map(cls.__dict__[name].__set__, objects, column), maxlen=0)


class _Refusing(pickle.Unpickler):
    """An unpickler of plain data only: any class or function named in the bytes is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"a pack holds no {module}.{name}")


@contextmanager
def _no_collection() -> Iterator[None]:
    """The collector off while millions of objects are made: its passes over them would find nothing to free."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
