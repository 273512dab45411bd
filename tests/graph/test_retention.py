"""Retention on every backend: versions whose successor came into force long ago are dropped, folded into the
oldest kept one, and every day still answered answers as before.

The history of tests/graph/test_time.py: Acme from 2026-01-01 (version 1), the June reorg (version 3, loaded
last) and the new CEO scheduled for 2027-01-01 (version 2), with the clock at 2026-12-03.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from buckstop.graph import MemoryStore, Store
from buckstop.graph.model import Kind, Record
from buckstop.graph.org import Org
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus
from buckstop.loaders import apply_bundle

from tests.graph.test_time import JANUARY, JUNE, NEXT_YEAR, NOW, clock, empty, history  # noqa: F401 (fixtures)
from tests.orgs import acme

WHY = "versions are kept 90 days"
CUTOFF = NOW - timedelta(days=90)
DAYS = [JUNE, date(2026, 9, 1), NOW, NEXT_YEAR, date(2027, 6, 1)]


def records(store: Store, day: date) -> dict[tuple[Kind, str], Record]:
    org: Org = store.read(Focus(Reach.WHOLE, day=day))
    return {(r.kind, r.id): r for r in org.records()}


def from_storage(store: Store) -> Store:
    """``store`` read again from what it stored, not from the orgs it keeps built (a load keeps the org it made)."""
    inner = getattr(store, "store", store)
    if isinstance(inner, MemoryStore):
        return MemoryStore(inner.path, clock=inner.clock)
    inner._cache.clear()  # type: ignore[attr-defined]
    return store


def test_an_expired_version_is_dropped_and_every_day_kept_answers_as_before(history: Store) -> None:  # noqa: F811
    before = {day: records(history, day) for day in DAYS}
    assert [v.number for v in history.drop_versions(CUTOFF, WHY)] == [1]
    assert [v.number for v in history.timeline().versions] == [3, 2], "never the one in force, nor a scheduled one"
    assert {day: records(history, day) for day in DAYS} == before
    assert {day: records(from_storage(history), day) for day in DAYS} == before
    assert records(history, date(2026, 3, 15)) == {}, "before the oldest kept version there is no org"
    [dropped] = [c for c in history.changes() if c.version == 1]
    assert dropped.effective is None
    assert dropped.summary.endswith(f" [dropped {NOW}: {WHY}; it was effective {JANUARY}]")
    assert history.drop_versions(CUTOFF, WHY) == [], "nothing more to drop"


def test_nothing_is_dropped_while_the_successor_is_recent(history: Store) -> None:  # noqa: F811
    assert history.drop_versions(JUNE, WHY) == []
    assert len(history.timeline()) == 3


def test_a_version_loaded_before_the_oldest_kept_one_sees_only_its_own_records(
    history: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    june = records(history, JUNE)
    history.drop_versions(CUTOFF, WHY)
    march = acme().person("p-new", "Nia New", department="d-acme", manager="p-cora")
    march.rows["roles.csv"] = [r for r in march.rows["roles.csv"] if r["id"] != "role-approver"]
    apply_bundle(history, march.write(tmp_path / "march"), effective=date(2026, 3, 1))
    read = from_storage(history)
    in_march = records(read, date(2026, 3, 15))
    assert (Kind.PERSON, "p-new") in in_march and in_march[(Kind.PERSON, "p-sue")].manager_id == "p-omar"  # type: ignore[union-attr]
    assert (Kind.ROLE, "role-approver") not in in_march, "a record of the folded versions is not in it"
    assert records(read, JUNE) == june, "the version after it stays as it was"
