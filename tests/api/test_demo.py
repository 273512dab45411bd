"""The demo org's history (seed.VERSIONS), on every backend: a reorg behind it, one scheduled ahead of it,
dated from the day its store is made, so that today's answers are seed/'s on any day; and the first real
load drops what of the demo would come into force over the new org.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from buckstop import seed
from buckstop.api.stores import seed_if_empty
from buckstop.graph import WHOLE, BundleRefused, Focus, MemoryStore, Store
from buckstop.graph.model import Kind, Record
from buckstop.graph.org import Org
from buckstop.graph.reach import Reach
from buckstop.graph.store import holds_demo
from buckstop.graph.timeline import BEGINNING, today
from buckstop.loaders import apply_bundle, load

from harness.server import demo_store
from tests.api.test_cli import buckstop
from tests.conftest import focused_if
from tests.orgs import OrgBuilder


@pytest.fixture
def demo(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[Store]:
    """A store holding the demo org, seeded as ``buckstop serve`` seeds it."""
    if backend == "neo4j":
        store: Store = request.getfixturevalue("neo4j_server").fresh()
        assert seed_if_empty(store)
        yield store
        return
    opened = MemoryStore(tmp_path / "buckstop.db")
    assert seed_if_empty(opened)
    yield focused_if(backend, opened)
    opened.close()


def on(store: Store, day: date) -> Org:
    return store.read(Focus(Reach.WHOLE, day=day))


def records(org: Org) -> dict[tuple[Kind, str], Record]:
    return {(r.kind, r.id): r for r in org.records()}


def manager(store: Store, person: str, day: date) -> str | None:
    return on(store, day).people[person].manager_id


def ours(tmp_path: Path) -> Path:
    return (
        OrgBuilder()
        .department("d-co", "Co", head="p-cora")
        .person("p-cora", "Cora Chen", department="d-co")
        .person("p-dan", "Dan Diaz", department="d-co", manager="p-cora")
        .write(tmp_path / "ours", files=["departments.csv", "people.csv"])
    )


def test_the_demo_of_today_is_seed_as_shipped(demo: Store) -> None:
    shipped = MemoryStore()
    apply_bundle(shipped, seed.FOLDER)
    assert records(demo.read(WHOLE)) == records(shipped.read(WHOLE))
    assert records(on(demo, today() + timedelta(days=89))) == records(shipped.read(WHOLE))
    assert records(on(demo, today() - timedelta(days=180))) == records(shipped.read(WHOLE))


def test_the_demo_has_a_past_reorg_and_a_scheduled_one(demo: Store) -> None:
    made = today()
    versions = demo.timeline().versions
    assert [v.effective for v in versions] == [BEGINNING, made - timedelta(days=180), made + timedelta(days=90)]
    assert [c.actor for c in demo.changes()] == ["seed"] * 3 and holds_demo(demo)
    # Customer Support moved from Commercial to Operations 180 days ago
    assert manager(demo, "p-rachel-nguyen", made - timedelta(days=181)) == "p-priya-raman"
    assert manager(demo, "p-rachel-nguyen", made - timedelta(days=180)) == "p-daniel-okafor"
    assert on(demo, made - timedelta(days=181)).departments["dept-support"].parent_id == "dept-commercial"
    # in 90 days Business Sales moves up under the CCO, and a Data Protection Officer joins
    assert manager(demo, "p-catherine-byrne", made + timedelta(days=89)) == "p-jamal-williams"
    later = on(demo, made + timedelta(days=90))
    assert later.people["p-catherine-byrne"].manager_id == "p-priya-raman"
    assert later.roles["role-dpo"].holder_ids == ("p-nina-ford",)
    assert "p-nina-ford" not in demo.read(WHOLE).people


def test_the_first_load_drops_the_demos_scheduled_version(demo: Store, tmp_path: Path) -> None:
    done = load(demo, ours(tmp_path), actor="hr")
    assert done.applied is not None and done.applied.version == 4  # 3 was the demo's scheduled one
    assert not any("between two versions" in note for note in done.notes)
    assert [v.number for v in demo.timeline().versions] == [1, 2, 4]
    assert [c.version for c in demo.changes()] == [4, 2, 1]
    for day in (today(), today() + timedelta(days=90), today() + timedelta(days=3650)):
        assert sorted(on(demo, day).people) == ["p-cora", "p-dan"], day
    # the dropped version's number is never given again (an org built for it may still be cached)
    again = load(demo, ours(tmp_path), actor="hr", effective=today() + timedelta(days=90))
    assert again.applied is not None and again.applied.version == 5


def test_a_first_load_dated_before_the_demos_reorg_drops_the_reorg_too(demo: Store, tmp_path: Path) -> None:
    day = today() - timedelta(days=365)
    load(demo, ours(tmp_path), actor="hr", effective=day)
    assert [(v.number, v.effective) for v in demo.timeline().versions] == [(1, BEGINNING), (4, day)]
    assert sorted(demo.read(WHOLE).people) == ["p-cora", "p-dan"]
    assert manager(demo, "p-rachel-nguyen", day - timedelta(days=1)) == "p-priya-raman"  # the demo before it stays


def test_a_refused_first_load_leaves_the_demo_and_its_history_whole(demo: Store, tmp_path: Path) -> None:
    bad = OrgBuilder().person("p-a", "Ann", manager="p-nobody").write(tmp_path / "bad", files=["people.csv"])
    with pytest.raises(BundleRefused):
        load(demo, bad, actor="hr")
    assert [v.number for v in demo.timeline().versions] == [1, 2, 3]
    assert holds_demo(demo)


@pytest.mark.slow
def test_the_cli_shows_the_demos_history_and_a_load_leaves_no_scheduled_demo(tmp_path: Path) -> None:
    db = demo_store(tmp_path / "buckstop.db")
    listed = buckstop("changes", db=db).stdout
    assert f"{today() + timedelta(days=90)} (scheduled)" in listed and " beginning " in listed
    past = (today() - timedelta(days=181)).isoformat()
    chain = json.loads(buckstop("chain", "Rachel Nguyen", "--as-of", past, "--json", db=db).stdout)
    assert [p["id"] for p in chain["above"]] == ["p-priya-raman", "p-helena-marsh"]

    assert buckstop("load", str(ours(tmp_path)), db=db).returncode == 0
    future = (today() + timedelta(days=120)).isoformat()
    assert "Cora Chen" in buckstop("top", "--as-of", future, db=db).stdout
    assert "(scheduled)" not in buckstop("changes", db=db).stdout
