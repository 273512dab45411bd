"""The error hierarchy: codes, messages that name the value, suggestions, problems."""

from __future__ import annotations

import pytest

from buckstop.graph.errors import (
    BuckstopError,
    BundleRefused,
    NotFound,
    Problem,
    StoreUnavailable,
    UnknownAccount,
    UnknownDepartment,
    UnknownIssueType,
    UnknownName,
    UnknownPerson,
)


@pytest.mark.parametrize(
    ("error", "code", "what"),
    [
        (UnknownAccount, "UNKNOWN_ACCOUNT", "account"),
        (UnknownIssueType, "UNKNOWN_ISSUE_TYPE", "issue type"),
        (UnknownPerson, "UNKNOWN_PERSON", "person"),
        (UnknownDepartment, "UNKNOWN_DEPARTMENT", "department"),
        (UnknownName, "UNKNOWN_NAME", "account or department"),
    ],
)
def test_not_found_errors_name_what_was_asked(error, code, what):
    raised = error("x")
    assert isinstance(raised, NotFound) and isinstance(raised, BuckstopError)
    assert raised.code == code
    assert str(raised) == f"unknown {what} 'x'"


def test_suggestions_are_offered_in_order():
    raised = UnknownAccount("@AcmeDeal", ["@AcmeDeals", "@AcmeHelp"])
    assert raised.suggestions == ("@AcmeDeals", "@AcmeHelp")
    assert str(raised) == "unknown account '@AcmeDeal'; did you mean '@AcmeDeals' or '@AcmeHelp'?"


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (Problem("people.csv", 4, "status", "bad"), "people.csv:4 [status]: bad"),
        (Problem("people.csv", 1, None, "bad"), "people.csv:1: bad"),
        (Problem("people.csv", None, None, "is empty"), "people.csv: is empty"),
    ],
)
def test_problem_reads_as_file_row_column_and_message(problem, text):
    assert str(problem) == text


def test_bundle_refused_carries_and_lists_every_problem():
    problems = [Problem("people.csv", 2, "status", "bad status"), Problem("roles.csv", 3, "holder_ids", "unknown")]
    raised = BundleRefused(problems)
    assert raised.problems == tuple(problems)
    assert raised.code == "BUNDLE_REFUSED"
    assert str(raised).splitlines() == [
        "refused: 2 problems, nothing was changed",
        "  people.csv:2 [status]: bad status",
        "  roles.csv:3 [holder_ids]: unknown",
    ]
    assert str(BundleRefused(problems[:1])).startswith("refused: 1 problem,")


def test_store_unavailable_is_a_buckstop_error():
    assert StoreUnavailable("disk full").code == "STORE_UNAVAILABLE"
    assert issubclass(StoreUnavailable, BuckstopError)


def test_a_refusal_of_a_huge_file_shows_the_first_problems_and_counts_the_rest():
    problems = [Problem("people.csv", row, "manager_id", "unknown person 'x'") for row in range(2, 10_002)]
    problems += [Problem("people.csv", 5, "status", "'gone' is not a status")]
    lines = str(BundleRefused(problems)).splitlines()
    assert lines[0] == "refused: 10,001 problems, nothing was changed"
    assert len(lines) == 1 + BundleRefused.SHOWN + 1
    assert lines[-1] == "  … and 9,951 more: people.csv [manager_id] ×9,951"
    assert len(BundleRefused(problems).problems) == 10_001  # every problem is still carried
