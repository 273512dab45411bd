"""Versions with effective dates, on every backend: each period answers with its own org.

Three loads, effective 2026-01-01, 2026-06-01 and 2027-01-01, with the clock at 2026-12-03 (the
last one is scheduled); the clock is moved by the store's clock function, never by sleeping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from buckstop.graph import BundleRefused, MemoryStore, Store
from buckstop.graph.dated import as_of
from buckstop.graph.timeline import BadDate, parse_day, today
from buckstop.loaders import apply_bundle
from buckstop.queries import boss, chain_of_command, route, top

from tests.conftest import focused_if
from tests.orgs import OrgBuilder, acme

JANUARY, JUNE, NEXT_YEAR = date(2026, 1, 1), date(2026, 6, 1), date(2027, 1, 1)
NOW = date(2026, 12, 3)


class Clock:
    """A clock a test moves."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


def with_routing(org: OrgBuilder) -> OrgBuilder:
    return org.rule("r-refund", "it-refund", "account:acc-help", "person:p-ann")


def reorg() -> OrgBuilder:
    """June: Customer Support moves under Marketing (Sue reports to Mia); the refunds go to Bob."""
    org = acme().change("people.csv", "p-sue", manager_id="p-mia")
    return org.rule("r-refund", "it-refund", "account:acc-help", "person:p-bob")


def new_ceo() -> OrgBuilder:
    """Next year: Zed Zane becomes the CEO, above Cora."""
    org = reorg().change("people.csv", "p-cora", manager_id="p-zed", title="President")
    return org.person("p-zed", "Zed Zane", department="d-acme", title="CEO")


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def empty(
    request: pytest.FixtureRequest, backend: str, clock: Clock, open_store: Callable[..., MemoryStore]
) -> Iterator[Store]:
    """A fresh store of ``backend`` with the test's clock."""
    if backend == "neo4j":
        store = request.getfixturevalue("neo4j_server").fresh()
        store.clock = clock
        yield store
        store.clock = today
        request.getfixturevalue("neo4j_server").fresh()
    else:
        yield focused_if(backend, open_store(clock=clock))


@pytest.fixture
def history(empty: Store, tmp_path: Path) -> Store:
    apply_bundle(empty, with_routing(acme()).write(tmp_path / "january"), effective=JANUARY)
    apply_bundle(empty, new_ceo().write(tmp_path / "next-year"), effective=NEXT_YEAR)
    # Loaded last, between the two others: the scheduled version stays as it was.
    apply_bundle(empty, reorg().write(tmp_path / "june"), effective=JUNE)
    return empty


def test_each_period_answers_with_its_version(history: Store) -> None:
    for day, ceo, sue_boss, chain, refunds, effective in [
        (date(2026, 3, 15), "p-cora", "p-omar", ["p-omar", "p-cora"], "p-ann", JANUARY),
        (JUNE, "p-cora", "p-mia", ["p-mia", "p-cora"], "p-bob", JUNE),
        (NOW, "p-cora", "p-mia", ["p-mia", "p-cora"], "p-bob", JUNE),
        (NEXT_YEAR, "p-zed", "p-mia", ["p-mia", "p-cora", "p-zed"], "p-bob", NEXT_YEAR),
    ]:
        dated = as_of(history, day)
        person, org = top(dated)
        assert person is not None and person.id == ceo, day
        assert org.effective == effective, day
        manager, _ = boss(dated, "p-sue")
        assert manager is not None and manager.id == sue_boss, day
        assert [p.id for p in chain_of_command(dated, "p-sue").above] == chain, day
        assert [p.id for p in route(dated, "@AcmeHelp", "refund").handlers] == [refunds], day


def test_before_the_first_version_there_is_no_org(history: Store) -> None:
    person, org = top(as_of(history, date(2025, 12, 31)))
    assert person is None and org.effective is None


def test_a_scheduled_version_comes_into_force_on_its_day_without_a_restart(history: Store, clock: Clock) -> None:
    person, _ = top(history)
    assert person is not None and person.id == "p-cora"
    clock.day = date(2026, 12, 31)
    person, _ = top(history)
    assert person is not None and person.id == "p-cora"
    clock.day = NEXT_YEAR
    person, org = top(history)
    assert person is not None and person.id == "p-zed"
    assert org.effective == NEXT_YEAR


def test_a_version_loaded_for_tomorrow_answers_today_until_tomorrow_comes(
    empty: Store, clock: Clock, tmp_path: Path
) -> None:
    apply_bundle(empty, with_routing(acme()).write(tmp_path / "now"), effective=NOW)
    tomorrow = date(2026, 12, 4)
    apply_bundle(empty, new_ceo().write(tmp_path / "tomorrow"), effective=tomorrow)  # the newest load
    for day, ceo, sue_boss, refunds in [(NOW, "p-cora", "p-omar", "p-ann"), (tomorrow, "p-zed", "p-mia", "p-bob")]:
        clock.day = day  # no restart, no reload: the same store object
        person, org = top(empty)
        assert person is not None and person.id == ceo and org.effective == day, day
        manager, _ = boss(empty, "p-sue")
        assert manager is not None and manager.id == sue_boss, day
        assert chain_of_command(empty, "p-sue").above[0].id == sue_boss, day
        assert [p.id for p in route(empty, "@AcmeHelp", "refund").handlers] == [refunds], day


def test_loading_between_two_versions_says_so(empty: Store, tmp_path: Path) -> None:
    apply_bundle(empty, acme().write(tmp_path / "a"), effective=JANUARY)
    apply_bundle(empty, new_ceo().write(tmp_path / "c"), effective=NEXT_YEAR)
    _, applied = apply_bundle(empty, reorg().write(tmp_path / "b"), effective=JUNE)
    assert applied is not None and applied.effective == JUNE and applied.precedes == NEXT_YEAR
    changes = empty.changes()
    assert [c.effective for c in changes] == [JUNE, NEXT_YEAR, JANUARY]
    assert [(v.effective, v.number) for v in empty.timeline().versions] == [(JANUARY, 1), (JUNE, 3), (NEXT_YEAR, 2)]


def test_a_load_on_a_versions_day_corrects_it(empty: Store, tmp_path: Path) -> None:
    apply_bundle(empty, acme().write(tmp_path / "a"), effective=JANUARY)
    apply_bundle(empty, reorg().write(tmp_path / "b"), effective=JANUARY)
    manager, org = boss(as_of(empty, JANUARY), "p-sue")
    assert manager is not None and manager.id == "p-mia" and org.version == 2


def test_a_refused_version_changes_nothing(history: Store, tmp_path: Path) -> None:
    before = history.changes()
    cycle = reorg().change("people.csv", "p-cora", manager_id="p-sue")
    # Loaded between January and June: the cycle would hold from its day until June's version, and says so.
    with pytest.raises(BundleRefused, match=r"from 2026-02-01 until 2026-06-01: reporting cycle: p-cora → p-sue"):
        apply_bundle(history, cycle.write(tmp_path / "cycle"), effective=date(2026, 2, 1))
    assert history.changes() == before
    manager, _ = boss(as_of(history, date(2026, 2, 1)), "p-sue")
    assert manager is not None and manager.id == "p-omar"


@pytest.mark.parametrize("text", ["2026-13-01", "soon", "01/06/2026", ""])
def test_a_date_that_does_not_parse_is_refused_naming_it(text: str) -> None:
    with pytest.raises(BadDate, match=f"{text!r} is not a date: give YYYY-MM-DD"):
        parse_day(text, "the effective date")


def test_a_date_time_is_its_utc_day() -> None:
    assert parse_day("2026-05-31T23:30:00-02:00") == JUNE
    assert parse_day("2026-06-01T00:00:00") == JUNE


def test_a_store_of_schema_1_becomes_one_version_in_force_from_the_beginning(tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    from buckstop.graph.codec import dumps
    from buckstop.graph.model import Person

    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE records (kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, id));
            CREATE TABLE changes (version INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
                                  summary TEXT NOT NULL, records INTEGER NOT NULL);
            INSERT INTO meta VALUES ('version', '3'), ('schema', '1');
            INSERT INTO changes VALUES (3, '2026-01-05T10:00:00+00:00', 'cli:ann', 'loaded', 1);
            """
        )
        db.execute("INSERT INTO records VALUES ('person', 'p-ann', ?)", (dumps(Person("p-ann", "Ann Lee")),))
        db.commit()
    store = MemoryStore(path, clock=Clock(NOW))
    try:
        org = store.read()
        assert list(org.people) == ["p-ann"] and org.version == 3 and org.effective is None
        assert list(as_of(store, date(1990, 1, 1)).read().people) == ["p-ann"]
        assert store.changes()[0].effective is not None
    finally:
        store.close()
