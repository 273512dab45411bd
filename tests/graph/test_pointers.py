"""pointers_to: the records that name a person, directly or through the role or department they name."""

from __future__ import annotations

import pytest

from buckstop.graph import MemoryStore
from buckstop.graph.model import Kind, Ref, Rule
from buckstop.graph.org import Org
from buckstop.graph.pointers import pointers_to


@pytest.fixture
def org(acme_memory: MemoryStore) -> Org:
    """Acme, with two rules: one names Sue's department, the other Bob and Ann's role."""
    acme = acme_memory.read()
    rules = [
        Rule("r-dept", "it-support", Ref(Kind.DEPARTMENT, "d-support")),
        Rule("r-role", "it-billing", Ref(Kind.ROLE, "role-billing")),
    ]
    return Org([*acme.records(), *rules])


def seen(org: Org, *people: str) -> list[tuple[str, str, str | None]]:
    return [(p.key, p.person_id, str(p.via) if p.via else None) for p in pointers_to(org, set(people))]


def test_a_department_head_and_a_contract_owner_are_pointed_at_directly(org: Org) -> None:
    assert seen(org, "p-mia") == [("agency:ag-bright", "p-mia", None), ("department:d-mkt", "p-mia", None)]


def test_an_account_points_through_the_role_it_escalates_to(org: Org) -> None:
    assert seen(org, "p-max") == [
        ("account:acc-deals", "p-max", None),
        ("account:acc-help", "p-max", "role:role-social"),
        ("role:role-social", "p-max", None),
    ]


def test_a_rule_points_through_the_department_and_the_role_it_targets(org: Org) -> None:
    assert seen(org, "p-sue", "p-ann", "p-bob") == [
        ("rule:r-dept", "p-sue", "department:d-support"),
        ("rule:r-role", "p-bob", "role:role-billing"),  # the role's order: Bob, then Ann
        ("rule:r-role", "p-ann", "role:role-billing"),
        ("department:d-support", "p-sue", None),
        ("role:role-billing", "p-bob", None),
        ("role:role-billing", "p-ann", None),
    ]


def test_only_the_people_asked_about_and_one_step_through(org: Org) -> None:
    # Dan sits in Tier 2, which has no head: a rule on Support names Sue, never the people below her.
    assert seen(org, "p-dan") == []
    assert seen(org) == []
