"""Resolver: a target (person, role, department) to the people who act, on one day.

The routing tests cover each substitution through ``route``; these cover the
resolver's own edges: who is available, and targets that resolve to nobody.
"""

from __future__ import annotations

from datetime import timedelta

from buckstop.graph.codec import parse_ref
from buckstop.queries.resolve import Resolver, available_delegate, delegate_of

from tests.orgs import DAY, OrgBuilder, acme


def resolver(store_of, org: OrgBuilder) -> Resolver:
    return Resolver(store_of(org).read(), DAY)


def test_available_means_active_and_not_away_on_the_day(store_of):
    r = resolver(store_of, acme().absence("p-ann", DAY, DAY).change("people.csv", "p-bob", status="absent"))
    people = r.org.people
    assert [r.available(people[p]) for p in ("p-sue", "p-ann", "p-bob", "p-lou")] == [True, False, False, False]
    assert Resolver(r.org, DAY + timedelta(days=1)).available(people["p-ann"])


def test_an_absence_covered_by_its_delegate_only_while_the_delegate_is_available(store_of):
    org = acme().absence("p-ann", DAY, DAY, delegate="p-bob").absence("p-sue", DAY, DAY, delegate="p-ann")
    org = org.absence("p-bob", DAY + timedelta(days=1), DAY + timedelta(days=1))
    r = resolver(store_of, org)
    people = r.org.people
    assert available_delegate(r.org, people["p-ann"], DAY) == people["p-bob"]
    assert delegate_of(r.org, people["p-sue"], DAY) == people["p-ann"]
    assert available_delegate(r.org, people["p-sue"], DAY) is None  # Ann is away herself
    assert delegate_of(r.org, people["p-ann"], DAY + timedelta(days=1)) is None  # back: no absence, no delegate
    assert available_delegate(r.org, people["p-max"], DAY) is None


def test_target_resolves_each_kind_of_reference(store_of):
    r = resolver(store_of, acme())
    assert r.target(parse_ref("person:p-ann")) == ["p-ann"]
    assert r.target(parse_ref("role:role-billing")) == ["p-ann", "p-bob"]
    assert r.target(parse_ref("department:d-mkt")) == ["p-mia"]
    assert r.notes == ["Marketing (d-mkt) is headed by Mia Moreau (p-mia)."]


def test_absent_person_with_nobody_above_keeps_it(store_of):
    r = resolver(store_of, acme().absence("p-cora", DAY, DAY))
    assert r.person("p-cora") == ["p-cora"]
    assert r.notes[-1] == "Nobody is above Cora Chen (p-cora) to cover; it stays with them."


def test_leaver_with_nobody_above_resolves_to_nobody(store_of):
    r = resolver(store_of, acme().change("people.csv", "p-cora", status="left"))
    assert r.person("p-cora") == []
    assert r.notes == ["Cora Chen (p-cora) has left.", "Nobody is above Cora Chen (p-cora) to take over."]


def test_headless_department_at_the_root_resolves_to_nobody(store_of):
    r = resolver(store_of, acme().change("departments.csv", "d-acme", head_id=""))
    assert r.department("d-acme") == []
    assert r.notes == ["Acme (d-acme) has no head and no parent department."]


def test_vacant_role_outside_any_department_resolves_to_nobody(store_of):
    r = resolver(store_of, acme().role("role-floating", "Floater"))
    assert r.role("role-floating") == []
    assert r.notes == ["role Floater (role-floating) is vacant and belongs to no department."]


def test_unknown_ids_resolve_to_nobody(store_of):
    r = resolver(store_of, acme())
    assert r.person("p-nobody") == r.role("role-nobody") == r.department("d-nobody") == []
