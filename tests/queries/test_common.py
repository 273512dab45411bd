"""common_manager over the small Acme org and the demo org, on both backends."""

from __future__ import annotations

import pytest

from buckstop.graph.errors import UnknownPerson
from buckstop.queries.common import Headless, UnknownParty, common_manager

from tests.orgs import acme, ids


def test_the_lowest_manager_above_both(acme_store):
    answer = common_manager(acme_store, "Ann Lee", "Max Müller")
    assert answer.manager.id == "p-cora"
    assert ids(answer.path_a) == ["p-sue", "p-omar", "p-cora"]
    assert ids(answer.path_b) == ["p-mia", "p-cora"]
    assert "Cora Chen (p-cora) is the nearest manager above both" in answer.explanation[0]


def test_two_people_of_one_team_share_their_manager(acme_store):
    answer = common_manager(acme_store, "p-ann", "bob roy")
    assert answer.manager.id == "p-sue"
    assert (ids(answer.path_a), ids(answer.path_b)) == (["p-sue"], ["p-sue"])


def test_one_in_the_others_chain_is_the_answer(acme_store):
    answer = common_manager(acme_store, "p-dan", "Omar Ortiz")
    assert answer.manager.id == "p-omar"
    assert ids(answer.path_a) == ["p-sue", "p-omar"]
    assert answer.path_b == ()
    assert "is in the chain of command of Dan Diaz" in answer.explanation[0]


def test_a_person_and_themselves(acme_store):
    assert common_manager(acme_store, "p-ann", "ann@acme.example").manager.id == "p-ann"


def test_leavers_are_stepped_over(store_of):
    org = acme().change("people.csv", "p-sue", status="left")
    answer = common_manager(store_of(org), "p-ann", "p-dan")
    assert answer.manager.id == "p-omar"
    assert ids(answer.path_a) == ["p-omar"]


def test_different_trees_have_no_common_manager(store_of):
    org = acme().person("p-zed", "Zed Zane", department="d-mkt")  # a second top
    answer = common_manager(store_of(org), "p-ann", "Zed Zane")
    assert answer.manager is None
    assert (answer.path_a, answer.path_b) == ((), ())
    assert "different reporting trees" in answer.explanation[0]


def test_departments_stand_for_their_heads(acme_store):
    answer = common_manager(acme_store, "Customer Support", "d-mkt")
    assert (answer.a.id, answer.b.id, answer.manager.id) == ("p-sue", "p-mia", "p-cora")
    assert "Customer Support (d-support) stands as its head: Sue Park (p-sue)." in answer.explanation


def test_a_department_without_a_head_stands_for_the_nearest_head_above(acme_store):
    answer = common_manager(acme_store, "department:d-tier2", "p-bob")
    assert answer.a.id == "p-sue"
    assert answer.manager.id == "p-sue"


def test_a_department_whose_head_left_hands_on_to_their_manager(store_of):
    org = acme().change("people.csv", "p-mia", status="left")
    answer = common_manager(store_of(org), "Marketing", "p-omar")
    assert answer.a.id == "p-cora"


def test_a_department_with_no_head_anywhere_is_an_error(store_of):
    org = acme().department("d-lab", "Lab")
    with pytest.raises(Headless) as caught:
        common_manager(store_of(org), "Lab", "p-ann")
    assert str(caught.value) == "Lab (d-lab) has no head, nor has any department above it; ask about a person in it"


def test_unknown_names_suggest_people_and_departments(acme_store):
    with pytest.raises(UnknownParty) as caught:
        common_manager(acme_store, "Ann Le", "Marketting")
    assert str(caught.value).startswith("unknown person or department 'Ann Le'; did you mean 'Ann Lee'")
    with pytest.raises(UnknownParty) as caught:
        common_manager(acme_store, "p-ann", "Marketting")
    assert "Marketing" in caught.value.suggestions


def test_an_ambiguous_name_lists_the_ids(store_of):
    org = acme().person("p-ann2", "Ann Lee", department="d-mkt", manager="p-mia")
    with pytest.raises(UnknownPerson) as caught:
        common_manager(store_of(org), "Ann Lee", "p-max")
    assert caught.value.suggestions == ("p-ann", "p-ann2")


def test_a_private_address_is_not_a_name_in_the_public_view(acme_store):
    with pytest.raises(UnknownParty):
        common_manager(acme_store, "ann@acme.example", "p-max", private=False)


def test_the_demo_org_support_and_sales(corvid):
    answer = common_manager(corvid, "Liam Walsh", "Carmen Ortiz")
    assert answer.manager.id == "p-priya-raman"
    assert ids(answer.path_a) == ["p-gabriel-santos", "p-priya-raman"]
    assert ids(answer.path_b) == ["p-jamal-williams", "p-priya-raman"]
