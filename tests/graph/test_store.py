"""The store contract: one consistent read, one atomic write. Every backend must pass these.

The ``store`` fixture is parametrised over the backends (see tests/conftest.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from buckstop.graph import WHOLE, BundleRefused, ChangeSet, Focus, MemoryStore
from buckstop.graph.errors import TokenExists, UnknownToken
from buckstop.graph.model import Department, Kind, Person, Source
from buckstop.graph.reach import Reach
from buckstop.graph.store import DEMO_ACTOR, holds_demo
from buckstop.graph.tokens import Scope, Token, digest, new_secret

from tests.conftest import focused_if


@pytest.fixture
def store(request, backend, tmp_path):
    if backend == "neo4j":
        yield request.getfixturevalue("neo4j_server").fresh()
        return
    opened = MemoryStore(tmp_path / "org.db")
    yield focused_if(backend, opened)
    opened.close()


def people(*ids: str, manager: str | None = None) -> list[Person]:
    return [Person(id, id.upper(), manager_id=manager, source=Source("people.csv", n)) for n, id in enumerate(ids, 2)]


def test_a_new_store_is_empty_and_ready(store):
    org = store.read()
    assert org.empty and org.version == 0
    assert store.ready()


def test_apply_returns_what_it_did(store):
    applied = store.apply(ChangeSet.of(people("p1", "p2")), actor="hr", summary="first load")
    assert (applied.version, applied.records) == (1, 2)
    assert applied.before.empty
    assert set(applied.after.people) == {"p1", "p2"}
    assert store.read().version == 1
    assert set(store.read().people) == {"p1", "p2"}


def test_a_focused_read_holds_what_the_question_needs(store):
    store.apply(ChangeSet.of([*people("p1"), *people("p2", manager="p1"), Department("d", "D", head_id="p1")]))
    org = store.read(Focus(Reach.PERSON, ("p2",)))
    assert "p1" in org.people and "p2" in org.people
    assert org.version == 1


def test_the_memory_backend_reads_the_whole_org_whatever_the_focus(tmp_path):
    store = MemoryStore(tmp_path / "org.db")
    applied = store.apply(ChangeSet.of([*people("p1"), Department("d", "D", head_id="p1")]))
    for focus in (WHOLE, Focus(Reach.ROUTE, ("@AcmeHelp", "refund")), Focus(Reach.PERSON, ("p1",))):
        assert store.read(focus) is applied.after
    store.close()


def test_each_apply_bumps_the_version(store):
    store.apply(ChangeSet.of(people("p1")))
    store.apply(ChangeSet.of(people("p2")))
    assert store.read().version == 2


def test_apply_replaces_only_the_kinds_named(store):
    store.apply(ChangeSet.of([*people("p1", "p2"), Department("d", "D", head_id="p1")]))
    store.apply(ChangeSet.of(people("p1", "p3")))
    org = store.read()
    assert set(org.people) == {"p1", "p3"}
    assert set(org.departments) == {"d"}


def test_naming_a_kind_with_no_records_clears_it(store):
    store.apply(ChangeSet.of([*people("p1"), Department("d", "D")]))
    store.apply(ChangeSet.of([], kinds=[Kind.DEPARTMENT]))
    assert not store.read().departments
    assert set(store.read().people) == {"p1"}


def test_a_refused_change_changes_nothing(store):
    store.apply(ChangeSet.of([*people("p1", "p2"), Department("d", "D", head_id="p1")]))
    before = store.read()
    bad = ChangeSet.of([*people("p3", "p4", manager="p-ghost")])  # also orphans the head of d
    with pytest.raises(BundleRefused) as caught:
        store.apply(bad)
    assert [str(p) for p in caught.value.problems] == [
        "departments [head_id]: unknown person 'p1'",
        "people.csv:2 [manager_id]: unknown person 'p-ghost'",
        "people.csv:3 [manager_id]: unknown person 'p-ghost'",
    ]
    after = store.read()
    assert after.version == before.version == 1 and set(after.people) == {"p1", "p2"}


# -- the log and the tokens ------------------------------------------------------


def test_every_apply_is_logged_with_who_and_what(store):
    store.apply(ChangeSet.of(people("p1")), actor="hr-pipeline", summary="people.csv: 1 person")
    store.apply(ChangeSet.of(people("p1", "p2")), actor="cli:ops", summary="people.csv: 2 people")
    newest, oldest = store.changes()
    assert (newest.version, newest.actor, newest.summary, newest.records) == (2, "cli:ops", "people.csv: 2 people", 2)
    assert (oldest.version, oldest.actor) == (1, "hr-pipeline")
    assert newest.at >= oldest.at
    assert store.changes(limit=1) == [newest]


def test_a_refused_apply_is_not_logged(store):
    store.apply(ChangeSet.of(people("p1")), actor="hr")
    with pytest.raises(BundleRefused):
        store.apply(ChangeSet.of(people("p1", manager="nobody")), actor="hr")
    assert [c.version for c in store.changes()] == [1]


def _token(name: str, scope: Scope = Scope.READ) -> tuple[str, Token]:
    secret = new_secret()
    return secret, Token(name, scope, digest(secret), datetime(2026, 12, 1, 9, 30, tzinfo=UTC))


def test_a_token_is_found_by_its_digest_and_never_kept_as_a_secret(store):
    secret, token = _token("grafana")
    store.add_token(token)
    assert store.token(digest(secret)) == token
    assert store.token(digest(secret + "x")) is None
    assert secret not in repr(store.tokens())


def test_token_names_are_unique_among_active_tokens(store):
    store.add_token(_token("ci", Scope.ADMIN)[1])
    with pytest.raises(TokenExists, match="'ci' is in use"):
        store.add_token(_token("ci")[1])
    revoked = store.revoke_token("ci")
    assert revoked.revoked is not None and not revoked.active
    store.add_token(_token("ci")[1])  # the name is free again
    assert sorted((t.name, t.active) for t in store.tokens()) == [("ci", False), ("ci", True)]


def test_revoking_an_unknown_token_names_it_and_suggests(store):
    store.add_token(_token("grafana")[1])
    with pytest.raises(UnknownToken, match="unknown token 'grafna'; did you mean 'grafana'"):
        store.revoke_token("grafna")


def test_the_demo_is_known_by_the_actor_of_the_newest_change(store):
    assert not holds_demo(store)  # an empty store holds nothing, not the demo
    store.apply(ChangeSet.of(people("p1")), actor=DEMO_ACTOR, summary="the demo")
    assert holds_demo(store)
    store.add_token(Token("t", Scope.READ, digest(new_secret()), datetime.now(UTC)))
    assert holds_demo(store)  # a token is not a change of the org
    store.apply(ChangeSet.of(people("p2")), actor="hr", summary="ours")
    assert not holds_demo(store)


def test_a_summary_may_be_made_from_the_orgs_before_and_after(store):
    store.apply(ChangeSet.of(people("p1")), actor="hr")
    seen: list[tuple[int, int]] = []

    def summary(before, after) -> str:
        seen.append((len(before.people), len(after.people)))
        return f"{len(before.people)} → {len(after.people)} people"

    store.apply(ChangeSet.of(people("p1", "p2", "p3")), actor="hr", summary=summary)
    assert seen[-1] == (1, 3)
    assert store.changes(1)[0].summary == "1 → 3 people"
