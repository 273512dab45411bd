"""GraphQL's ``Triage``: a customer's message read for its issue type, and routed.

Vocabulary (:mod:`queries.triage`): the *verdict* is the issue type read (or none: *unclassified*),
how sure (*confidence*), the *evidence* (the words that decided it), the *candidates* best first,
the *language*, and the *boss question* (the message asks for the person in charge), for which the
answer names the *top* of the organisation first. Its fields are those of ``buckstop triage --json``
and of the MCP triage tool, less the provenance (``tests/api/test_one_shape.py``).
"""

from __future__ import annotations

import strawberry

from buckstop.queries.triage import Triage as Triaged

from ..view import View
from .cost import Cost, priced
from .types import IssueType, Person, TriageRouting

__all__ = ["Triage", "TriageCandidate", "TriageEvidence"]


@strawberry.type(description="Words of the message and what they were read as.")
class TriageEvidence:
    said: str = strawberry.field(description="The customer's words, folded (case and accents).")
    means: str = strawberry.field(description="A concept of the lexicon, or the org's own term quoted.")
    phrase: str = strawberry.field(description="The lexicon's phrase or the org's term they matched.")


@strawberry.type(description="An issue type a message may be about, and its score.")
class TriageCandidate:
    issue_type: IssueType
    score: float = strawberry.field(description="The weights of the concepts the message says that the type owns.")


@strawberry.type(description="A customer's message read for its issue type, then routed: who handles it, and why.")
class Triage:
    message: str
    issue_type: IssueType | None = strawberry.field(description="The issue type chosen; null when unclassified.")
    unclassified: bool = strawberry.field(description="True when no issue type was read surely enough: the fallback.")
    ambiguous: bool = strawberry.field(
        description="Unclassified, though some issue type was read: ask the customer, or route a candidate."
    )
    confidence: float = strawberry.field(description="How sure the reading is, 0 to 1.")
    language: str = strawberry.field(description="The message's language, ISO 639-1; empty if none.")
    boss_question: bool = strawberry.field(description="True when the message asks for the person in charge.")
    top: Person | None = strawberry.field(
        description="The top of the organisation, named first when the message asks for the person in charge."
    )
    evidence: list[TriageEvidence] = strawberry.field(metadata=priced(Cost(items=5)))
    candidates: list[TriageCandidate] = strawberry.field(metadata=priced(Cost(items=3)))
    route: TriageRouting = strawberry.field(description="The chosen issue type's route, or the account's fallback.")
    explanation: list[str] = strawberry.field(description="Why: the top first (for the boss question), then how.")

    @classmethod
    def of(cls, answer: Triaged, view: View) -> Triage:
        return cls(
            message=answer.message,
            issue_type=IssueType.of(answer.issue_type, view) if answer.issue_type else None,
            unclassified=answer.unclassified,
            ambiguous=answer.ambiguous,
            confidence=answer.confidence,
            language=answer.language,
            boss_question=answer.boss_question,
            top=Person.of(answer.top, view) if answer.top else None,
            evidence=[TriageEvidence(said=e.said, means=e.means, phrase=e.phrase) for e in answer.evidence],
            candidates=[
                TriageCandidate(issue_type=IssueType.of(c.issue_type, view), score=c.score) for c in answer.candidates
            ],
            route=TriageRouting.of(answer.routing, view),
            explanation=list(answer.explanation),
        )
