"""A pinned store: one version of the org for every question of a request, on both backends."""

from __future__ import annotations

import pytest

from buckstop.graph import WHOLE, ChangeSet, Focus, MemoryStore
from buckstop.graph.model import Person
from buckstop.graph.pinned import OrgChanged, Pinned
from buckstop.graph.reach import Reach

from tests.conftest import focused_if

ANN = Focus(Reach.PERSON, ("p-ann",))


def people(title: str) -> ChangeSet:
    return ChangeSet.of([Person("p-cora", "Cora", title=title), Person("p-ann", "Ann", manager_id="p-cora")])


@pytest.fixture
def store(request, backend, tmp_path):
    if backend == "neo4j":
        yield request.getfixturevalue("neo4j_server").fresh()
        return
    opened = MemoryStore(tmp_path / "org.db", refresh_seconds=0)
    yield focused_if(backend, opened)
    opened.close()


def title_of_cora(pin: Pinned, focus: Focus) -> str | None:
    return pin.read(focus).people["p-cora"].title


def test_a_pin_answers_from_the_version_of_its_first_read(store, tmp_path):
    store.apply(people("CEO"))
    pin = Pinned(store)
    assert title_of_cora(pin, ANN) == "CEO"
    store.apply(people("Chief Executive"))  # a load lands between two questions of the request
    if store.name == "memory":
        assert title_of_cora(pin, WHOLE) == "CEO"  # the whole org it read answers every focus
    else:
        with pytest.raises(OrgChanged, match="changed from version 1 to 2 while answering; ask again"):
            pin.read(WHOLE)  # a partial org cannot: the request is asked again
    assert title_of_cora(Pinned(store), ANN) == "Chief Executive"  # a new request sees the new version


def test_a_write_through_the_pin_unpins_it(store):
    store.apply(people("CEO"))
    pin = Pinned(store)
    assert title_of_cora(pin, ANN) == "CEO"
    applied = pin.apply(people("Chief Executive"), actor="hr", summary="retitle")
    assert pin.wrote and applied.version == 2
    assert title_of_cora(pin, ANN) == "Chief Executive"
    assert store.changes(1)[0].actor == "hr"


def test_a_pin_passes_the_rest_to_its_store(store):
    pin = Pinned(store)
    assert pin.name == store.name and pin.ready()
    assert pin.tokens() == store.tokens() and pin.changes() == store.changes()
    pin.close()  # does not close the store it pins
    assert store.ready()
