"""search(): every kind of node by any of its names, ranked, deterministic."""

from __future__ import annotations

from buckstop.graph import Kind
from buckstop.queries import search

from tests.orgs import acme


def found(store, text, **options) -> list[tuple[str, str]]:
    hits, _org = search(store, text, **options)
    return [(hit.kind.value, hit.id) for hit in hits]


def test_finds_people_by_part_of_their_name(acme_store):
    assert found(acme_store, "lee") == [("person", "p-ann")]


def test_ignores_case_and_accents(acme_store):
    assert found(acme_store, "MULLER") == [("person", "p-max")]
    assert found(acme_store, "reclam") == [("issue_type", "it-complaint")]


def test_finds_accounts_by_handle_and_issue_types_by_synonym(acme_store):
    store = acme_store
    assert found(store, "@AcmeDeals") == [("account", "acc-deals")]
    hits, _org = search(store, "money back")
    assert [(h.id, h.name, h.matched) for h in hits] == [("it-refund", "Refund", "money back")]


def test_finds_roles_by_title_and_people_by_email(acme_store):
    store = acme_store
    assert ("role", "role-billing") in found(store, "billing specialist")
    assert found(store, "ann@acme") == [("person", "p-ann")]


def test_exact_names_come_before_prefixes_before_the_rest(store_of):
    org = acme().department("d-mkt-ops", "Marketing Operations", parent="d-mkt")
    org.department("d-growth", "Growth Marketing", parent="d-mkt")
    assert found(store_of(org), "marketing") == [
        ("department", "d-mkt"),  # exact
        ("department", "d-mkt-ops"),  # starts with it
        ("department", "d-growth"),  # contains it
        ("person", "p-mia"),  # "Head of Marketing"
    ]


def test_ties_are_ordered_by_kind_then_id(store_of):
    org = acme().person("p-vega-2", "Vega").person("p-vega-1", "Vega").department("d-vega", "Vega", parent="d-acme")
    assert found(store_of(org), "vega") == [("department", "d-vega"), ("person", "p-vega-1"), ("person", "p-vega-2")]


def test_kinds_narrow_the_search(acme_store):
    assert found(acme_store, "marketing", kinds=frozenset({Kind.PERSON})) == [("person", "p-mia")]


def test_limit_caps_the_hits(acme_store):
    assert len(found(acme_store, "a", limit=3)) == 3


def test_rules_and_absences_are_not_searched(store_of):
    org = acme().rule("r-acme-rule", "it-billing", "organization", "person:p-ann")
    assert ("rule", "r-acme-rule") not in found(store_of(org), "r-acme-rule")


def test_empty_text_finds_nothing(acme_store):
    assert found(acme_store, "   ") == []


def test_the_same_search_twice_gives_the_same_hits(acme_store):
    store = acme_store
    assert search(store, "a")[0] == search(store, "a")[0]


def test_without_private_a_private_address_is_never_matched(acme_store):
    assert found(acme_store, "ann@acme", private=False) == []
    assert found(acme_store, "cora@acme", private=False) == [("person", "p-cora")]  # marked public
    assert found(acme_store, "ann@acme") == [("person", "p-ann")]


def test_without_private_the_page_is_full(acme_store):
    """Ann's private address would rank first; the page holds the next hit instead of coming back short."""
    assert found(acme_store, "acme.example") == [("person", "p-ann"), ("person", "p-cora")]
    assert found(acme_store, "acme.example", private=False, limit=1) == [("person", "p-cora")]
