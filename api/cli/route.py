"""``buckstop route ACCOUNT ISSUE``: who handles it, who is above them, and why."""

from __future__ import annotations

import argparse

from buckstop.queries import route

from ..answers import dump, route_answer
from ._args import day, text
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, person_line, say

NAME = "route"
HELP = "who handles an issue type on an account, and the escalation chain"
EXAMPLE = """\
examples:
  buckstop route @CorvidHelp "money back"
  buckstop route harbor-hotels press --on 2026-11-23 --json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("account", type=text, help="account id or handle, e.g. @CorvidHelp or twitter:@CorvidHelp")
    parser.add_argument("issue", type=text, help="issue type id, name or synonym, e.g. refund or 'money back'")
    parser.add_argument(
        "--on", type=day, help="deprecated: the day whose absences count only; --as-of moves the org's version too"
    )
    add_store_arguments(parser, as_of=True)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    answer = route(store, args.account, args.issue, on=args.as_of or args.on)
    if args.json:
        emit_json(dump(route_answer(answer, store)))
        return 0
    title = f"{answer.issue_type.name if answer.issue_type else 'Unclassified'} on {answer.account.handle}"
    say(title + (" — FALLBACK (no rule applies)" if answer.fallback else ""))
    say()
    say("Handled by:")
    for person in answer.handlers:
        say(f"  {person_line(person)}")
    say("Escalation:")
    for step in answer.escalation:
        mark = "  (absent)" if step.absent else ""
        say(f"  {step.level}. {person_line(step.person)}{mark}")
    say("Why:")
    for line in answer.explanation:
        say(f"  - {line}")
    return 0
