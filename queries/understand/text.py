"""Words and their keys: how a message and a phrase of the lexicon come to compare.

Vocabulary:

- A *word* is a run of letters or digits, folded (case and accents: ``Électricité`` →
  ``electricite``). An elision is split off (``l'amministratore`` → ``l``, ``amministratore``;
  ``d'électricité`` → ``d``, ``electricite``) but an English contraction stays one word with
  its apostrophe dropped (``can't`` → ``cant``), because that is how customers type it anyway.
- A word's *keys* are the word itself and its Snowball stem in each supported language. Two
  words compare equal when they share a key, so ``refunded`` meets ``refund`` (English stem),
  ``remboursement`` meets ``rembourser`` (French stem) and ``Rückerstattung`` meets
  ``Ruckerstattung`` (folding). A *stop word* (``the``, ``le``, ``der`` …) keys only as itself:
  stemmed across seven languages, short function words would collide with content words.

>>> words("Je n'arrive pas à payer, c'est l'horreur!")
['je', 'n', 'arrive', 'pas', 'a', 'payer', 'c', 'est', 'l', 'horreur']
>>> words("I can't log in")
['i', 'cant', 'log', 'in']
>>> sorted(keys("remboursement"))[:3]
['rembours', 'remboursement']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer  # PyStemmer: the Snowball stemmers, in C (docs/decisions.md, "Understanding customers")

__all__ = ["LANGUAGES", "fold", "keys", "stem", "words"]

#: The languages the lexicon speaks, as ISO 639-1 codes, with their Snowball stemmer's name.
LANGUAGES: dict[str, str] = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
}

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# What may follow an apostrophe in English: the contraction stays one word (can't → cant).
_ENGLISH_TAILS = frozenset({"t", "s", "re", "ve", "ll", "d", "m"})
_STEMMERS = {code: Stemmer.Stemmer(name) for code, name in LANGUAGES.items()}


def fold(text: str) -> str:
    """Lower case without accents; ``ß`` as ``ss``, as German writes it without the letter."""
    text = text.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of ``text``, elisions split off (see the module vocabulary)."""
    out: list[str] = []
    for match in _TOKEN.finditer(fold(text)):
        token = match.group().replace("’", "'")
        if "'" not in token:
            out.append(token)
            continue
        parts = token.split("'")
        if len(parts) == 2 and parts[1] in _ENGLISH_TAILS:
            out.append(parts[0] + parts[1])
        else:
            out.extend(p for p in parts if p)
    return out


def stem(word: str, language: str) -> str:
    """The Snowball stem of a folded ``word`` in ``language`` (a code of :data:`LANGUAGES`)."""
    return str(_STEMMERS[language].stemWord(word))


@lru_cache(maxsize=65536)
def keys(word: str, stop: bool = False, languages: tuple[str, ...] = ()) -> frozenset[str]:
    """The keys of a folded ``word``: itself and, unless it is a stop word, its stem in each of
    ``languages`` (every language of :data:`LANGUAGES` when none are given)."""
    if stop or len(word) < 3:
        return frozenset((word,))
    stemmers = [_STEMMERS[lang] for lang in languages] if languages else _STEMMERS.values()
    return frozenset((word, *(s.stemWord(word) for s in stemmers)))
