"""chain_of_command, boss, top and who_is_in_charge over the small Acme org."""

from __future__ import annotations

from dataclasses import replace

import pytest

from buckstop.graph.errors import UnknownName, UnknownPerson
from buckstop.graph.model import Kind, Ref
from buckstop.queries import boss, chain_of_command, direct_reports, top, who_is_in_charge
from buckstop.queries.chain import answerable_for

from tests.orgs import OrgBuilder, acme, ids

# -- chain_of_command ----------------------------------------------------------


def test_chain_of_command_is_nearest_first_without_the_person(acme_store):
    chain = chain_of_command(acme_store, "p-ann")
    assert chain.person.id == "p-ann"
    assert ids(chain.above) == ["p-sue", "p-omar", "p-cora"]


def test_chain_of_command_steps_over_people_who_left(store_of):
    org = acme().change("people.csv", "p-sue", status="left")
    assert ids(chain_of_command(store_of(org), "p-ann").above) == ["p-omar", "p-cora"]


def test_chain_of_command_keeps_absent_people(store_of):
    org = acme().change("people.csv", "p-sue", status="absent")
    assert ids(chain_of_command(store_of(org), "p-ann").above) == ["p-sue", "p-omar", "p-cora"]


def test_chain_of_command_of_the_top_is_empty(acme_store):
    assert chain_of_command(acme_store, "p-cora").above == ()


def test_chain_of_command_ends_when_everyone_above_has_left(store_of):
    org = acme().change("people.csv", "p-omar", status="left").change("people.csv", "p-cora", status="left")
    assert ids(chain_of_command(store_of(org), "p-ann").above) == ["p-sue"]


@pytest.mark.parametrize("asked", ["p-ann", "Ann Lee", "ann lee", "ANN@ACME.EXAMPLE"])
def test_people_are_found_by_id_name_or_email(acme_store, asked):
    assert chain_of_command(acme_store, asked).person.id == "p-ann"


def test_people_are_found_by_name_ignoring_accents(acme_store):
    assert chain_of_command(acme_store, "max muller").person.id == "p-max"


def test_unknown_person_is_an_error_with_suggestions(acme_store):
    with pytest.raises(UnknownPerson) as caught:
        chain_of_command(acme_store, "Ann Le")
    assert caught.value.asked == "Ann Le"
    assert "Ann Lee" in caught.value.suggestions
    assert str(caught.value).startswith("unknown person 'Ann Le'; did you mean 'Ann Lee'")


def test_a_name_two_people_share_is_an_error_naming_both(store_of):
    org = acme().person("p-ann2", "Ann Lee", department="d-mkt", manager="p-mia")
    with pytest.raises(UnknownPerson) as caught:
        chain_of_command(store_of(org), "Ann Lee")
    assert caught.value.suggestions == ("p-ann", "p-ann2")


# -- boss ----------------------------------------------------------------------


def test_boss_is_the_manager(acme_store):
    person, _org = boss(acme_store, "p-ann")
    assert person.id == "p-sue"


def test_boss_steps_over_a_manager_who_left(store_of):
    org = acme().change("people.csv", "p-sue", status="left")
    person, _org = boss(store_of(org), "Ann Lee")
    assert person.id == "p-omar"


def test_the_top_has_no_boss(acme_store):
    person, _org = boss(acme_store, "p-cora")
    assert person is None


def test_boss_of_an_unknown_person_is_an_error(acme_store):
    with pytest.raises(UnknownPerson, match="unknown person 'p-nobody'"):
        boss(acme_store, "p-nobody")


# -- top -----------------------------------------------------------------------


def test_top_is_the_head_of_the_largest_reporting_tree(store_of):
    org = acme().person("p-solo", "Solo Contractor")  # a tree of one, next to Cora's
    person, _org = top(store_of(org))
    assert person.id == "p-cora"


def test_top_ties_go_to_the_smallest_id(store_of):
    org = OrgBuilder()
    org.person("p-zed", "Zed").person("p-zed-report", "Zed's report", manager="p-zed")
    org.person("p-amy", "Amy").person("p-amy-report", "Amy's report", manager="p-amy")
    person, _org = top(store_of(org))
    assert person.id == "p-amy"


def test_top_is_never_someone_who_left(store_of):
    org = acme().change("people.csv", "p-cora", status="left")
    person, _org = top(store_of(org))  # Omar's tree (Omar, Sue, Ann, Bob, Dan) beats Mia's (Mia, Max)
    assert person.id == "p-omar"


def test_leavers_do_not_count_towards_a_tree(store_of):
    org = OrgBuilder()
    org.person("p-amy", "Amy").person("p-amy-report", "Amy's report", manager="p-amy", status="left")
    org.person("p-zed", "Zed").person("p-zed-report", "Zed's report", manager="p-zed")
    person, _org = top(store_of(org))
    assert person.id == "p-zed"


def test_an_org_without_people_has_no_top(open_store):
    person, _org = top(open_store())
    assert person is None


# -- who is in charge ----------------------------------------------------------


def test_in_charge_of_a_department_is_its_head_then_their_chain(acme_store):
    answer = who_is_in_charge(acme_store, "d-support")
    assert ids(answer.people) == ["p-sue", "p-omar", "p-cora"]
    assert answer.of == "Customer Support (d-support)"


@pytest.mark.parametrize("asked", ["d-support", "Customer Support", "customer  SUPPORT", "D-SUPPORT"])
def test_departments_are_found_by_id_or_name(acme_store, asked):
    assert ids(who_is_in_charge(acme_store, asked).people)[0] == "p-sue"


def test_in_charge_of_a_department_without_head_is_the_nearest_head_above(acme_store):
    answer = who_is_in_charge(acme_store, "Tier 2")
    assert ids(answer.people) == ["p-sue", "p-omar", "p-cora"]
    assert answer.explanation == (
        "Tier 2 (d-tier2) has no head.",
        "Customer Support (d-support) is headed by Sue Park (p-sue).",
    )


def test_in_charge_of_an_account_is_in_charge_of_its_owning_department(acme_store):
    answer = who_is_in_charge(acme_store, "@AcmeDeals")  # owned by marketing, run by an agency
    assert ids(answer.people) == ["p-mia", "p-cora"]
    assert answer.explanation[0] == "@AcmeDeals (twitter) is owned by Marketing (d-mkt)."


def test_in_charge_of_an_agency_run_account_without_owner_is_the_contract_owner(acme_store):
    answer = who_is_in_charge(acme_store, "@acme.promo")
    assert ids(answer.people) == ["p-mia", "p-cora"]
    assert "answered for by its contract owner" in answer.explanation[0]


def test_in_charge_of_a_department_run_account_without_owner_is_that_departments_head(store_of):
    org = acme().change("accounts.csv", "acc-promo", operated_by="department:d-ops")
    assert ids(who_is_in_charge(store_of(org), "@acme.promo").people) == ["p-omar", "p-cora"]


def test_in_charge_of_an_account_with_nobody_named_is_the_top(store_of):
    org = acme().change("agencies.csv", "ag-bright", contract_owner_id="")
    answer = who_is_in_charge(store_of(org), "@acme.promo")
    assert ids(answer.people) == ["p-cora"]
    assert answer.explanation[-1] == "Nobody is named in charge; the top of the organisation answers for it."


def test_in_charge_of_an_unknown_name_is_an_error_with_suggestions(acme_store):
    with pytest.raises(UnknownName) as caught:
        who_is_in_charge(acme_store, "Marketting")
    assert caught.value.suggestions[0] == "Marketing"
    assert str(caught.value).startswith("unknown account or department 'Marketting'")


def test_a_department_head_who_left_is_not_in_charge(store_of):
    org = acme().change("people.csv", "p-sue", status="left")
    answer = who_is_in_charge(store_of(org), "d-support")
    assert ids(answer.people) == ["p-omar", "p-cora"]
    assert answer.explanation[-1] == "Sue Park (p-sue) has left; the people above them answer for it."


def test_a_contract_owner_who_left_is_not_in_charge(store_of):
    org = acme().change("people.csv", "p-mia", status="left")
    assert ids(who_is_in_charge(store_of(org), "@acme.promo").people) == ["p-cora"]


def test_a_head_who_left_with_nobody_above_gives_way_to_the_top(store_of):
    org = acme().change("people.csv", "p-cora", status="left")
    assert ids(who_is_in_charge(store_of(org), "Acme").people) == ["p-omar"]


def test_who_answers_for_an_account_owner_first_then_whoever_runs_it(acme_memory):
    org = acme_memory.read()
    answerable = {a: [str(r) for r in answerable_for(org, org.accounts[a])] for a in sorted(org.accounts)}
    assert answerable == {
        "acc-deals": ["department:d-mkt", "agency:ag-bright"],
        "acc-help": ["department:d-support"],  # run by its owner: named once
        "acc-promo": ["agency:ag-bright"],
        "acc-t2": ["department:d-tier2"],
    }
    run_by_ops = replace(org.accounts["acc-t2"], operated_by=Ref(Kind.DEPARTMENT, "d-ops"))
    assert answerable_for(org, run_by_ops) == [Ref(Kind.DEPARTMENT, "d-tier2"), Ref(Kind.DEPARTMENT, "d-ops")]


# -- direct_reports --------------------------------------------------------------


def test_direct_reports_are_the_people_a_person_manages_by_name(acme_store):
    answer = direct_reports(acme_store, "Sue Park")
    assert answer.person.id == "p-sue"
    names = [p.name for p in answer.people]
    assert names[:3] == ["Ann Lee", "Bob Roy", "Dan Diaz"]
    assert names == sorted(names)
    assert all(p.manager_id == "p-sue" for p in answer.people)


def test_direct_reports_keep_people_who_left_so_a_chart_can_mark_them(acme_store):
    assert "p-lou" in ids(direct_reports(acme_store, "p-sue").people)


def test_someone_with_no_reports_has_none(acme_store):
    assert direct_reports(acme_store, "p-ann").people == ()
