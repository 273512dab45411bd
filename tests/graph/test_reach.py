"""Declared reaches: the focused memory store and Neo4j fetch the same records, and an under-fetch raises.

The property test draws, on seeded random orgs (``harness.synth``), names for every
:class:`~graph.reach.Reach` (ids, handles, names, e-mail addresses, synonyms,
fragments, and a few names nobody has) and holds that the records the focused
memory store's interpretation reaches are exactly those Neo4j's compiled Cypher
returns. A failure names its seed, reach and names.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from buckstop.graph import Focus, MemoryStore, Reach
from buckstop.graph.errors import IncompleteRead
from buckstop.graph.focused import FocusedStore
from buckstop.graph.model import EdgeKind, Kind, key
from buckstop.graph.neo4j.reads import compiled, query_for
from buckstop.graph.org import Org
from buckstop.graph.reach import Hop
from buckstop.loaders import apply_bundle
from buckstop.queries import boss, chain_of_command

from harness.synth import synth, write_bundle
from tests.orgs import OrgBuilder

UNKNOWN = ("nobody-at-all", "@NoSuchHandle", "zz unknown zz")


def keys_of(org: Org) -> set[str]:
    return {key(r.kind, r.id) for r in org.records()}


def askings(whole: Org, rng: random.Random) -> list[Focus]:
    """Foci for every reach, with names drawn from ``whole`` and a few unknown ones."""
    people = sorted(whole.people.values(), key=lambda p: p.id)
    accounts = sorted(whole.accounts.values(), key=lambda a: a.id)
    issues = sorted(whole.issue_types.values(), key=lambda i: i.id)
    departments = sorted(whole.departments.values(), key=lambda d: d.id)

    def person() -> str:
        p = rng.choice(people)
        return rng.choice([p.id, p.id.upper(), p.name, p.email or p.name, rng.choice(UNKNOWN)])

    def account() -> str:
        a = rng.choice(accounts)
        return rng.choice([a.id, a.handle, a.handle.lstrip("@").lower(), f"{a.platform}:{a.handle}", UNKNOWN[1]])

    def issue() -> str:
        i = rng.choice(issues)
        return rng.choice([i.id, i.name, *i.synonyms, UNKNOWN[0]])

    def department() -> str:
        d = rng.choice(departments)
        return rng.choice([d.id, d.name.upper(), UNKNOWN[2]])

    foci = [Focus(Reach.TOP), Focus(Reach.WHOLE), Focus.kinds(), Focus.kinds("absence", "rule", "bogus")]
    for _ in range(12):
        foci += [
            Focus(Reach.ROUTE, (account(), issue())),
            Focus(Reach.TRIAGE, (account(),)),
            Focus(Reach.PERSON, (person(),)),
            Focus(Reach.PEOPLE, (person(), person(), person())),
            Focus(Reach.IN_CHARGE, (rng.choice([account(), department()]),)),
            Focus(Reach.SEARCH, (rng.choice([person(), account(), issue(), "ada", "e"])[:6],)),
            Focus.kinds(*rng.sample([k.value for k in Kind], 2)),
            Focus.nodes(key(Kind.PERSON, rng.choice(people).id), key(Kind.RULE, "r-nope"), "garbage"),
        ]
    return foci


@pytest.mark.neo4j
@pytest.mark.parametrize(("seed", "size"), [(1, 60), (2, 150), (3, 400)])
def test_the_focused_store_reaches_what_neo4j_fetches(seed: int, size: int, tmp_path: Path, neo4j_server) -> None:
    folder = write_bundle(synth(size, seed=seed).records, tmp_path / "bundle")
    memory = MemoryStore(tmp_path / "org.db")
    apply_bundle(memory, folder)
    focused, neo4j = FocusedStore(memory), neo4j_server.load(folder)
    rng = random.Random(seed)
    for focus in askings(memory.read(), rng):
        mine, theirs = focused.read(focus), neo4j.read(focus)
        where = f"seed {seed}, {size} people: {focus.reach.name} {focus.names!r}"
        assert keys_of(mine) == keys_of(theirs), where
        assert (mine.version, mine.top_id, mine.partial) == (theirs.version, theirs.top_id, theirs.partial), where
    memory.close()


def chain_org(tmp_path: Path) -> MemoryStore:
    store = MemoryStore(tmp_path / "org.db")
    org = (
        OrgBuilder()
        .department("d-co", "Co", head="p-cora")
        .person("p-cora", "Cora Chen", department="d-co")
        .person("p-dan", "Dan Diaz", department="d-co", manager="p-cora")
        .person("p-eve", "Eve Eng", department="d-co", manager="p-dan")
    )
    apply_bundle(store, org.write(tmp_path / "bundle"))
    return store


def test_an_under_fetch_raises_instead_of_answering(tmp_path: Path) -> None:
    store = chain_org(tmp_path)
    spec = Reach.PERSON.spec
    # The person read without REPORTS_TO: Eve's manager is named but never fetched.
    narrowed = replace(spec, hops=tuple(_without(hop, EdgeKind.REPORTS_TO) for hop in spec.hops))
    focused = FocusedStore(store, {Reach.PERSON: narrowed})
    with pytest.raises(IncompleteRead) as raised:
        chain_of_command(focused, "p-eve")
    assert str(raised.value) == (
        "the person read did not fetch person:p-dan, which person:p-eve names as manager_id "
        "— the reach PERSON is missing a hop"
    )
    with pytest.raises(IncompleteRead):
        boss(focused, "Eve Eng")
    # Declared whole, the same questions answer.
    assert [p.id for p in chain_of_command(FocusedStore(store), "p-eve").above] == ["p-dan", "p-cora"]
    store.close()


def _without(hop: Hop, edge: EdgeKind) -> Hop:
    return replace(hop, edges=hop.edges - {edge})


def test_a_partial_org_raises_for_what_it_was_told_exists_and_misses_the_rest(tmp_path: Path) -> None:
    store = chain_org(tmp_path)
    whole = store.read()
    partial = Org([whole.people["p-eve"]], version=whole.version, partial=True, top_id="p-cora", reach="person")
    for lookup in (
        lambda: partial.people["p-dan"],
        lambda: partial.people.get("p-dan"),
        lambda: "p-dan" in partial.people,
        lambda: partial.get(Kind.PERSON, "p-dan"),
        lambda: partial.exists(Kind.PERSON, "p-dan"),
        lambda: partial.effective_manager("p-eve"),
        lambda: partial.of_kind(Kind.DEPARTMENT)["d-co"],  # Eve's department_id
        lambda: partial.people["p-cora"],  # the top
    ):
        with pytest.raises(IncompleteRead):
            lookup()
    # A name nobody references is a plain miss.
    assert partial.people.get("p-zed") is None and "p-zed" not in partial.people
    assert partial.get(Kind.PERSON, "p-zed") is None and not partial.exists(Kind.PERSON, "p-zed")
    with pytest.raises(KeyError):
        partial.people["p-zed"]
    # The reader that reads what is missing by key asks without raising.
    assert partial.fetched(Kind.PERSON, "p-dan") is None
    assert partial.people["p-eve"].name == "Eve Eng"
    store.close()


def test_iterating_a_kind_a_partial_org_holds_only_part_of_raises(tmp_path: Path) -> None:
    store = chain_org(tmp_path)
    route_part = FocusedStore(store).read(Focus(Reach.PERSON, ("p-eve",)))
    for iterate in (list, len, lambda people: people.values(), lambda people: people.items()):
        with pytest.raises(IncompleteRead, match="fetched only some records of the kind person"):
            iterate(route_part.people)
    every_person = FocusedStore(store).read(Focus.kinds("person"))
    assert sorted(every_person.people) == ["p-cora", "p-dan", "p-eve"]
    with pytest.raises(IncompleteRead):
        list(every_person.departments)  # a kind not asked for
    store.close()


def test_ancestors_on_a_partial_org_raise_where_the_chain_was_cut() -> None:
    from buckstop.graph.model import Department

    parts = [Department("d-a", "A", parent_id="d-b"), Department("d-b", "B", parent_id="d-c")]
    partial = Org(parts, partial=True, reach="in_charge")
    with pytest.raises(IncompleteRead, match="department:d-c, which department:d-b names as parent_id"):
        partial.ancestors(Kind.DEPARTMENT, "d-a")
    assert Org([*parts, Department("d-c", "C")]).ancestors(Kind.DEPARTMENT, "d-a") == ["d-b", "d-c"]


def test_incomplete_read_is_no_miss_a_caller_could_swallow() -> None:
    from buckstop.graph.errors import BuckstopError

    assert not issubclass(IncompleteRead, LookupError | BuckstopError)


def test_each_reach_compiles_once_with_every_value_a_parameter() -> None:
    text, params = query_for(Focus(Reach.ROUTE, ("@Evil'}) DETACH DELETE n //", "refund")))
    assert "Evil" not in text and "refund" not in text
    assert params["s0"] == ["@evil'}) detach delete n //"] and params["s1"] == ["refund"]
    assert query_for(Focus(Reach.ROUTE, ("a", "b")))[0] is text is compiled(Reach.ROUTE.spec)
