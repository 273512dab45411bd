"""What will break: the findings of scheduled versions, before they take effect, on every backend.

Acme as it is from 2026-01-01; on 2027-01-01 (scheduled: the clock says 2026-12-03) Mia Moreau,
Head of Marketing, leaves. She owns Brightside's contract and Max reports to her: the agency's
contract owner has left, and @AcmeDeals' chains (through Max) get one level shorter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from buckstop.graph import MemoryStore, Store
from buckstop.graph.timeline import today
from buckstop.loaders import apply_bundle
from buckstop.queries import upcoming

from tests.conftest import focused_if
from tests.graph.test_time import Clock
from tests.orgs import acme

JANUARY, NEXT_YEAR = date(2026, 1, 1), date(2027, 1, 1)
NOW = date(2026, 12, 3)


@pytest.fixture
def scheduled(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, open_store: Callable[..., MemoryStore]
) -> Iterator[Store]:
    """Acme from January, and Mia leaving on 2027-01-01, with the clock at 2026-12-03."""
    store: Store
    if backend == "neo4j":
        store = request.getfixturevalue("neo4j_server").fresh()
        store.clock = Clock(NOW)  # type: ignore[attr-defined]
    else:
        store = focused_if(backend, open_store(clock=Clock(NOW)))
    apply_bundle(store, acme().write(tmp_path / "now"), effective=JANUARY)
    leaves = acme().change("people.csv", "p-mia", status="left")
    apply_bundle(store, leaves.write(tmp_path / "next-year"), effective=NEXT_YEAR)
    yield store
    if backend == "neo4j":
        store.clock = today  # type: ignore[attr-defined]
        request.getfixturevalue("neo4j_server").fresh()


def test_a_scheduled_leaver_s_findings_are_listed_before_their_day(scheduled: Store) -> None:
    found = upcoming(scheduled, timedelta(days=90))
    assert (found.start, found.end) == (NOW, NOW + timedelta(days=90))
    assert found.org.effective == JANUARY, "the answer is of the version in force today"
    [version] = found.versions
    assert (version.effective, version.before_version) == (NEXT_YEAR, 1)
    assert [p.id for p in version.leavers] == ["p-mia"] and version.joiners == ()
    kinds = {(f.kind, f.nodes[0]) for f in version.new_findings}
    assert ("contract-owner-left", "account:acc-deals") in kinds
    assert all(f.kind != "account-without-owner" for f in version.new_findings), "acme has that one already"
    assert "acc-deals" in version.shorter and version.longer == ()
    deals = [c for c in version.chains if c.account.id == "acc-deals"]
    assert deals and all(c.after == c.before - 1 for c in deals)
    summary = version.summary()
    assert summary.startswith("on 2027-01-01 Mia Moreau (Head of Marketing) leaves: ")
    assert "escalation chain" in summary and "get shorter" in summary


def test_a_window_that_ends_before_the_version_lists_nothing(scheduled: Store) -> None:
    assert upcoming(scheduled, timedelta(days=28)).versions == ()
    assert len(upcoming(scheduled, timedelta(days=29)).versions) == 1, "the window's last day counts"


def test_a_version_in_force_already_is_not_upcoming(scheduled: Store) -> None:
    assert upcoming(scheduled, timedelta(days=400), start=NEXT_YEAR).versions == ()
    [version] = upcoming(scheduled, timedelta(days=400), start=date(2025, 12, 1)).versions[:1]
    assert version.effective == JANUARY and version.before_version == 0
