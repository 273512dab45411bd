"""The concept lexicon shipped with buckstop (``lexicon.toml``), read once per process.

Vocabulary:

- A *concept* is one thing a customer may mean (``refund``, ``outage``, ``boss``), named in
  ``lexicon.toml`` with its phrases in each language and a *weight* (1 unless the file lowers it:
  ``complaint`` colours a message more than it decides it).
- The *stop words* of a language are its function words: they key only as themselves, and they
  vote for their language when a message's language is guessed.
- *Generic* words (``issue``, ``request``, ``problème`` …) say that something is a case, not what
  it is about: an issue type's name keeps its meaning without them ("Technical issue").
- A concept *part of* another (``arrival`` of ``delivery``: "not received") is owned by every
  issue type that owns the other; it is weighed lower because it says less on its own.
- ``boss`` is the concept of the boss question; its phrases are taken before any other.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .phrases import Phrase, PhraseIndex, merge
from .text import LANGUAGES, keys, stem, words

__all__ = ["BOSS", "Lexicon", "lexicon"]

#: The concept of the boss question.
BOSS = "boss"


@dataclass(frozen=True)
class Lexicon:
    """The concepts, their phrases indexed for matching, and the words around them."""

    index: PhraseIndex
    weights: dict[str, float]
    stop: dict[str, frozenset[str]]  # language -> its stop words
    stop_words: frozenset[str]  # every language's
    generic: frozenset[str]
    parts: dict[str, str]  # a weak concept -> the concept whose owners own it too

    def phrase(self, text: str, concepts: frozenset[str], languages: frozenset[str]) -> Phrase | None:
        """``text`` as a phrase meaning ``concepts`` (None when it has no words)."""
        said = words(text)
        if not said:
            return None
        return Phrase(
            text,
            tuple(keys(w, w in self.stop_words) for w in said),
            concepts,
            languages,
            first=BOSS in concepts,
        )


@cache
def lexicon() -> Lexicon:
    """The lexicon shipped in this package, read and indexed once per process."""
    data = tomllib.loads(resources.files(__package__).joinpath("lexicon.toml").read_text("utf-8"))
    stop = {lang: frozenset(words(data["_stop"][lang])) for lang in LANGUAGES}
    stop_words = frozenset().union(*stop.values())
    generic = frozenset(words(data["_generic"]["all"]))
    empty = Lexicon(PhraseIndex(), {}, stop, stop_words, generic, {})
    phrases: list[Phrase] = []
    weights: dict[str, float] = {}
    for concept, entry in data.items():
        if concept.startswith("_"):
            continue
        weights[concept] = float(entry.get("weight", 1.0))
        if "part_of" in entry:
            empty.parts[concept] = entry["part_of"]
        for lang in LANGUAGES:
            for text in entry.get(lang, ()):
                # A lexicon word keys as itself and its stem in its own language: another language's
                # stem of it would meet that language's unrelated words.
                said = words(text)
                if not said:
                    continue
                word_keys = tuple(_keys(w, lang, stop_words) for w in said)
                phrases.append(Phrase(text, word_keys, frozenset((concept,)), frozenset((lang,)), concept == BOSS))
                for w, k in zip(said, word_keys, strict=True):
                    if w not in stop_words:
                        empty.index.spell(w, k)
    for phrase in merge(phrases):
        empty.index.add(phrase)
    empty.weights.update(weights)
    return empty


def _keys(word: str, language: str, stop_words: frozenset[str]) -> frozenset[str]:
    # A stem that is some language's stop word ("quemado" → "quem", Portuguese "who") would meet that
    # stop word in every message: the word keys as itself alone then.
    if word in stop_words or len(word) < 3:
        return frozenset((word,))
    stemmed = stem(word, language)
    return frozenset((word,)) if stemmed in stop_words else frozenset((word, stemmed))
