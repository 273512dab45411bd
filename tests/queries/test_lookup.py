"""Finding things by the names people use, suggestions, and readable labels."""

from __future__ import annotations

import contextvars

import pytest

from buckstop.graph import Kind
from buckstop.graph.errors import UnknownAccount, UnknownDepartment, UnknownIssueType, UnknownPerson
from buckstop.graph.model import Person
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus
from buckstop.queries import boss, chain_of_command
from buckstop.queries.lookup import (
    bound_suggestions,
    department_named,
    find_account,
    find_department,
    find_issue_type,
    find_person,
    label,
    names_to_match,
    shows_private,
    suggest,
)

from tests.orgs import acme


@pytest.fixture
def org(acme_store):
    return acme_store.read()


def test_suggest_offers_close_names_best_first():
    assert suggest("Refnud", ["Billing", "Refund", "Refunds"]) == ["Refund", "Refunds"]


def test_suggest_ignores_case_and_accents_but_returns_names_as_written():
    assert suggest("reclamation", ["Réclamation", "Billing"]) == ["Réclamation"]


def test_suggest_counts_fragments_of_longer_names():
    assert suggest("deals", ["@AcmeDeals", "@AcmeHelp"]) == ["@AcmeDeals"]


def test_suggest_offers_at_most_n_names():
    assert len(suggest("ann", ["Ann A", "Ann B", "Ann C", "Ann D"], n=2)) == 2


def test_suggest_offers_nothing_for_nothing_alike():
    assert suggest("zzz", ["Billing", "Refund"]) == []


def test_find_account_and_issue_type_raise_named_errors(org):
    assert find_account(org, "twitter:@acmehelp").id == "acc-help"
    assert find_issue_type(org, "Payment").id == "it-billing"
    with pytest.raises(UnknownAccount, match="'@AcmeHlp'; did you mean '@AcmeHelp'"):
        find_account(org, "@AcmeHlp")
    with pytest.raises(UnknownIssueType, match="'biling'; did you mean 'Billing'"):
        find_issue_type(org, "biling")


def test_find_person_by_id_email_or_name(org):
    assert find_person(org, " p-ann ").id == "p-ann"
    assert find_person(org, "Cora@Acme.Example").id == "p-cora"
    assert find_person(org, "omar ortiz").id == "p-omar"
    with pytest.raises(UnknownPerson, match="did you mean 'Omar Ortiz'"):
        find_person(org, "Omar Ortis")


def test_find_department_by_id_or_name(org):
    assert find_department(org, "d-mkt").id == "d-mkt"
    assert find_department(org, "MARKETING").id == "d-mkt"
    with pytest.raises(UnknownDepartment, match="did you mean 'Marketing'"):
        find_department(org, "Marketting")


def test_department_named_is_find_department_without_the_error(org):
    assert department_named(org, " customer  SUPPORT ") == find_department(org, "d-support")

    def miss_then_find() -> None:  # in a context of its own: the bound would outlive the test otherwise
        bound_suggestions(1)
        assert department_named(org, "Marketting") is None  # spends no suggestion: its caller words the error
        with pytest.raises(UnknownDepartment, match="did you mean 'Marketing'"):
            find_department(org, "Marketting")

    contextvars.copy_context().run(miss_then_find)


@pytest.mark.parametrize(
    ("kind", "id", "expected"),
    [
        (Kind.PERSON, "p-ann", "Ann Lee (p-ann)"),
        (Kind.DEPARTMENT, "d-mkt", "Marketing (d-mkt)"),
        (Kind.AGENCY, "ag-bright", "Brightside Social (ag-bright)"),
        (Kind.ROLE, "role-billing", "role Billing Specialist (role-billing)"),
        (Kind.ACCOUNT, "acc-help", "@AcmeHelp (twitter)"),
        (Kind.ISSUE_TYPE, "it-complaint", "'Réclamation'"),
        (Kind.PERSON, "p-nobody", "person p-nobody"),
        (Kind.ISSUE_TYPE, "it-nothing", "issue type it-nothing"),
    ],
)
def test_label_names_a_node_for_explanations(org, kind, id, expected):
    assert label(org, kind, id) == expected


# -- the public view: a private address is as unknown as a made-up one --------------------------

ASKERS = {
    "find_person": lambda store, asked: find_person(
        store.read(Focus(Reach.PERSON, (asked,))), asked, store, private=False
    ),
    "chain_of_command": lambda store, asked: chain_of_command(store, asked, private=False),
    "boss": lambda store, asked: boss(store, asked, private=False),
}


@pytest.mark.parametrize("question", ASKERS)
@pytest.mark.parametrize("asked", ["ann@acme.example", " ANN@acme.Example ", "Ann@acme"])
def test_without_private_a_private_address_answers_as_an_unknown_one(store_of, question, asked):
    """The same text, asked where Ann has that address and where nobody has: the same error, word for word."""
    with pytest.raises(UnknownPerson) as private:
        ASKERS[question](store_of(acme()), asked)
    with pytest.raises(UnknownPerson) as unknown:
        ASKERS[question](store_of(acme().change("people.csv", "p-ann", email="someone@else.example")), asked)
    assert (str(private.value), private.value.suggestions) == (str(unknown.value), unknown.value.suggestions)
    assert private.value.asked == asked


def test_without_private_people_marked_public_are_found_by_address(acme_store):
    assert chain_of_command(acme_store, "cora@acme.example", private=False).person.id == "p-cora"
    assert chain_of_command(acme_store, "ann@acme.example").person.id == "p-ann"  # private: the default


def test_without_private_ids_and_names_still_find_everyone(acme_store):
    assert chain_of_command(acme_store, "p-ann", private=False).person.id == "p-ann"
    assert boss(acme_store, "Ann Lee", private=False)[0].id == "p-sue"


def test_shows_private_is_the_rule_of_the_public_view():
    ann, cora = Person("p-ann", "Ann", email="a@x.example"), Person("p-cora", "Cora", email="c@x.example", public=True)
    assert [shows_private(p, private=False) for p in (ann, cora)] == [False, True]
    assert shows_private(ann, private=True)
    assert list(names_to_match(ann, private=False)) == ["Ann", "p-ann"]
    assert list(names_to_match(ann, private=True)) == ["Ann", "a@x.example", "p-ann"]
