"""Hidden characters and look-alike words: what the CLI escapes and the audit reports."""

from __future__ import annotations

import pytest

from buckstop.queries.text import HIDDEN, describe, hidden_characters, mixed_scripts


@pytest.mark.parametrize(
    "char",
    ["\x00", "\t", "\n", "\r", "\x1b", "\x7f", "\x9b", "\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)],
)
def test_every_control_separator_and_bidi_control_is_hidden(char: str) -> None:
    assert HIDDEN.fullmatch(char)


@pytest.mark.parametrize("char", [" ", "a", "é", "а", "田", "\u200d", "\u00a0", "‘", "€"])
def test_letters_spaces_and_joiners_are_not(char: str) -> None:
    assert not HIDDEN.fullmatch(char)


def test_hidden_characters_are_listed_once_in_order() -> None:
    assert hidden_characters("a\u202eb\x1bc\u202e") == ["\u202e", "\x1b"]


def test_describe_names_a_character_or_gives_its_code() -> None:
    assert describe("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert describe("\x1b") == "U+001B"


def test_a_look_alike_word_names_its_odd_letters_against_the_main_alphabet() -> None:
    [mix] = mixed_scripts("Рaypal")  # a Cyrillic Р, then Latin
    assert (mix.word, mix.main, mix.script, mix.letters) == ("Рaypal", "Latin", "Cyrillic", ("Р",))
    [greek] = mixed_scripts("Sοfia")  # a Greek omicron
    assert (greek.script, greek.letters) == ("Greek", ("ο",))


def test_words_are_judged_one_by_one() -> None:
    assert mixed_scripts("Olga Ольга") == []  # two words, each in one alphabet
    assert mixed_scripts("Max Müller") == mixed_scripts("田中さくら Tanaka") == []
