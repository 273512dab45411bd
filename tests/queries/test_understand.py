"""The triage engine (queries/understand): accuracy floors on the labelled sets, the boss question
in every language on orgs with and without an executive complaint type, typos and inflections,
unclassified below the threshold, examples, and the blank message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from buckstop import seed
from buckstop.graph import MemoryStore, Store
from buckstop.graph.model import IssueType
from buckstop.graph.store import Focus
from buckstop.loaders import apply_bundle
from buckstop.queries.triage import BlankMessage
from buckstop.queries.understand import THRESHOLD, Vocabulary

from bench.triage import HERE, evaluate, issue_types

#: The boss question as customers ask it, in each language of the lexicon.
BOSS = {
    "en": ["who is in charge?", "I want to talk to the person in charge", "who's your CEO", "get me the boss"],
    "fr": ["je veux parler au responsable", "qui est votre PDG", "passez-moi le patron"],
    "es": ["quiero hablar con el jefe", "¿quién es el director general?", "páseme con el encargado"],
    "de": ["Geschäftsführer bitte", "wer ist Ihr Chef", "ich will Ihren Vorgesetzten sprechen"],
    "it": ["voglio parlare con il responsabile", "chi è l'amministratore delegato", "mi passi il capo"],
    "pt": ["quero falar com o chefe", "quem é o responsável", "quero falar com o gerente"],
    "nl": ["ik wil de baas spreken", "wie is de directeur", "mag ik uw leidinggevende"],
}
CASES = [(lang, message) for lang, messages in BOSS.items() for message in messages]


@pytest.fixture(scope="module")
def demo() -> Vocabulary:
    return Vocabulary.of(issue_types(seed.FOLDER))


@pytest.fixture(scope="module")
def with_executive() -> Vocabulary:
    """A small org with an executive complaint type and "charge" as a billing synonym."""
    return Vocabulary.of(
        [
            IssueType("billing", "Billing", synonyms=("charge", "invoice")),
            IssueType("refund", "Refund", "billing", ("money back",)),
            IssueType("exec", "Executive complaint", synonyms=("complaint to the CEO", "escalation")),
            IssueType("outage", "Outage", synonyms=("power cut",)),
        ]
    )


def test_demo_set_floor() -> None:
    report = evaluate("demo")
    assert report.total >= 300
    assert report.accuracy >= 0.95, report.confusions
    for language in report.by_language:
        assert report.language_accuracy(language) >= 0.90, (language, report.confusions)
    assert report.boss_accuracy == 1.0


def test_held_out_utility_floor() -> None:
    report = evaluate("utility (held out)")
    assert report.total >= 80
    assert report.accuracy >= 0.90, report.confusions
    assert report.boss_accuracy == 1.0


def test_held_out_telecom_floor() -> None:
    # The honest figure on an org nobody tuned on (docs/triage.md): a floor that keeps it from
    # falling, not a target.
    report = evaluate("telecom (held out)")
    assert report.total >= 80
    assert report.accuracy >= 0.55, report.confusions
    assert report.boss_accuracy == 1.0


def test_hotel_floor() -> None:
    # Held out until its first figure (47.2 %) showed the lexicon knew no hotel trade (docs/triage.md).
    report = evaluate("hotel (seen)")
    assert report.total >= 80
    assert report.accuracy >= 0.85, report.confusions
    assert report.boss_accuracy == 1.0


@pytest.mark.parametrize(("language", "message"), CASES)
def test_boss_question_on_an_org_without_an_executive_type(demo: Vocabulary, language: str, message: str) -> None:
    verdict = demo.classify(message)
    assert verdict.boss_question, verdict.why
    assert verdict.issue_type_id is None, verdict.why  # the wiring names the top, then the fallback
    assert verdict.language == language


@pytest.mark.parametrize(("language", "message"), CASES)
def test_boss_question_routes_to_the_executive_type(with_executive: Vocabulary, language: str, message: str) -> None:
    verdict = with_executive.classify(message)
    assert verdict.boss_question, verdict.why
    assert verdict.issue_type_id == "exec", verdict.why


def test_in_charge_is_never_a_billing_charge(with_executive: Vocabulary) -> None:
    verdict = with_executive.classify("who is the person in charge of this company")
    assert verdict.boss_question
    assert verdict.issue_type_id == "exec"
    assert "billing" not in {c.issue_type_id for c in verdict.candidates}
    # A charge on its own is still billing.
    assert with_executive.classify("there is a charge on my invoice").issue_type_id == "billing"


def test_meaning_not_words(with_executive: Vocabulary) -> None:
    assert with_executive.classify("the lights went out").issue_type_id == "outage"
    refund = with_executive.classify("you took the payment twice, I want it back")
    assert refund.issue_type_id == "refund"  # the subtype wins over Billing
    assert refund.candidates[0].issue_type_id == "refund"
    assert "refund" in {e.means for e in refund.evidence}
    assert refund.evidence and refund.confidence >= THRESHOLD


def test_a_type_named_by_a_generic_word_keeps_it() -> None:
    vocabulary = Vocabulary.of([IssueType("claims", "Claims"), IssueType("sales", "Sales")])
    assert vocabulary.classify("I want to make a claim").issue_type_id == "claims"


def test_a_subtype_repeating_its_parents_word_wins_only_on_its_own() -> None:
    vocabulary = Vocabulary.of(
        [
            IssueType("billing", "Billing", synonyms=("bill", "invoice")),
            IssueType("hardship", "Payment difficulty", "billing", ("payment plan", "arrears")),
        ]
    )
    assert vocabulary.classify("my bill is way too high").issue_type_id == "billing"
    assert vocabulary.classify("I cannot pay my bill this month").issue_type_id == "hardship"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("I was refunded the wrong amount, refunding me properly please", "it-refund"),  # inflections
        ("when will i get my refnud", "it-refund"),  # a swapped pair of letters
        ("wher is my pakage", "it-delivery"),  # two typos, one corrected
        ("deliveries keep arriving late", "it-delivery"),
        ("ich brauche ein Ersatzgerät", "it-warranty"),  # a German compound
        ("la batería se sobrecalienta", "it-product-safety"),
        ("Rückerstatung bitte", "it-refund"),
    ],
)
def test_typos_inflections_and_compounds(demo: Vocabulary, message: str, expected: str) -> None:
    assert demo.classify(message).issue_type_id == expected


@pytest.mark.parametrize(
    "message", ["what time does the football start", "lol", "is it going to rain in Lisbon tomorrow"]
)
def test_nothing_known_is_unclassified(demo: Vocabulary, message: str) -> None:
    verdict = demo.classify(message)
    assert verdict.issue_type_id is None
    assert not verdict.boss_question
    assert "Unclassified" in verdict.why


def test_a_tie_is_unclassified_below_the_threshold(demo: Vocabulary) -> None:
    verdict = demo.classify("the tracking number doesnt work")  # Delivery and Technical issue alike
    assert verdict.issue_type_id is None
    assert 0 < verdict.confidence < THRESHOLD
    assert {c.issue_type_id for c in verdict.candidates[:2]} == {"it-delivery", "it-technical"}
    assert "below the 40% needed" in verdict.why


def test_examples_teach_an_orgs_own_words() -> None:
    types = [IssueType("kettle", "Kettle fault"), IssueType("billing", "Billing", synonyms=("invoice",))]
    assert Vocabulary.of(types).classify("it makes a funny whistle and trips the fuse").issue_type_id is None
    taught = Vocabulary.of(types, {"kettle": ["whistle when boiling; trips the fuse"]})
    verdict = taught.classify("it makes a funny whistle and trips the fuse")
    assert verdict.issue_type_id == "kettle", verdict.why


def test_the_examples_column_is_loaded_stored_and_read(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, open_store: Callable[..., MemoryStore]
) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "issue_types.csv").write_text(
        "id,name,parent_id,synonyms,examples\n"
        "kettle,Kettle fault,,,whistle when boiling; trips the fuse\n"
        "billing,Billing,,invoice,\n",
        encoding="utf-8",
    )
    if backend == "neo4j":
        stored: Store = request.getfixturevalue("neo4j_server").fresh()
        apply_bundle(stored, bundle)
    else:
        apply_bundle(open_store("org.db"), bundle)
        stored = open_store("org.db", create=False)  # read back from the file, not the loading store's memory
    kettle = stored.read(Focus.kinds("issue_type")).issue_types["kettle"]
    assert kettle.examples == ("whistle when boiling", "trips the fuse")
    verdict = Vocabulary.of(issue_types(bundle)).classify("mine trips the fuse every morning")
    assert verdict.issue_type_id == "kettle", verdict.why


@pytest.mark.parametrize("message", ["", "   ", "?!...", "—"])
def test_a_message_with_no_words_is_one_clear_error(demo: Vocabulary, message: str) -> None:
    with pytest.raises(BlankMessage, match="no words"):
        demo.classify(message)


def test_the_sets_are_kept_in_the_repository() -> None:
    assert (HERE / "demo.csv").is_file()
    for name in ("utility", "hotel", "telecom"):
        assert (HERE / f"{name}.csv").is_file()
        assert (HERE / name / "issue_types.csv").is_file()
