"""Token names and stored tokens (graph/tokens.py): one check that every backend relies on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from buckstop.graph.errors import BadTokenName, BrokenToken
from buckstop.graph.tokens import MAX_NAME, Scope, Token, check_name, digest

WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "must not be blank"),
        ("   ", "must not be blank"),
        ("a\tb", "must be printable"),
        ("line\nbreak", "must be printable"),
        ("nul\x00", "must be printable"),
        (" grafana", "did you mean 'grafana'"),
        ("x" * (MAX_NAME + 1), f"at most {MAX_NAME} characters"),
    ],
)
def test_a_bad_token_name_is_refused_with_why(name: str, why: str) -> None:
    with pytest.raises(BadTokenName, match=why):
        Token(name, Scope.READ, digest("s"), WHEN)


@pytest.mark.parametrize("name", ["grafana", "hr pipeline (nightly)", "Zoë's laptop", "x" * MAX_NAME])
def test_ordinary_names_are_kept(name: str) -> None:
    assert check_name(name) == name
    assert Token(name, Scope.READ, digest("s"), WHEN).name == name


def test_a_stored_token_reads_back() -> None:
    token = Token("ci", Scope.ADMIN, digest("s"), WHEN)
    assert Token.stored("ci", "admin", token.digest, WHEN.isoformat(), None) == token


@pytest.mark.parametrize(
    "row",
    [
        ("", "read", "d1", WHEN.isoformat(), None),
        (None, "read", "d1", WHEN.isoformat(), None),
        ("ci", "root", "d1", WHEN.isoformat(), None),
        ("ci", "read", "d1", "yesterday", None),
        ("ci", "read", None, WHEN.isoformat(), None),
        ("ci", "read", "d1", WHEN.isoformat(), "soon"),
    ],
)
def test_a_broken_stored_token_is_one_named_error(row: tuple[object, ...]) -> None:
    with pytest.raises(BrokenToken, match=r"a stored token .* is broken"):
        Token.stored(*row)
