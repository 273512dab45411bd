"""``buckstop route ACCOUNT ISSUE``: who handles it, who is above them, and why."""

from __future__ import annotations

import argparse
from datetime import date

from buckstop.queries import route

from ..output import emit_json, person_line, routing_dict, say
from ._common import add_store_arguments, store_for_questions

NAME = "route"
HELP = "who handles an issue type on an account, and the escalation chain"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("account", help="account id or handle, e.g. @CorvidHelp or twitter:@CorvidHelp")
    parser.add_argument("issue", help="issue type id, name or synonym, e.g. refund or 'money back'")
    parser.add_argument("--on", type=date.fromisoformat, help="the day whose absences count (default: today)")
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    answer = route(store_for_questions(args), args.account, args.issue, on=args.on)
    if args.json:
        emit_json(routing_dict(answer))
        return 0
    title = f"{answer.issue_type.name} on {answer.account.handle}"
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
