"""Choosing the media type of a GraphQL answer from the ``Accept`` header, and the status of a request error."""

from __future__ import annotations

import pytest

from buckstop.api.media import prefers_graphql_response, status_of

NEW = "application/graphql-response+json"


@pytest.mark.parametrize(
    ("accept", "new"),
    [
        (None, False),
        ("", False),
        ("*/*", False),  # a wildcard keeps the JSON every tool already reads
        ("application/*", False),
        ("application/json", False),
        (NEW, True),
        (f"{NEW}, application/json;q=0.9", True),  # what the spec tells clients to send
        (f"application/json, {NEW}", True),  # equally preferred: the newer type
        (f"application/json, {NEW};q=0.5", False),
        (f"{NEW};q=0", False),  # q=0 means "not this"
        (f"{NEW};q=nonsense", False),  # a range with a bad q counts for nothing
        (f"{NEW.upper()}; charset=utf-8", True),
        (f"text/html, {NEW}; q=0.8, */*; q=0.1", True),
        ("application/json;q=0.2, */*;q=0.9", False),
    ],
)
def test_the_newer_type_only_for_a_client_that_names_it_and_prefers_it(accept: str | None, new: bool) -> None:
    assert prefers_graphql_response(accept) is new


def test_an_endless_accept_header_is_read_only_so_far() -> None:
    assert prefers_graphql_response(", ".join(["text/plain"] * 10_000 + [NEW])) is False


def test_status_of_an_answer() -> None:
    assert status_of({"data": None, "errors": [{"message": "boom", "path": ["top"]}]}) == 200
    assert status_of({"errors": [{"message": "bad", "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]}) == 400
    assert status_of({"errors": [{"message": "ours", "extensions": {"code": "INTERNAL_ERROR"}}]}) == 500
