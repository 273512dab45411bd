"""Finding phrases in a message: the matcher under the lexicon and an org's terms.

Vocabulary:

- A *phrase* is a short sequence of words that means one or more *concepts* (``lights went out``
  → ``outage``). Each word of a phrase is a set of keys (:func:`.text.keys`); a word of the
  message matches it when they share a key.
- A phrase *occurs* in a message when its words occur in order, at most :data:`GAP` other words
  between two of them (``took my payment twice`` holds ``took payment twice``).
- Occurrences are *taken* greedily: first every phrase marked ``first`` (the boss question, so
  that "the person in charge" is never a billing "charge"), then longer phrases before shorter
  ones, then earlier ones; a word belongs to at most one taken phrase.
- A word of the message that matches no word of any phrase may be a *typo*: when a known word is
  within one edit (two for long words, see :func:`PhraseIndex.correct`), the message word takes
  that word's keys.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

__all__ = ["GAP", "Found", "Phrase", "PhraseIndex", "merge"]

#: The most other words allowed between two consecutive words of a phrase.
GAP = 2


@dataclass(frozen=True, slots=True)
class Phrase:
    """A phrase and what it means."""

    text: str  # as written in the lexicon or the org's terms
    words: tuple[frozenset[str], ...]  # the keys of each word
    concepts: frozenset[str]
    languages: frozenset[str]  # where it comes from ("" for an org's own term)
    first: bool = False  # taken before every other phrase


@dataclass(frozen=True, slots=True)
class Found:
    """A phrase taken from the message, with the words that said it."""

    phrase: Phrase
    positions: tuple[int, ...]
    said: str  # the customer's words, joined


@dataclass
class PhraseIndex:
    """Phrases indexed by the keys of their first word, with the words known for typo correction."""

    phrases: list[Phrase] = field(default_factory=list)
    by_first_key: dict[str, list[Phrase]] = field(default_factory=dict)
    known_keys: set[str] = field(default_factory=set)
    spellings: dict[str, frozenset[str]] = field(default_factory=dict)  # a known folded word -> its keys
    _choices: dict[str, list[str]] | None = None  # the known spellings by their first letter

    def add(self, phrase: Phrase) -> None:
        """Index ``phrase`` by the keys of its first word."""
        self.phrases.append(phrase)
        for key in phrase.words[0]:
            self.by_first_key.setdefault(key, []).append(phrase)
        for word_keys in phrase.words:
            self.known_keys.update(word_keys)

    def spell(self, word: str, word_keys: frozenset[str]) -> None:
        """Know ``word`` (folded) as a spelling a typo may be corrected to."""
        if len(word) >= 5:
            self.spellings[word] = self.spellings.get(word, frozenset()) | word_keys
            self._choices = None

    def correct(self, word: str) -> frozenset[str] | None:
        """The keys of the known word ``word`` is a typo of, if one is near enough.

        Within one edit (a transposition counts one) from six letters on, two from ten on, with
        the first letter right: shorter words and other first letters meet too many real words
        of the seven languages ("store" is not a typo of "story", nor "rendez" of "vendez").
        """
        if len(word) < 6:
            return None
        cutoff = 2 if len(word) >= 10 else 1
        choices = self.choices().get(word[0], [])
        best = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=cutoff)
        return self.spellings[best[0]] if best else None

    def choices(self) -> dict[str, list[str]]:
        """The known spellings by their first letter (made once, when first needed)."""
        if self._choices is None:
            self._choices = {}
            for known in sorted(self.spellings):
                self._choices.setdefault(known[0], []).append(known)
        return self._choices

    def split(self, word: str) -> frozenset[str] | None:
        """The keys of the longest known word that begins or ends a compound ``word``.

        German and Dutch join nouns ("Ersatzgerät", "Stroomstoring"): a known word of five letters
        or more that the compound starts or ends with, four letters or more left over, stands for it.
        """
        for size in range(len(word) - 4, 4, -1):
            found = self.spellings.get(word[:size]) or self.spellings.get(word[-size:])
            if found is not None:
                return found
        return None

    def find(
        self, tokens: Sequence[frozenset[str]], said: Sequence[str], languages: Collection[str] = ()
    ) -> list[Found]:
        """The phrases taken from a message of ``tokens`` (the keys of each word), first taken first.

        With ``languages``, only the lexicon's phrases of those languages count (an org's own
        terms always do): a German "reden" is not a Spanish "red".
        """
        occurrences: list[tuple[Phrase, tuple[int, ...], int]] = []
        for start, token_keys in enumerate(tokens):
            seen: set[int] = set()
            for key in token_keys:
                for phrase in self.by_first_key.get(key, ()):
                    if id(phrase) in seen or (
                        languages and phrase.languages and phrase.languages.isdisjoint(languages)
                    ):
                        continue
                    seen.add(id(phrase))
                    positions = _occurs(phrase, tokens, start)
                    if positions is not None:
                        exact = sum(said[p] in keys for p, keys in zip(positions, phrase.words, strict=True))
                        occurrences.append((phrase, positions, exact))
        occurrences.sort(key=lambda o: (not o[0].first, -len(o[1]), -o[2], o[1][-1] - o[1][0], o[1][0]))
        taken: set[int] = set()
        found: list[Found] = []
        last: tuple[tuple[int, ...], int] | None = None
        for phrase, positions, exact in occurrences:
            # Words already taken are not read again, except by a phrase as good on the same words:
            # a word with two meanings ("kosten": costs and charges) keeps both, and the scores tie.
            if taken.isdisjoint(positions) or (positions, exact) == last:
                taken.update(positions)
                last = (positions, exact)
                found.append(Found(phrase, positions, " ".join(said[p] for p in positions)))
        return found


def _occurs(phrase: Phrase, tokens: Sequence[frozenset[str]], start: int) -> tuple[int, ...] | None:
    positions = [start]
    at = start
    for word_keys in phrase.words[1:]:
        for nxt in range(at + 1, min(at + 2 + GAP, len(tokens))):
            if not word_keys.isdisjoint(tokens[nxt]):
                at = nxt
                positions.append(nxt)
                break
        else:
            return None
    return tuple(positions)


def merge(phrases: Iterable[Phrase]) -> list[Phrase]:
    """Phrases of the same words and languages as one phrase meaning all their concepts."""
    merged: dict[tuple[tuple[frozenset[str], ...], frozenset[str]], Phrase] = {}
    for p in phrases:
        old = merged.get((p.words, p.languages))
        if old is None:
            merged[(p.words, p.languages)] = p
        else:
            merged[(p.words, p.languages)] = Phrase(
                old.text, p.words, old.concepts | p.concepts, old.languages | p.languages, old.first or p.first
            )
    return list(merged.values())
