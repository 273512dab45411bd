"""route(): rule choice, target resolution, fallback, escalation, explanation, names, errors.

Every test loads the small Acme org of ``tests/orgs.py`` (plus the rules and
absences it needs) into a real SQLite-backed store and asks on a fixed day.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from buckstop.graph.errors import UnknownAccount, UnknownIssueType
from buckstop.queries import route

from tests.orgs import DAY, acme, ids

WEEK_AGO, NEXT_WEEK = DAY - timedelta(days=7), DAY + timedelta(days=7)


def explained(answer) -> str:
    return "\n".join(answer.explanation)


# -- which rule wins -----------------------------------------------------------


def test_account_rule_beats_owning_department_rule(store_of):
    org = acme()
    org.rule("r-dept", "it-billing", "department:d-support", "person:p-bob")
    org.rule("r-account", "it-billing", "account:acc-help", "person:p-ann")
    answer = route(store_of(org), "@AcmeHelp", "billing", on=DAY)
    assert answer.rule.id == "r-account"
    assert ids(answer.handlers) == ["p-ann"]


def test_owning_department_rule_beats_ancestor_department_rule(store_of):
    org = acme()
    org.rule("r-ops", "it-billing", "department:d-ops", "person:p-bob")
    org.rule("r-support", "it-billing", "department:d-support", "person:p-ann")
    answer = route(store_of(org), "@AcmeHelp", "billing", on=DAY)
    assert answer.rule.id == "r-support"


def test_nearer_ancestor_department_beats_farther_one(store_of):
    org = acme()  # acme-t2 is owned by Tier 2, under Support, under Operations, under Acme
    org.rule("r-acme", "it-billing", "department:d-acme", "person:p-bob")
    org.rule("r-ops", "it-billing", "department:d-ops", "person:p-ann")
    answer = route(store_of(org), "acme-t2", "billing", on=DAY)
    assert answer.rule.id == "r-ops"


def test_ancestor_department_rule_beats_organisation_rule(store_of):
    org = acme()
    org.rule("r-org", "it-billing", "organization", "person:p-bob")
    org.rule("r-acme", "it-billing", "department:d-acme", "person:p-ann")
    answer = route(store_of(org), "acme-t2", "billing", on=DAY)
    assert answer.rule.id == "r-acme"


def test_organisation_rule_applies_when_nothing_narrower_exists(store_of):
    org = acme().rule("r-org", "it-billing", "organization", "person:p-bob")
    answer = route(store_of(org), "@AcmeDeals", "billing", on=DAY)
    assert answer.rule.id == "r-org"
    assert answer.fallback is False


def test_rules_for_departments_outside_the_owners_line_do_not_apply(store_of):
    org = acme()
    org.rule("r-mkt", "it-billing", "department:d-mkt", "person:p-max")  # a sibling branch of support
    org.rule("r-org", "it-billing", "organization", "person:p-bob")
    answer = route(store_of(org), "@AcmeHelp", "billing", on=DAY)
    assert answer.rule.id == "r-org"


def test_rules_for_other_accounts_do_not_apply(store_of):
    org = acme()
    org.rule("r-deals", "it-billing", "account:acc-deals", "person:p-max")
    org.rule("r-org", "it-billing", "organization", "person:p-bob")
    assert route(store_of(org), "@AcmeHelp", "billing", on=DAY).rule.id == "r-org"


def test_subtype_rule_beats_parent_rule_even_with_a_broader_scope(store_of):
    org = acme()
    org.rule("r-billing-account", "it-billing", "account:acc-help", "person:p-ann")
    org.rule("r-refund-org", "it-refund", "organization", "person:p-bob")
    answer = route(store_of(org), "@AcmeHelp", "refund", on=DAY)
    assert answer.rule.id == "r-refund-org"
    assert ids(answer.handlers) == ["p-bob"]


def test_parent_issue_type_rule_covers_its_subtypes(store_of):
    org = acme().rule("r-support", "it-support", "organization", "person:p-sue")
    answer = route(store_of(org), "@AcmeHelp", "refund", on=DAY)  # refund ⊂ billing ⊂ support
    assert answer.rule.id == "r-support"
    assert ids(answer.handlers) == ["p-sue"]


def test_nearest_ancestor_issue_type_wins(store_of):
    org = acme()
    org.rule("r-support", "it-support", "account:acc-help", "person:p-sue")
    org.rule("r-billing", "it-billing", "organization", "person:p-bob")
    assert route(store_of(org), "@AcmeHelp", "refund", on=DAY).rule.id == "r-billing"


# -- a person target -----------------------------------------------------------


def billing_to(target: str):
    return acme().rule("r-billing", "it-billing", "organization", target)


def test_active_person_handles_it(store_of):
    answer = route(store_of(billing_to("person:p-ann")), "@AcmeHelp", "billing", on=DAY)
    assert ids(answer.handlers) == ["p-ann"]


def test_absent_person_is_replaced_by_their_delegate(store_of):
    org = billing_to("person:p-ann").absence("p-ann", WEEK_AGO, NEXT_WEEK, delegate="p-bob")
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-bob"]


def test_absent_person_without_delegate_is_replaced_by_their_manager(store_of):
    org = billing_to("person:p-ann").absence("p-ann", WEEK_AGO, NEXT_WEEK)
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-sue"]


def test_absent_person_whose_delegate_is_absent_too_is_replaced_by_their_manager(store_of):
    org = billing_to("person:p-ann")
    org.absence("p-ann", WEEK_AGO, NEXT_WEEK, delegate="p-bob")
    org.absence("p-bob", DAY, DAY)
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-sue"]


def test_absent_person_whose_delegate_has_left_is_replaced_by_their_manager(store_of):
    org = billing_to("person:p-ann").absence("p-ann", WEEK_AGO, NEXT_WEEK, delegate="p-lou")
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-sue"]


def test_person_absent_by_status_is_replaced_by_their_manager(store_of):
    org = billing_to("person:p-ann").change("people.csv", "p-ann", status="absent")
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-sue"]


def test_person_who_left_is_replaced_by_their_manager(store_of):
    answer = route(store_of(billing_to("person:p-lou")), "@AcmeHelp", "billing", on=DAY)
    assert ids(answer.handlers) == ["p-sue"]


def test_manager_replacing_someone_is_resolved_the_same_way(store_of):
    org = billing_to("person:p-ann").change("people.csv", "p-ann", status="left")
    org.absence("p-sue", WEEK_AGO, NEXT_WEEK, delegate="p-dan")
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-dan"]


def test_leavers_above_are_stepped_over_when_replacing(store_of):
    org = billing_to("person:p-ann").change("people.csv", "p-ann", status="left")
    org.change("people.csv", "p-sue", status="left")
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-omar"]


@pytest.mark.parametrize(
    ("day", "handler"),
    [
        (date(2026, 11, 19), "p-ann"),  # the day before
        (date(2026, 11, 20), "p-bob"),  # the first day
        (date(2026, 11, 23), "p-bob"),
        (date(2026, 11, 27), "p-bob"),  # the last day
        (date(2026, 11, 28), "p-ann"),  # the day after
    ],
)
def test_absence_counts_on_the_days_of_its_window_only(store_of, day, handler):
    org = billing_to("person:p-ann").absence("p-ann", date(2026, 11, 20), date(2026, 11, 27), delegate="p-bob")
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=day).handlers) == [handler]


# -- a role target -------------------------------------------------------------


def test_role_is_handled_by_all_its_holders_sorted_by_id(store_of):
    answer = route(store_of(billing_to("role:role-billing")), "@AcmeHelp", "billing", on=DAY)
    assert ids(answer.handlers) == ["p-ann", "p-bob"]  # listed as p-bob;p-ann in roles.csv


def test_absent_role_holder_is_replaced_by_their_delegate(store_of):
    org = billing_to("role:role-billing").absence("p-bob", WEEK_AGO, NEXT_WEEK, delegate="p-dan")
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-ann", "p-dan"]


def test_absent_role_holder_without_delegate_is_skipped(store_of):
    org = billing_to("role:role-billing").absence("p-bob", WEEK_AGO, NEXT_WEEK)
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-ann"]


def test_role_holder_who_left_is_skipped(store_of):
    org = billing_to("role:role-billing").change("roles.csv", "role-billing", holder_ids="p-bob;p-lou")
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-bob"]


def test_delegate_who_also_holds_the_role_is_listed_once(store_of):
    org = billing_to("role:role-billing").absence("p-bob", WEEK_AGO, NEXT_WEEK, delegate="p-ann")
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-ann"]


def test_role_with_nobody_available_goes_to_its_department_head(store_of):
    org = billing_to("role:role-billing")
    org.absence("p-ann", WEEK_AGO, NEXT_WEEK)
    org.absence("p-bob", WEEK_AGO, NEXT_WEEK)
    answer = route(store_of(org), "@AcmeHelp", "billing", on=DAY)
    assert ids(answer.handlers) == ["p-sue"]
    assert answer.fallback is False


def test_vacant_role_goes_to_its_department_head(store_of):
    answer = route(store_of(billing_to("role:role-approver")), "@AcmeHelp", "billing", on=DAY)
    assert ids(answer.handlers) == ["p-sue"]


# -- a department target -------------------------------------------------------


def test_department_is_handled_by_its_head(store_of):
    answer = route(store_of(billing_to("department:d-support")), "@AcmeHelp", "billing", on=DAY)
    assert ids(answer.handlers) == ["p-sue"]


def test_department_without_head_goes_to_its_parents_head(store_of):
    answer = route(store_of(billing_to("department:d-tier2")), "@AcmeHelp", "billing", on=DAY)
    assert ids(answer.handlers) == ["p-sue"]


def test_department_head_is_resolved_as_a_person(store_of):
    org = billing_to("department:d-support").absence("p-sue", WEEK_AGO, NEXT_WEEK, delegate="p-ann")
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-ann"]


def test_department_head_who_left_is_replaced_by_their_manager(store_of):
    org = billing_to("department:d-support").change("people.csv", "p-sue", status="left")
    assert ids(route(store_of(org), "@AcmeHelp", "billing", on=DAY).handlers) == ["p-omar"]


@pytest.mark.parametrize("target", ["person:p-lou", "role:role-billing", "department:d-support", "department:d-tier2"])
def test_people_who_left_never_handle_anything(store_of, target):
    org = billing_to(target)
    org.change("roles.csv", "role-billing", holder_ids="p-lou")
    org.change("departments.csv", "d-support", head_id="p-lou")
    org.change("departments.csv", "d-tier2", head_id="p-lou")
    answer = route(store_of(org), "@AcmeHelp", "billing", on=DAY)
    assert answer.handlers
    assert "p-lou" not in ids(answer.handlers)
    assert "p-lou" not in [step.person.id for step in answer.escalation]


# -- fallback ------------------------------------------------------------------


def test_no_rule_falls_back_to_the_escalation_contact_person(acme_store):
    answer = route(acme_store, "@AcmeDeals", "billing", on=DAY)  # contact: person:p-max
    assert answer.rule is None
    assert answer.fallback is True
    assert ids(answer.handlers) == ["p-max"]


def test_no_rule_falls_back_to_the_escalation_contact_role(acme_store):
    answer = route(acme_store, "@AcmeHelp", "billing", on=DAY)  # contact: role:role-social
    assert answer.fallback is True
    assert ids(answer.handlers) == ["p-max"]


def test_escalation_contact_is_resolved_like_a_target(store_of):
    org = acme().absence("p-max", WEEK_AGO, NEXT_WEEK)
    answer = route(store_of(org), "@AcmeDeals", "billing", on=DAY)
    assert ids(answer.handlers) == ["p-mia"]
    assert answer.fallback is True


def test_no_contact_falls_back_to_the_owning_department_head(acme_store):
    answer = route(acme_store, "acme-t2", "billing", on=DAY)  # Tier 2 has no head: Support's head
    assert answer.fallback is True
    assert ids(answer.handlers) == ["p-sue"]


def test_no_contact_and_no_owner_falls_back_to_the_agency_contract_owner(acme_store):
    # Beyond the design's contact and owning department: whoever answers for the agency running it.
    answer = route(acme_store, "@acme.promo", "billing", on=DAY)
    assert answer.fallback is True
    assert ids(answer.handlers) == ["p-mia"]
    assert any("contract owner" in line for line in answer.explanation)


def test_no_contact_no_owner_and_no_contract_owner_falls_back_to_the_top(store_of):
    org = acme().change("agencies.csv", "ag-bright", contract_owner_id="")
    answer = route(store_of(org), "@acme.promo", "billing", on=DAY)
    assert answer.fallback is True
    assert ids(answer.handlers) == ["p-cora"]


def test_rule_whose_target_resolves_to_nobody_falls_back(store_of):
    org = billing_to("role:role-billing").change("roles.csv", "role-billing", holder_ids="p-lou", department_id="")
    answer = route(store_of(org), "@AcmeDeals", "billing", on=DAY)
    assert answer.rule.id == "r-billing"
    assert answer.fallback is True
    assert ids(answer.handlers) == ["p-max"]
    assert "Nobody is available for rule r-billing; falling back." in answer.explanation


# -- escalation ----------------------------------------------------------------


def test_escalation_runs_from_the_first_handler_by_id_to_the_top(store_of):
    answer = route(store_of(billing_to("role:role-billing")), "@AcmeHelp", "billing", on=DAY)
    steps = [(step.level, step.person.id, step.absent) for step in answer.escalation]
    assert steps == [(0, "p-ann", False), (1, "p-sue", False), (2, "p-omar", False), (3, "p-cora", False)]


def test_escalation_includes_absent_people_marked_absent(store_of):
    org = billing_to("person:p-ann").absence("p-omar", WEEK_AGO, NEXT_WEEK, delegate="p-mia")
    answer = route(store_of(org), "@AcmeHelp", "billing", on=DAY)
    assert [(s.person.id, s.absent) for s in answer.escalation] == [
        ("p-ann", False),
        ("p-sue", False),
        ("p-omar", True),
        ("p-cora", False),
    ]
    assert "Omar Ortiz (absent)" in explained(answer)


def test_escalation_steps_over_people_who_left(store_of):
    org = billing_to("person:p-ann").change("people.csv", "p-sue", status="left")
    answer = route(store_of(org), "@AcmeHelp", "billing", on=DAY)
    assert [s.person.id for s in answer.escalation] == ["p-ann", "p-omar", "p-cora"]
    assert [s.level for s in answer.escalation] == [0, 1, 2]


def test_top_is_the_last_of_the_escalation_chain(store_of):
    answer = route(store_of(billing_to("person:p-max")), "@AcmeHelp", "billing", on=DAY)
    assert answer.top == answer.escalation[-1].person
    assert answer.top.id == "p-cora"


def test_top_of_a_person_with_no_manager_is_themselves(store_of):
    answer = route(store_of(billing_to("person:p-cora")), "@AcmeHelp", "billing", on=DAY)
    assert [s.person.id for s in answer.escalation] == ["p-cora"]
    assert answer.top.id == "p-cora"


# -- the explanation -----------------------------------------------------------


def test_explanation_names_the_rule_that_matched(store_of):
    answer = route(store_of(billing_to("person:p-ann")), "@AcmeHelp", "billing", on=DAY)
    assert "Rule r-billing applies: 'Billing' on the organisation goes to Ann Lee (p-ann)." in answer.explanation


def test_explanation_lists_the_more_specific_rules_that_do_not_exist(store_of):
    answer = route(store_of(billing_to("person:p-ann")), "@AcmeHelp", "refund", on=DAY)
    assert answer.explanation[1:3] == (
        "No rule for 'Refund' on @AcmeHelp (twitter), Customer Support (d-support), Operations (d-ops), "
        "Acme (d-acme) or the organisation.",
        "No rule for 'Billing' on @AcmeHelp (twitter), Customer Support (d-support), Operations (d-ops) "
        "or Acme (d-acme).",
    )


def test_explanation_names_each_substitution(store_of):
    org = billing_to("person:p-ann")
    org.absence("p-ann", WEEK_AGO, NEXT_WEEK, delegate="p-bob")
    org.absence("p-bob", WEEK_AGO, NEXT_WEEK)
    answer = route(store_of(org), "@AcmeHelp", "billing", on=DAY)
    text = explained(answer)
    assert "Ann Lee (p-ann) is absent (2026-11-16 to 2026-11-30)." in text
    assert "Their delegate Bob Roy (p-bob) is not available either." in text
    assert "Their manager Sue Park (p-sue) is next in line." in text


def test_explanation_says_why_role_holders_were_skipped(store_of):
    org = billing_to("role:role-billing").absence("p-ann", WEEK_AGO, NEXT_WEEK)
    org.change("roles.csv", "role-billing", holder_ids="p-ann;p-lou")
    text = explained(route(store_of(org), "@AcmeHelp", "billing", on=DAY))
    assert "Lou Lane (p-lou) holds role Billing Specialist (role-billing) but has left." in text
    assert "They have no available delegate, so they are skipped." in text
    assert "has nobody available; its department Customer Support (d-support) handles it." in text


def test_explanation_marks_the_fallback(acme_store):
    answer = route(acme_store, "@AcmeDeals", "billing", on=DAY)
    assert "Fallback: the account's escalation contact Max Müller (p-max) handles it." in answer.explanation


def test_explanation_says_which_name_a_synonym_stands_for(store_of):
    answer = route(store_of(billing_to("person:p-ann")), "@AcmeHelp", "invoice", on=DAY)
    assert "('invoice' names 'Billing')" in answer.explanation[0]


# -- names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked",
    ["it-refund", "Refund", "REFUND", "  refund ", "money back", "Money  Back", "remboursement", "Remboursément"],
)
def test_issue_types_are_found_by_id_name_or_synonym_ignoring_case_and_accents(acme_store, asked):
    answer = route(acme_store, "@AcmeHelp", asked, on=DAY)
    assert answer.issue_type.id == "it-refund"


@pytest.mark.parametrize("asked", ["Réclamation", "reclamation", "RECLAMATION", "complaint"])
def test_accented_issue_type_names_match_without_accents(acme_store, asked):
    assert route(acme_store, "@AcmeHelp", asked, on=DAY).issue_type.id == "it-complaint"


@pytest.mark.parametrize(
    "asked", ["acc-help", "ACC-HELP", "@AcmeHelp", "AcmeHelp", "@acmehelp", "twitter:@AcmeHelp", "Twitter:AcmeHelp"]
)
def test_accounts_are_found_by_id_handle_or_platform_handle(acme_store, asked):
    assert route(acme_store, asked, "billing", on=DAY).account.id == "acc-help"


@pytest.mark.parametrize("asked", ["acme-t2", "@acme-t2", "forum:acme-t2", "forum:@acme-t2"])
def test_handles_written_without_at_are_found_with_or_without_it(acme_store, asked):
    assert route(acme_store, asked, "billing", on=DAY).account.id == "acc-t2"


def test_unknown_account_names_the_value_and_suggests_near_names(acme_store):
    with pytest.raises(UnknownAccount) as caught:
        route(acme_store, "@AcmeDeal", "billing", on=DAY)
    assert caught.value.asked == "@AcmeDeal"
    assert "@AcmeDeals" in caught.value.suggestions
    assert str(caught.value).startswith("unknown account '@AcmeDeal'; did you mean '@AcmeDeals'")


def test_unknown_issue_type_names_the_value_and_suggests_near_names(acme_store):
    with pytest.raises(UnknownIssueType) as caught:
        route(acme_store, "@AcmeHelp", "refnd", on=DAY)
    assert caught.value.asked == "refnd"
    assert caught.value.suggestions[0] == "Refund"
    assert "unknown issue type 'refnd'; did you mean 'Refund'" in str(caught.value)


def test_unknown_names_are_errors_even_in_an_empty_org(open_store):
    with pytest.raises(UnknownAccount, match="unknown account '@AcmeHelp'"):
        route(open_store(), "@AcmeHelp", "billing", on=DAY)


def test_unknown_account_is_reported_before_the_issue_type(acme_store):
    with pytest.raises(UnknownAccount):
        route(acme_store, "@nobody", "nothing", on=DAY)


# -- determinism ---------------------------------------------------------------


def test_same_question_twice_gives_equal_answers(store_of):
    org = billing_to("role:role-billing").absence("p-bob", WEEK_AGO, NEXT_WEEK, delegate="p-dan")
    store = store_of(org)
    assert route(store, "@AcmeHelp", "refund", on=DAY) == route(store, "@AcmeHelp", "refund", on=DAY)


def test_answers_do_not_depend_on_the_order_of_rows(store_of):
    org = billing_to("role:role-billing").absence("p-bob", WEEK_AGO, NEXT_WEEK, delegate="p-dan")
    shuffled = billing_to("role:role-billing").absence("p-bob", WEEK_AGO, NEXT_WEEK, delegate="p-dan")
    for rows in shuffled.rows.values():
        rows.reverse()
    shuffled.change("roles.csv", "role-billing", holder_ids="p-ann;p-bob")
    first = route(store_of(org), "@AcmeHelp", "billing", on=DAY)
    second = route(store_of(shuffled), "@AcmeHelp", "billing", on=DAY)
    assert ids(first.handlers) == ids(second.handlers) == ["p-ann", "p-dan"]
    assert first.escalation == second.escalation
    assert first.explanation == second.explanation


def test_the_answer_records_the_day_it_was_asked_for(acme_store):
    assert route(acme_store, "@AcmeHelp", "billing", on=DAY).day == DAY
