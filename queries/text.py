r"""Text that does not read as it looks: hidden characters and look-alike letters in names.

Vocabulary:

- A *hidden character* is one a terminal or an editor acts on instead of
  showing: a control character (C0, DEL, C1: ESC starts a sequence that can
  clear a screen, a line feed forges a line, U+009B is ESC [ on some
  terminals), a line or paragraph separator, or a *bidi control* (marks,
  embeddings, overrides, isolates), which reorders the text after it so that
  ``Bob \u202egnp.exe`` shows as ``Bob exe.png``. Nobody types them into a name.
- A *look-alike* word mixes letters of two alphabets whose letters look the
  same: Latin, Greek, Cyrillic, Armenian and Cherokee. ``Pаypal`` with a
  Cyrillic ``а`` reads as ``Paypal`` and is not it. Other mixes (Latin and Han
  in a Japanese name) make no look-alikes and are left alone.

The CLI shows hidden characters as escapes (``api/cli/output.py``); the audit
reports names that hold either (``queries/audit/names.py``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import regex

__all__ = ["HIDDEN", "LOOK_ALIKE_SCRIPTS", "Mix", "describe", "hidden_characters", "mixed_scripts"]

#: Every hidden character, one class. JSON escapes the C0 ones itself; the rest it writes raw.
HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")

#: The alphabets whose letters pass for one another.
LOOK_ALIKE_SCRIPTS = ("Latin", "Greek", "Cyrillic", "Armenian", "Cherokee")

_SCRIPT = {name: regex.compile(rf"\p{{Script={name}}}") for name in LOOK_ALIKE_SCRIPTS}
_WORD = regex.compile(r"[\p{L}\p{M}]+")


@dataclass(frozen=True, slots=True)
class Mix:
    """A look-alike word: its letters of ``script`` among letters of ``main``."""

    word: str
    main: str
    script: str
    letters: tuple[str, ...]


def describe(char: str) -> str:
    """A character by its code point and name: ``U+202E RIGHT-TO-LEFT OVERRIDE`` (``U+001B`` for a control)."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def hidden_characters(text: str) -> list[str]:
    r"""The hidden characters of ``text``, each once, in order.

    >>> hidden_characters("Eve\x1b[2J\x1b[H"), hidden_characters("Ann Lee")
    (['\x1b'], [])
    """
    return list(dict.fromkeys(HIDDEN.findall(text)))


def mixed_scripts(text: str) -> list[Mix]:
    """The look-alike words of ``text``.

    >>> [(m.word, m.main, m.script, m.letters) for m in mixed_scripts("Ada P\u0430ypal")]
    [('Pаypal', 'Latin', 'Cyrillic', ('а',))]
    """
    if text.isascii():  # the common case, and cheap: one alphabet
        return []
    found = []
    for word in _WORD.findall(text):
        letters = {name: pattern.findall(word) for name, pattern in _SCRIPT.items()}
        used = sorted((name for name in letters if letters[name]), key=lambda n: -len(letters[n]))
        if len(used) > 1:
            main = used[0]
            found += [Mix(word, main, other, tuple(dict.fromkeys(letters[other]))) for other in used[1:]]
    return found
