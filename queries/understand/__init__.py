"""Understanding customers: which issue type a message means, in seven languages, and the boss question.

The engine under triage. It reads an org's issue types (names, synonyms, optional examples)
as *concepts* of a shipped multilingual lexicon (``lexicon.toml``), then reads a customer's
message the same way: words folded and stemmed, typos corrected, phrases matched with room for
the words customers put between them. See docs/triage.md for the method and its measurements.

>>> from buckstop.graph.model import IssueType
>>> vocabulary = Vocabulary.of([
...     IssueType("billing", "Billing", synonyms=("invoice", "payment", "charge")),
...     IssueType("refund", "Refund", "billing", ("money back",)),
...     IssueType("outage", "Outage", synonyms=("power cut",)),
... ])
>>> vocabulary.classify("the lights went out").issue_type_id
'outage'
>>> vocabulary.classify("you took the payment twice, I want it back").issue_type_id
'refund'
>>> verdict = vocabulary.classify("je veux parler au responsable")
>>> verdict.boss_question, verdict.issue_type_id, verdict.language
(True, None, 'fr')
"""

from .vocabulary import THRESHOLD, BlankMessage, Evidence, Scored, Verdict, Vocabulary

__all__ = ["THRESHOLD", "BlankMessage", "Evidence", "Scored", "Verdict", "Vocabulary"]
