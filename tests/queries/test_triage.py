"""triage(): the verdict routed: confidence, evidence, candidates, language, the boss question, the fallback."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from buckstop.graph.dated import as_of
from buckstop.graph.errors import UnknownAccount
from buckstop.graph.model import IssueType
from buckstop.graph.org import Org
from buckstop.graph.pinned import Pinned
from buckstop.loaders import apply_bundle
from buckstop.queries import triage
from buckstop.queries.triage import BlankMessage, vocabulary_of

from tests.orgs import DAY, acme, ids


def routed():
    """Acme with a rule for each of its issue types, so that triage has somewhere to send them."""
    org = acme()
    org.rule("r-support", "it-support", "organization", "department:d-support")
    org.rule("r-billing", "it-billing", "organization", "role:role-billing")
    org.rule("r-refund", "it-refund", "organization", "person:p-sue")
    org.rule("r-sales", "it-sales", "organization", "person:p-mia")
    return org


def with_executive_complaints():
    """Acme with an executive complaint type, routed to the COO's office."""
    org = routed()
    org.issue_type("it-exec", "Executive complaint", synonyms=["complaint to the CEO", "speak to the boss"])
    org.rule("r-exec", "it-exec", "organization", "person:p-omar")
    return org


def test_a_paraphrase_is_read_and_routed_with_its_evidence(store_of):
    answer = triage(store_of(routed()), "@AcmeHelp", "you took the payment twice, I want it back", on=DAY)
    assert answer.issue_type.id == "it-refund"
    assert answer.unclassified is False and answer.ambiguous is False and answer.boss_question is False
    assert answer.confidence >= 0.4 and answer.language == "en"
    assert {e.means for e in answer.evidence} >= {"refund"}
    assert answer.candidates[0].issue_type.id == "it-refund"
    assert answer.routing.rule.id == "r-refund" and ids(answer.routing.handlers) == ["p-sue"]
    assert answer.explanation[0].startswith("Read as Refund (")
    assert any("Rule r-refund applies" in line for line in answer.explanation)


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("vous m'avez débité deux fois, remboursez-moi", "fr"),
        ("me cobraron dos veces, quiero que me devuelvan el dinero", "es"),
        ("Ich möchte mein Geld zurück, Sie haben doppelt abgebucht", "de"),
    ],
)
def test_a_message_in_another_language_is_read_as_the_same_issue_type(store_of, message, language):
    answer = triage(store_of(routed()), "@AcmeHelp", message, on=DAY)
    assert (answer.issue_type.id, answer.language) == ("it-refund", language)
    assert ids(answer.routing.handlers) == ["p-sue"]


def test_a_tie_below_the_threshold_is_ambiguous_and_falls_back_offering_the_candidates(store_of):
    answer = triage(store_of(routed()), "@AcmeHelp", "pricing for my invoice", on=DAY)
    assert answer.issue_type is None and answer.unclassified is True and answer.ambiguous is True
    assert answer.confidence < 0.4
    assert {c.issue_type.id for c in answer.candidates} == {"it-sales", "it-billing"}
    assert answer.routing.fallback is True and ids(answer.routing.handlers) == ["p-max"]
    assert answer.explanation[0].startswith("Unclassified: the best reading")
    assert answer.explanation[1] == "Ask the customer what it is about, or route one of the candidates by name."


def test_candidates_are_limited(store_of):
    answer = triage(store_of(routed()), "@AcmeHelp", "help: invoice refund pricing complaint", on=DAY, limit=2)
    assert len(answer.candidates) == 2


def test_an_unread_message_goes_to_the_fallback_and_says_so(store_of):
    answer = triage(store_of(routed()), "@AcmeDeals", "Hello, is anyone there?", on=DAY)
    assert answer.issue_type is None and answer.candidates == () and answer.ambiguous is False
    assert answer.routing.fallback is True and answer.routing.rule is None
    assert ids(answer.routing.handlers) == ["p-max"]  # the account's escalation contact
    assert [s.person.id for s in answer.routing.escalation] == ["p-max", "p-mia", "p-cora"]
    assert answer.explanation[0] == "Unclassified: nothing in the message speaks of any issue type."
    assert "Unclassified on @AcmeDeals (twitter): it goes to the fallback." in answer.explanation


def test_the_boss_question_names_the_top_first_then_falls_back_on_an_org_without_an_executive_type(store_of):
    answer = triage(store_of(routed()), "@AcmeHelp", "I want to speak to whoever is in charge", on=DAY)
    assert answer.boss_question is True and answer.top.id == "p-cora"
    assert answer.explanation[0] == (
        "The message asks for the person in charge: Cora Chen, CEO, is the top of the organisation."
    )
    assert answer.issue_type is None and answer.routing.fallback is True
    assert ids(answer.routing.handlers) == ["p-max"]  # @AcmeHelp's contact role, Social Media Advocate


def test_the_boss_question_routes_to_the_executive_complaint_type_when_the_org_has_one(store_of):
    answer = triage(store_of(with_executive_complaints()), "@AcmeHelp", "je veux parler au responsable", on=DAY)
    assert answer.boss_question is True and answer.top.id == "p-cora" and answer.language == "fr"
    assert answer.explanation[0].startswith("The message asks for the person in charge: Cora Chen, CEO,")
    assert answer.issue_type.id == "it-exec"
    assert answer.routing.rule.id == "r-exec" and ids(answer.routing.handlers) == ["p-omar"]


def test_an_ordinary_message_names_no_top(store_of):
    assert triage(store_of(routed()), "@AcmeHelp", "where is my invoice", on=DAY).top is None


def test_the_fallback_counts_absences_on_the_day(store_of):
    org = routed().absence("p-max", DAY - timedelta(days=1), DAY + timedelta(days=1), delegate="p-mia")
    answer = triage(store_of(org), "@AcmeDeals", "hello", on=DAY)
    assert ids(answer.routing.handlers) == ["p-mia"]
    assert triage(store_of(org), "@AcmeDeals", "hello", on=DAY + timedelta(days=5)).routing.handlers[0].id == "p-max"


def test_a_read_issue_type_with_no_rule_is_a_routing_fallback(store_of):
    answer = triage(store_of(acme()), "@AcmeHelp", "how much does it cost, can I get a quote", on=DAY)
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
    with pytest.raises(BlankMessage):  # before the account is looked up
        triage(store, "@AcmeHlp", "", on=DAY)


def test_the_same_message_always_gets_the_same_answer(store_of):
    store = store_of(routed())
    first = triage(store, "@AcmeHelp", "complaint and pricing and invoice", on=DAY)
    again = triage(store, "@AcmeHelp", "complaint and pricing and invoice", on=DAY)
    assert first == again


def test_the_vocabulary_is_built_once_per_org_version_and_rebuilt_by_a_load(open_store, tmp_path):
    store = open_store()
    apply_bundle(store, routed().write(tmp_path / "one"))
    first = vocabulary_of(store, store.read())
    assert vocabulary_of(store, store.read()) is first
    assert vocabulary_of(Pinned(store), store.read()) is first  # a request's pin shares its store's
    assert triage(store, "@AcmeHelp", "speak to the boss", on=DAY).issue_type is None
    apply_bundle(store, with_executive_complaints().write(tmp_path / "two"))
    assert vocabulary_of(store, store.read()) is not first
    assert triage(store, "@AcmeHelp", "speak to the boss", on=DAY).issue_type.id == "it-exec"


def test_each_day_asked_about_is_read_with_its_own_versions_words_built_once(open_store, tmp_path):
    store = open_store()
    apply_bundle(store, routed().write(tmp_path / "one"), effective=date(2026, 1, 1))
    apply_bundle(store, with_executive_complaints().write(tmp_path / "two"), effective=date(2026, 6, 1))
    march, july = as_of(store, date(2026, 3, 1)), as_of(store, date(2026, 7, 1))
    assert triage(march, "@AcmeHelp", "speak to the boss", on=date(2026, 3, 1)).issue_type is None
    assert triage(july, "@AcmeHelp", "speak to the boss", on=date(2026, 7, 1)).issue_type.id == "it-exec"
    before, after = vocabulary_of(march, march.read()), vocabulary_of(july, july.read())
    assert before is not after
    # asking about the other day again reuses its vocabulary: the two days do not rebuild each other's
    assert vocabulary_of(as_of(store, date(2026, 3, 2)), march.read()) is before
    assert vocabulary_of(store, july.read()) is after


def test_a_cleared_store_whose_versions_start_again_gets_a_new_vocabulary(open_store, tmp_path):
    store = open_store()
    apply_bundle(store, routed().write(tmp_path / "one"))
    first = vocabulary_of(store, store.read())
    changed = store.read()
    exec_type = IssueType("it-exec", "Executive complaint", synonyms=("speak to the boss",))
    again = Org([*changed.records(), exec_type], version=changed.version)  # the same version number, other types
    assert vocabulary_of(store, again) is not first
