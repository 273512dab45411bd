"""Triage learns from corrections: a case handed off to another issue type makes its message an example.

On both backends (the fixtures of test_cases: memory and neo4j), as every case test.
"""

from __future__ import annotations

from buckstop.queries.cases import hand_off
from buckstop.queries.triage import learned_examples, triage

from tests.queries.test_cases import T0, backend, opened, store

__all__ = ["backend", "store"]  # the fixtures, used by name

ODD = "my flurbo gizmo squeaks at night"


def test_a_hand_off_to_an_issue_type_is_a_correction_triage_learns_only_when_asked(store):
    case = opened(store, ODD)
    assert case.issue_type_id is None  # nothing in Acme's words fits
    assert triage(store, "@AcmeHelp", "the flurbo gizmo squeaks", on=T0.date(), learn=True).issue_type is None
    moved = hand_off(store, case.id, "refund", actor="cli:ann", now=T0, note="a refund, really")
    assert moved.events[-1].issue_type_id == "it-refund"
    assert store.cases.corrections() == [("it-refund", ODD)]
    taxonomy = store.read()
    assert learned_examples(store, taxonomy) == (("it-refund", (ODD,)),)
    learned = triage(store, "@AcmeHelp", "the flurbo gizmo squeaks", on=T0.date(), learn=True)
    assert learned.issue_type is not None and learned.issue_type.id == "it-refund"
    assert {e.said for e in learned.evidence} >= {"flurbo", "gizmo"}
    # off by default: the setting decides, the correction is kept either way
    assert triage(store, "@AcmeHelp", "the flurbo gizmo squeaks", on=T0.date()).issue_type is None


def test_a_hand_off_to_a_person_teaches_nothing_and_each_message_counts_once(store):
    first = opened(store, ODD)
    hand_off(store, first.id, "person:p-sue", actor="cli:ann", now=T0)
    assert store.cases.corrections() == []
    hand_off(store, first.id, "sales enquiry", actor="cli:ann", now=T0)
    hand_off(store, first.id, "refund", actor="cli:ann", now=T0)  # corrected twice: both are kept, in order
    again = opened(store, f"  {ODD} ")
    hand_off(store, again.id, "refund", actor="cli:ann", now=T0)
    assert store.cases.corrections() == [("it-sales", ODD), ("it-refund", ODD), ("it-refund", ODD)]
    assert learned_examples(store, store.read()) == (("it-refund", (ODD,)), ("it-sales", (ODD,)))
