"""An org's vocabulary: its issue types read as concepts, and a message's verdict against them.

Vocabulary:

- An issue type *owns* the concepts its name, synonyms and examples say (``Outage; power cut``
  owns ``outage``), and, for a term the lexicon does not cover, the term itself (``DSAR``) and
  each of its words the lexicon does not know (weighed :data:`WORD_WEIGHT`).
- A concept's *specificity* is ``1 / (1 + ln n)`` over the ``n`` issue types that own it: a
  concept owned by one type decides more than one owned by three.
- An issue type's *score* for a message is the sum, over the concepts the message says, of
  weight × specificity for those it owns, plus :data:`INHERITED` of that for those only its broader
  types own: "you took the payment twice, I want it back" says ``overcharge`` and ``refund``, and
  Refund (a kind of Billing) scores both, Billing one. A type is a *candidate* when it owns a
  concept the message says; ties go to the narrower type, then by id.
- The *confidence* grows with the best score and shrinks with the runner-up's (a broader type
  of the best is no rival): ``s1 / (s1 + ½) × (1 − ½ · (s2 / s1)²)``. Below the vocabulary's
  *threshold* the verdict is unclassified: the route goes to the fallback, and says why.
- The *boss question* is asked when the message says the concept ``boss`` (any phrasing of "who is
  in charge", in any language of the lexicon); it is flagged whatever the types are called, and
  an issue type that owns ``boss`` (an executive complaint type naming the CEO) scores for it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from buckstop.graph.errors import BuckstopError
from buckstop.graph.model import IssueType

from .lexicon import BOSS, Lexicon, lexicon
from .phrases import Found, Phrase, PhraseIndex, merge
from .text import LANGUAGES, keys, words

__all__ = ["INHERITED", "THRESHOLD", "WORD_WEIGHT", "BlankMessage", "Evidence", "Scored", "Verdict", "Vocabulary"]

#: Below this confidence a message is unclassified.
THRESHOLD = 0.4
#: The share of a broader type's concept that a narrower type scores.
INHERITED = 0.5
#: The weight of a word of an org's term that the lexicon does not know.
WORD_WEIGHT = 0.5


class BlankMessage(BuckstopError):
    """Asked to read a message with no words in it."""

    code = "BLANK_MESSAGE"

    def __init__(self) -> None:
        super().__init__("the message has no words to triage; pass the customer's message as they wrote it")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Words of the message and what they were read as."""

    said: str  # the customer's words
    means: str  # the concept, or the org's own term in quotes
    phrase: str  # the lexicon's phrase or the org's term they matched


@dataclass(frozen=True, slots=True)
class Scored:
    """An issue type and its score for the message."""

    issue_type_id: str
    score: float


@dataclass(frozen=True)
class Verdict:
    """What a message is about, how sure, and why."""

    boss_question: bool
    issue_type_id: str | None  # None: unclassified
    confidence: float  # 0..1
    evidence: tuple[Evidence, ...]  # what the message said that counted, in its order
    candidates: tuple[Scored, ...]  # best first, the chosen one included (when there is one)
    language: str  # ISO 639-1 code of the lexicon's language the message reads as, "" if none
    why: str  # one line for the explanation


@dataclass(frozen=True)
class _Type:
    id: str
    name: str
    depth: int
    own: frozenset[str]
    inherited: frozenset[str]  # owned by a broader type only
    broader: frozenset[str]  # the ids of its broader types


class Vocabulary:
    """An org's issue types prepared for reading messages; build it once per org version."""

    def __init__(self, types: dict[str, _Type], index: PhraseIndex, words_of: Lexicon, threshold: float) -> None:
        self._types = types
        self._index = index
        self._lexicon = words_of
        self.threshold = threshold
        owners: dict[str, list[str]] = {}
        for t in types.values():
            for concept in t.own:
                owners.setdefault(concept, []).append(t.id)
        self._owners = owners
        self._specificity = {c: 1 / (1 + math.log(len(ids))) for c, ids in owners.items()}

    @classmethod
    def of(
        cls,
        issue_types: Iterable[IssueType],
        examples: Mapping[str, Sequence[str]] | None = None,
        *,
        threshold: float = THRESHOLD,
    ) -> Vocabulary:
        """The vocabulary of ``issue_types`` (with optional example phrases by issue type id)."""
        lex = lexicon()
        by_id = {t.id: t for t in issue_types}
        extra = dict(examples or {})
        own: dict[str, set[str]] = {}
        org_phrases: list[Phrase] = []
        spellings: dict[str, frozenset[str]] = {}
        for t in by_id.values():
            concepts = own.setdefault(t.id, set())
            for term in (t.name, *t.synonyms):
                concepts |= _read_term(lex, term, org_phrases, spellings, literal=True)
            for example in (*t.examples, *extra.get(t.id, ())):
                concepts |= _read_term(lex, example, org_phrases, spellings, literal=False)
            concepts |= {part for part, whole in lex.parts.items() if whole in concepts}
        types = {tid: _lineage(by_id, own, tid) for tid in by_id}
        index = PhraseIndex()
        for phrase in merge([*lex.index.phrases, *org_phrases]):
            index.add(phrase)
        index.spellings.update(lex.index.spellings)
        for word, word_keys in spellings.items():
            index.spell(word, word_keys)
        index.choices()  # prepared here, not on the first message with a typo
        return cls(types, index, lex, threshold)

    def classify(self, message: str) -> Verdict:
        """The verdict on ``message``; raises BlankMessage when it has no words."""
        said = words(message)
        if not said:
            raise BlankMessage()
        stop = self._lexicon.stop_words
        languages = self._stemming_languages(said)
        tokens = []
        for w in said:
            k = keys(w, w in stop, languages)
            if k.isdisjoint(self._index.known_keys) and w not in stop and not w.isdigit():
                k = k | (self._index.correct(w) or self._split(w, languages) or frozenset())
            tokens.append(k)
        found = self._index.find(tokens, said, languages)
        found.sort(key=lambda f: f.positions[0])
        said_concepts: dict[str, float] = {}
        for f in found:
            for c in f.phrase.concepts:
                said_concepts[c] = self._weight(c)
        ranked = self._rank(said_concepts)
        boss = BOSS in said_concepts
        language = self._language(said, found)
        confidence, best = self._confidence(ranked)
        chosen = best if best is not None and confidence >= self.threshold else None
        evidence = self._evidence(found, chosen)
        why = self._why(boss, chosen, confidence, evidence, ranked)
        return Verdict(boss, chosen, round(confidence, 3), evidence, tuple(ranked[:5]), language, why)

    def _stemming_languages(self, said: list[str]) -> tuple[str, ...]:
        """The languages to stem in: English and the one the stop words say, else all of them.

        Stemming a word in a language it is not in makes false friends ("charger" is French for
        "to charge"); when the message's stop words name its language, only that one and English
        (the language of brands and borrowed words) are used.
        """
        votes = dict.fromkeys(LANGUAGES, 0)
        for w in said:
            for lang, stop in self._lexicon.stop.items():
                votes[lang] += w in stop
        ranked = sorted(votes.items(), key=lambda v: -v[1])
        if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
            return ()
        return ("en",) if ranked[0][0] == "en" else ("en", ranked[0][0])

    def _split(self, word: str, languages: tuple[str, ...]) -> frozenset[str] | None:
        # Only German and Dutch make compounds of nouns; elsewhere a known prefix is a false friend
        # ("cargador", a charger, starts with "carga", a load).
        if languages and not {"de", "nl"} & set(languages):
            return None
        return self._index.split(word)

    # -- scoring --------------------------------------------------------------------------------

    def _weight(self, concept: str) -> float:
        if concept.startswith("word:"):
            return WORD_WEIGHT
        return self._lexicon.weights.get(concept, 1.0)

    def _rank(self, said: dict[str, float]) -> list[Scored]:
        owned: dict[str, float] = {}
        for concept, weight in said.items():
            for tid in self._owners.get(concept, ()):
                owned[tid] = owned.get(tid, 0.0) + weight * self._specificity[concept]
        scored = []
        for tid, score in owned.items():
            t = self._types[tid]
            score += INHERITED * sum(w * self._specificity.get(c, 1.0) for c, w in said.items() if c in t.inherited)
            scored.append((round(score, 4), t.depth, tid))
        scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
        return [Scored(tid, score) for score, _, tid in scored]

    def _confidence(self, ranked: list[Scored]) -> tuple[float, str | None]:
        if not ranked:
            return 0.0, None
        best = ranked[0]
        broader = self._types[best.issue_type_id].broader
        rival = next((s.score for s in ranked[1:] if s.issue_type_id not in broader), 0.0)
        s1 = best.score
        return s1 / (s1 + 0.5) * (1 - 0.5 * (rival / s1) ** 2), best.issue_type_id

    # -- explaining -----------------------------------------------------------------------------

    def _language(self, said: list[str], found: list[Found]) -> str:
        votes = dict.fromkeys(LANGUAGES, 0.0)
        for w in said:
            for lang, stop in self._lexicon.stop.items():
                if w in stop:
                    votes[lang] += 1
        for f in found:
            for lang in f.phrase.languages & votes.keys():
                votes[lang] += 2 * len(f.positions) / len(f.phrase.languages)
        best = max(votes, key=lambda lang: votes[lang])
        return best if votes[best] > 0 else ""

    def _evidence(self, found: list[Found], chosen: str | None) -> tuple[Evidence, ...]:
        if chosen is None:
            return tuple(_evidence_of(f, c) for f in found for c in sorted(f.phrase.concepts) if c == BOSS)
        t = self._types[chosen]
        return tuple(_evidence_of(f, c) for f in found for c in sorted(f.phrase.concepts) if c in t.own | t.inherited)

    def _why(
        self, boss: bool, chosen: str | None, confidence: float, evidence: tuple[Evidence, ...], ranked: list[Scored]
    ) -> str:
        said = ", ".join(f"{e.said!r} ({e.means})" for e in evidence)
        asks = "The message asks for the person in charge (the boss question). " if boss else ""
        if chosen is not None:
            return f"{asks}Read as {self._types[chosen].name} ({confidence:.0%} sure) from {said}."
        if ranked:
            best = self._types[ranked[0].issue_type_id].name
            return (
                f"{asks}Unclassified: the best reading, {best}, is {confidence:.0%} sure, "
                f"below the {self.threshold:.0%} needed."
            )
        return f"{asks}Unclassified: nothing in the message speaks of any issue type."


def _evidence_of(found: Found, concept: str) -> Evidence:
    means = f"{found.phrase.text!r}" if concept.startswith(("term:", "word:")) else concept
    return Evidence(found.said, means, found.phrase.text)


def _read_term(
    lex: Lexicon, term: str, org_phrases: list[Phrase], spellings: dict[str, frozenset[str]], *, literal: bool
) -> set[str]:
    """The concepts ``term`` says; the org's own phrases it adds go to ``org_phrases``."""
    said = words(term)
    content = [w for w in said if w not in lex.stop_words and w not in lex.generic and not w.isdigit()]
    if not content:
        # A term of generic words alone ("Claims" at an insurer) still names its type.
        content = [w for w in said if w not in lex.stop_words and not w.isdigit()]
    if not content:
        return set()
    tokens = [keys(w, w in lex.stop_words) for w in said]
    found = lex.index.find(tokens, said)
    concepts = {c for f in found for c in f.phrase.concepts}
    covered = {p for f in found for p in f.positions}
    uncovered = [w for i, w in enumerate(said) if i not in covered and w in content]
    if literal and uncovered and len(said) > 1:
        phrase = lex.phrase(term, frozenset((f"term:{' '.join(said)}",)), frozenset())
        if phrase is not None:
            org_phrases.append(phrase)
            concepts |= phrase.concepts
    for w in uncovered:
        if len(w) < 3:
            continue
        phrase = lex.phrase(w, frozenset((f"word:{w}",)), frozenset())
        if phrase is not None:
            org_phrases.append(phrase)
            concepts |= phrase.concepts
            spellings[w] = phrase.words[0]
    return concepts


def _lineage(by_id: Mapping[str, IssueType], own: Mapping[str, set[str]], tid: str) -> _Type:
    inherited: set[str] = set()
    depth = 0
    seen = {tid}
    parent = by_id[tid].parent_id
    while parent is not None and parent in by_id and parent not in seen:
        seen.add(parent)
        inherited |= own[parent]
        depth += 1
        parent = by_id[parent].parent_id
    # A concept a broader type owns is that type's, also when the narrower one's name repeats it
    # ("Payment difficulty" under Billing): only what the narrower type adds makes it win.
    mine = own[tid] - inherited
    return _Type(tid, by_id[tid].name, depth, frozenset(mine), frozenset(inherited), frozenset(seen - {tid}))
