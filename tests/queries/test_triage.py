"""triage(): the issue type of a customer's words, the words that matched, ambiguity, and the fallback."""

from __future__ import annotations

from datetime import timedelta

import pytest

from buckstop.graph.errors import UnknownAccount
from buckstop.queries import triage
from buckstop.queries.triage import BlankMessage, stem, words

from tests.orgs import DAY, acme, ids


def routed():
    """Acme with a rule for each of its issue types, so that triage has somewhere to send them."""
    org = acme()
    org.rule("r-support", "it-support", "organization", "department:d-support")
    org.rule("r-billing", "it-billing", "organization", "role:role-billing")
    org.rule("r-refund", "it-refund", "organization", "person:p-sue")
    org.rule("r-sales", "it-sales", "organization", "person:p-mia")
    return org


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Refund", "refund"),
        ("refunds", "refund"),
        ("refunded", "refund"),
        ("refunding", "refund"),
        ("invoice", "invoic"),
        ("invoices", "invoic"),
        ("invoiced", "invoic"),
        ("deliveries", "delivery"),
        ("shipping", "ship"),
        ("shipped", "ship"),
        ("press", "press"),
        ("presses", "press"),
        ("recalled", "recall"),
        ("Réclamations", "reclamation"),
        ("don't", "dont"),
        ("bug", "bug"),
    ],
)
def test_stems_fold_case_accents_and_inflections(word, expected):
    assert stem(word) == expected


def test_words_keep_what_was_written():
    assert words("Money-back, please!") == [("Money", "money"), ("back", "back"), ("please", "pleas")]


def test_a_synonym_in_inflected_form_picks_the_issue_type_and_says_which_words(store_of):
    answer = triage(store_of(routed()), "@AcmeHelp", "Where are my REFUNDS? I paid twice", on=DAY)
    assert answer.issue_type.id == "it-refund"
    assert [(m.term, m.words) for m in answer.matched] == [("Refund", "REFUNDS")]
    assert answer.routing.rule.id == "r-refund"
    assert ids(answer.routing.handlers) == ["p-sue"]
    assert answer.routing.fallback is False and answer.ambiguous is False
    assert "The message says 'REFUNDS' for 'Refund' ('Refund')." in answer.explanation
    assert any("Rule r-refund applies" in line for line in answer.explanation)


def test_multi_word_synonyms_match_only_as_a_phrase(store_of):
    store = store_of(routed())
    assert triage(store, "@AcmeHelp", "I want my money back", on=DAY).issue_type.id == "it-refund"
    back = triage(store, "@AcmeHelp", "back in a minute, money is tight", on=DAY)
    assert back.issue_type is None


def test_broader_issue_types_add_to_a_narrower_ones_score(store_of):
    answer = triage(store_of(routed()), "@AcmeHelp", "A question about an invoice: I want my money back", on=DAY)
    assert answer.issue_type.id == "it-refund"
    assert [(c.issue_type.id, c.score) for c in answer.candidates] == [
        ("it-refund", 4),  # money back (2) + invoice (1, Billing) + question (1, Support)
        ("it-billing", 2),
        ("it-support", 1),
    ]
    assert [m.words for m in answer.matched] == ["question", "invoice", "money back"]


def test_a_tie_is_ambiguous_offers_the_candidates_and_routes_the_first_mentioned(store_of):
    answer = triage(store_of(routed()), "@AcmeHelp", "Pricing for a complaint form?", on=DAY)
    assert answer.ambiguous is True
    assert [c.issue_type.id for c in answer.candidates] == ["it-sales", "it-complaint"]
    assert answer.issue_type.id == "it-sales"
    assert any(
        line.startswith("Ambiguous: 'Réclamation' scores the same as 'Sales enquiry'") for line in answer.explanation
    )


def test_candidates_are_limited(store_of):
    answer = triage(store_of(routed()), "@AcmeHelp", "help: invoice refund pricing complaint", on=DAY, limit=2)
    assert len(answer.candidates) == 2


def test_an_unmatched_message_goes_to_the_fallback_and_says_so(store_of):
    answer = triage(store_of(routed()), "@AcmeDeals", "Hello, is anyone there?", on=DAY)
    assert answer.issue_type is None and answer.candidates == () and answer.matched == ()
    assert answer.routing.fallback is True and answer.routing.rule is None
    assert ids(answer.routing.handlers) == ["p-max"]  # the account's escalation contact
    assert [s.person.id for s in answer.routing.escalation] == ["p-max", "p-mia", "p-cora"]
    assert answer.explanation[0] == "No issue type's name or synonym occurs in the message (4 words read)."
    assert "Unclassified on @AcmeDeals (twitter): it goes to the fallback." in answer.explanation


def test_the_fallback_counts_absences_on_the_day(store_of):
    org = routed().absence("p-max", DAY - timedelta(days=1), DAY + timedelta(days=1), delegate="p-mia")
    answer = triage(store_of(org), "@AcmeDeals", "hello", on=DAY)
    assert ids(answer.routing.handlers) == ["p-mia"]
    assert triage(store_of(org), "@AcmeDeals", "hello", on=DAY + timedelta(days=5)).routing.handlers[0].id == "p-max"


def test_a_matched_issue_type_with_no_rule_is_a_routing_fallback(store_of):
    answer = triage(store_of(acme()), "@AcmeHelp", "I need a quote", on=DAY)
    assert answer.issue_type.id == "it-sales"
    assert answer.routing.fallback is True  # no rule for Sales enquiry: the route's own fallback
    assert ids(answer.routing.handlers) == ["p-max"]


def test_unknown_account_and_blank_message_are_errors(store_of):
    store = store_of(routed())
    with pytest.raises(UnknownAccount) as caught:
        triage(store, "@AcmeHlp", "refund", on=DAY)
    assert "@AcmeHelp" in caught.value.suggestions
    with pytest.raises(BlankMessage, match="no words to triage"):
        triage(store, "@AcmeHelp", "  ?! ", on=DAY)


def test_the_same_message_always_gets_the_same_answer(store_of):
    store = store_of(routed())
    first = triage(store, "@AcmeHelp", "complaint and pricing and invoice", on=DAY)
    again = triage(store, "@AcmeHelp", "complaint and pricing and invoice", on=DAY)
    assert first == again
