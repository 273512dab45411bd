"""``buckstop audit``: where the chain of command is broken, with why it matters and how to fix it.

``--strict`` exits 1 when a finding of severity error is found, for HR's own pipelines.
``--upcoming 90d`` audits the versions scheduled within that window instead, each against the
version in force before it (:mod:`queries.audit.upcoming`); ``--strict`` then fails on a new error.
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from buckstop.queries import Severity, audit, upcoming
from buckstop.queries.audit.upcoming import BadWindow, window

from ..answers import Finding, audit_answer, dump
from ..answers_time import upcoming_answer
from ._args import day
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, say

NAME = "audit"
HELP = "list where the chain of command is broken (--strict: exit 1 on errors)"
EXAMPLE = """\
examples:
  buckstop audit --severity warning
  buckstop audit --strict --on 2026-11-23   # exit 1 on errors, for pipelines
  buckstop audit --upcoming 90d             # what the versions scheduled in the next 90 days will break
"""

_MARK = {Severity.ERROR: "ERROR", Severity.WARNING: "warning", Severity.INFO: "info"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--severity",
        choices=[s.value for s in Severity],
        default="info",
        help="show findings at least this severe (default: info, all of them)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if any finding is an error")
    parser.add_argument(
        "--upcoming",
        type=_window,
        metavar="WINDOW",
        help="instead, the findings the versions scheduled within WINDOW (90d, 12w) bring, each with its day",
    )
    parser.add_argument(
        "--on", type=day, help="deprecated: the day whose absences count only; --as-of moves the org's version too"
    )
    add_store_arguments(parser, as_of=True)


def run(args: argparse.Namespace) -> int:
    if args.upcoming is not None:
        return _upcoming(args)
    result = audit(store_for_questions(args), on=args.as_of or args.on)
    answer = audit_answer(result, at_least=Severity(args.severity))
    if args.json:
        emit_json(dump(answer))
    else:
        for finding in answer.findings:
            _say_finding(finding)
        say(answer.explanation[0])
    return 1 if args.strict and result.errors else 0


def _upcoming(args: argparse.Namespace) -> int:
    result = upcoming(store_for_questions(args), args.upcoming, start=args.as_of)
    answer = upcoming_answer(result, at_least=Severity(args.severity))
    if args.json:
        emit_json(dump(answer))
    else:
        for version in answer.versions:
            say(f"{version.summary} (version {version.version}, after version {version.before_version or '-'})")
            for change in version.chains:
                say(
                    f"    chain: {change.account.name} / {change.issue_type.name}: "
                    f"{change.before} → {change.after} levels"
                )
            say()
            for finding in version.new_findings:
                _say_finding(finding)
        say(answer.explanation[0])
    errors = any(f.severity is Severity.ERROR for v in result.versions for f in v.new_findings)
    return 1 if args.strict and errors else 0


def _say_finding(finding: Finding) -> None:
    say(f"{_MARK[Severity[finding.severity]]}  {finding.kind}: {finding.message}")
    say(f"    why: {finding.why}")
    say(f"    fix: {finding.fix}")
    if finding.where:
        say(f"    see: {', '.join(finding.where)}")
    say()


def _window(text: str) -> timedelta:
    try:
        return window(text)
    except BadWindow as err:
        raise argparse.ArgumentTypeError(str(err)) from None
