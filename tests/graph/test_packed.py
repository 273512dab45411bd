"""Packs: a version's records as columns in one blob, and the memory store opening from them.

Every org read from a pack is compared, record by record and with each record's source (which a
record's equality leaves out), with the same version read from its rows.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from buckstop.graph import MemoryStore
from buckstop.graph.model import Kind
from buckstop.graph.org import Org
from buckstop.graph.packed import FORMAT, BadPack, Pack, pack, unpack
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus
from buckstop.loaders import apply_bundle

from harness.synth import synth
from tests.disks import read_only_view
from tests.graph.test_time import JANUARY, JUNE, NEXT_YEAR, NOW, Clock, new_ceo, reorg, with_routing
from tests.orgs import acme

Everything = dict[tuple[Kind, str], tuple[object, object]]


def everything(org: Org) -> Everything:
    """Each record by kind and id, with its source."""
    return {(r.kind, r.id): (r, r.source) for r in org.records()}


def by_kind(org: Org) -> dict[Kind, dict[str, object]]:
    return {kind: dict(org.of_kind(kind)) for kind in Kind}


def from_rows(path: Path, day: date | None = None) -> Everything:
    """The version in force on ``day`` read from its rows: a copy of the file without its packs."""
    copy = path.with_name(f"rows-{path.name}")
    with closing(sqlite3.connect(path)) as db, closing(sqlite3.connect(copy)) as out:
        db.backup(out)
        out.execute("DELETE FROM packed")
        out.commit()
    store = MemoryStore(copy, clock=lambda: day or NOW)
    try:
        return everything(store.read())
    finally:
        store.close()


def packs(path: Path) -> list[int]:
    with closing(sqlite3.connect(path)) as db:
        return [n for (n,) in db.execute("SELECT version FROM packed ORDER BY version")]


def damage(path: Path, how: Callable[[bytes], bytes], column: str = "data") -> None:
    with closing(sqlite3.connect(path)) as db:
        for version, data in db.execute(f"SELECT version, {column} FROM packed").fetchall():
            db.execute(f"UPDATE packed SET {column} = ? WHERE version = ?", (how(bytes(data)), version))
        db.commit()


@pytest.fixture
def loaded(tmp_path: Path, open_store: Callable[..., MemoryStore]) -> Path:
    store = open_store(clock=Clock(NOW))
    apply_bundle(store, with_routing(acme()).absence("p-ann", JUNE, JUNE, delegate="p-dan").write(tmp_path / "b"))
    store.close()
    return Path(store.path)


# -- the pack itself ------------------------------------------------------------------


def test_a_pack_holds_every_record_of_every_kind_with_its_source():
    org = Org(synth(3000, seed=5).records)
    again = Org(by_kind=unpack(pack(by_kind(org))))
    assert everything(again) == everything(org)
    assert {kind for kind in Kind if again.of_kind(kind)} == set(Kind)  # every kind was in it


def test_a_pack_whose_bytes_changed_is_refused():
    packed = pack(by_kind(Org(synth(300, seed=5).records)))
    flipped = bytearray(packed.data)
    flipped[len(flipped) // 2] ^= 0xFF
    with pytest.raises(BadPack, match="digest does not match"):
        unpack(Pack(bytes(flipped), packed.digest, packed.records))


def test_a_pack_that_names_a_class_is_refused_without_running_it(tmp_path: Path):
    touched = tmp_path / "touched"

    class Payload:
        def __reduce__(self) -> tuple[object, ...]:
            return (Path.touch, (touched,))

    data = pickle.dumps((FORMAT, 0, {"person": Payload()}), protocol=5)
    with pytest.raises(BadPack, match="holds no pathlib"):
        unpack(Pack(data, hashlib.sha256(data).digest(), 0))
    assert not touched.exists()


def test_a_pack_of_other_fields_or_layout_is_refused():
    org = Org(synth(300, seed=5).records)
    packed = pack(by_kind(org))
    _, total, kinds = pickle.loads(packed.data)
    names, columns = kinds["person"]
    renamed = (FORMAT, total, {**kinds, "person": (("key", *names[1:]), columns)})
    for data, match in ((renamed, "person records have the fields"), ((FORMAT + 1, total, kinds), "layout")):
        blob = pickle.dumps(data, protocol=5)
        with pytest.raises(BadPack, match=match):
            unpack(Pack(blob, hashlib.sha256(blob).digest(), packed.records))
    with pytest.raises(BadPack, match="its row says"):
        unpack(Pack(packed.data, packed.digest, packed.records + 1))


# -- the store opening from it -----------------------------------------------------------


def assert_opens_as(path: Path, rows: Everything) -> None:
    """Open the store at ``path`` afresh: today's org must be ``rows`` (:func:`from_rows`)."""
    store = MemoryStore(path, clock=Clock(NOW))
    try:
        assert everything(store.read()) == rows
    finally:
        store.close()


def test_reopening_reads_the_pack_and_gives_the_org_of_the_rows(loaded: Path, caplog: pytest.LogCaptureFixture):
    rows = from_rows(loaded)
    caplog.set_level(logging.DEBUG, "buckstop.store")
    assert_opens_as(loaded, rows)
    assert "version 1 of" in caplog.text and "read from its pack" in caplog.text
    assert "rows" not in caplog.text


@pytest.mark.parametrize(
    ("how", "column", "said"),
    [
        (lambda data: data[: len(data) // 2], "data", "digest does not match"),
        (lambda data: bytes(len(data)), "data", "digest does not match"),
        (lambda data: b"\0" * len(data), "digest", "digest does not match"),
    ],
)
def test_a_damaged_pack_is_read_from_the_rows_and_says_so(
    loaded: Path, caplog: pytest.LogCaptureFixture, how: Callable[[bytes], bytes], column: str, said: str
):
    rows = from_rows(loaded)
    damage(loaded, how, column)
    caplog.set_level(logging.INFO, "buckstop.store")
    assert_opens_as(loaded, rows)
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "cannot be trusted" in warning.getMessage() and said in warning.getMessage()
    assert "reading its rows instead" in warning.getMessage()


def test_a_missing_pack_is_read_from_the_rows_and_says_so(loaded: Path, caplog: pytest.LogCaptureFixture):
    rows = from_rows(loaded)
    with closing(sqlite3.connect(loaded)) as db:
        db.execute("DELETE FROM packed")
        db.commit()
    caplog.set_level(logging.INFO, "buckstop.store")
    assert_opens_as(loaded, rows)
    assert "version 1 of" in caplog.text and "has no pack: reading its rows" in caplog.text


@pytest.mark.slow  # it mounts a read-only view
def test_a_read_only_store_made_before_packs_is_read_from_its_rows(tmp_path: Path):
    writable = tmp_path / "rw"
    writable.mkdir()
    store = MemoryStore(writable / "org.db", clock=Clock(NOW))
    apply_bundle(store, with_routing(acme()).write(tmp_path / "bundle"))
    store.close()
    rows = from_rows(writable / "org.db")
    with closing(sqlite3.connect(writable / "org.db")) as db:
        db.execute("DROP TABLE packed")  # as a store of a buckstop before packs
        db.commit()
    (writable / "rows-org.db").unlink()
    with read_only_view(writable, tmp_path / "ro") as view:  # so the table is not made again
        read_only = MemoryStore(view / "org.db", clock=Clock(NOW))
        try:
            assert read_only.read_only
            assert everything(read_only.read()) == rows
        finally:
            read_only.close()


# -- which versions are packed ----------------------------------------------------------------


def test_the_newest_load_and_todays_version_are_packed_and_each_day_reads_right(
    tmp_path: Path, open_store: Callable[..., MemoryStore]
):
    clock = Clock(NOW)
    store = open_store(clock=clock)
    apply_bundle(store, with_routing(acme()).write(tmp_path / "january"), effective=JANUARY)
    assert packs(Path(store.path)) == [1]
    apply_bundle(store, new_ceo().write(tmp_path / "next-year"), effective=NEXT_YEAR)
    assert packs(Path(store.path)) == [1, 2]  # the scheduled one, and January's, in force today
    apply_bundle(store, reorg().write(tmp_path / "june"), effective=JUNE)
    assert packs(Path(store.path)) == [3]  # June's: loaded last, and in force today
    path = Path(store.path)
    for day in (JANUARY, JUNE, NOW, NEXT_YEAR):
        again = MemoryStore(path, clock=Clock(day))
        try:
            assert everything(again.read()) == from_rows(path, day), day
            assert everything(again.read(Focus(Reach.WHOLE, day=day))) == everything(
                store.read(Focus(Reach.WHOLE, day=day))
            )
        finally:
            again.close()


def test_retention_drops_the_packs_of_the_versions_it_drops(tmp_path: Path, open_store: Callable[..., MemoryStore]):
    store = open_store(clock=Clock(NOW))
    apply_bundle(store, with_routing(acme()).write(tmp_path / "january"), effective=JANUARY)
    apply_bundle(store, reorg().write(tmp_path / "june"), effective=JUNE)
    with closing(sqlite3.connect(store.path)) as db:  # as a store of many loads may hold: every version packed
        data = db.execute("SELECT records, digest, data FROM packed WHERE version = 2").fetchone()
        db.execute("INSERT INTO packed VALUES (1, ?, ?, ?)", data)
        db.commit()
    assert [v.number for v in store.drop_versions(date(2026, 11, 1), "kept 30 days")] == [1]
    path = Path(store.path)
    assert packs(path) == [2]
    again = MemoryStore(path, clock=Clock(NOW))
    try:
        assert everything(again.read()) == from_rows(path)
    finally:
        again.close()


def test_another_process_s_load_is_read_from_its_pack(
    tmp_path: Path, open_store: Callable[..., MemoryStore], caplog: pytest.LogCaptureFixture
):
    serving = open_store(clock=Clock(NOW), refresh_seconds=0)
    apply_bundle(serving, with_routing(acme()).write(tmp_path / "january"), effective=JANUARY)
    loading = MemoryStore(serving.path, clock=Clock(NOW))
    try:
        apply_bundle(loading, reorg().write(tmp_path / "june"), effective=JUNE)
    finally:
        loading.close()
    caplog.set_level(logging.DEBUG, "buckstop.store")
    assert serving.read().version == 2
    assert everything(serving.read()) == from_rows(Path(serving.path))
    assert "version 2 of" in caplog.text and "read from its pack" in caplog.text
