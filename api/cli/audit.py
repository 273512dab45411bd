"""``buckstop audit``: where the chain of command is broken, with why it matters and how to fix it.

``--strict`` exits 1 when a finding of severity error is found, for HR's own pipelines.
"""

from __future__ import annotations

import argparse

from buckstop.queries import Severity, audit

from ..answers import audit_answer, dump
from ._args import day
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, say

NAME = "audit"
HELP = "list where the chain of command is broken (--strict: exit 1 on errors)"
EXAMPLE = """\
examples:
  buckstop audit --severity warning
  buckstop audit --strict --on 2026-11-23   # exit 1 on errors, for pipelines
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
        "--on", type=day, help="deprecated: the day whose absences count only; --as-of moves the org's version too"
    )
    add_store_arguments(parser, as_of=True)


def run(args: argparse.Namespace) -> int:
    result = audit(store_for_questions(args), on=args.as_of or args.on)
    answer = audit_answer(result, at_least=Severity(args.severity))
    if args.json:
        emit_json(dump(answer))
    else:
        for finding in answer.findings:
            say(f"{_MARK[Severity[finding.severity]]}  {finding.kind}: {finding.message}")
            say(f"    why: {finding.why}")
            say(f"    fix: {finding.fix}")
            if finding.where:
                say(f"    see: {', '.join(finding.where)}")
            say()
        say(answer.explanation[0])
    return 1 if args.strict and result.errors else 0
