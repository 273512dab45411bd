"""``buckstop triage ACCOUNT MESSAGE``: which issue type a customer's words are about, and who handles it."""

from __future__ import annotations

import argparse

from buckstop.queries import triage

from ..answers import dump, triage_answer
from ._args import day, text
from ._common import add_store_arguments, settings_of, store_for_questions
from .output import emit_json, person_line, say

NAME = "triage"
HELP = "pick the issue type of a customer's message and route it"
EXAMPLE = """\
examples:
  buckstop triage @CorvidHelp "I want my money back"
  buckstop triage @CorvidHelp "je veux parler au responsable"
  buckstop triage @CorvidHelp "who was your CEO?" --as-of 2026-01-15 --json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("account", type=text, help="account id or handle, e.g. @CorvidHelp")
    parser.add_argument("message", type=text, help="the customer's message, quoted")
    parser.add_argument(
        "--on", type=day, help="deprecated: the day whose absences count only; --as-of moves the org's version too"
    )
    add_store_arguments(parser, as_of=True)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    learn = settings_of(args).learn_from_hand_offs
    answer = triage(store, args.account, args.message, on=args.as_of or args.on, learn=learn)
    if args.json:
        emit_json(dump(triage_answer(answer, store)))
        return 0
    if answer.top is not None:
        say(f"The person in charge: {person_line(answer.top)}")
    sure = f"{answer.confidence:.0%} sure" + (f", {answer.language}" if answer.language else "")
    if answer.issue_type is None:
        marks = " — AMBIGUOUS" if answer.ambiguous else ""
        say(f"Unclassified on {answer.account.handle} ({sure}){marks} — FALLBACK")
    else:
        marks = " — FALLBACK (no rule applies)" if answer.routing.fallback else ""
        say(f"{answer.issue_type.name} on {answer.account.handle} ({sure}){marks}")
    if answer.evidence:
        say("Read from: " + ", ".join(f"{e.said!r} ({e.means})" for e in answer.evidence))
    if answer.candidates:
        say()
        say("Candidates:")
        for candidate in answer.candidates:
            say(f"  {candidate.score:g}  {candidate.issue_type.name}")
    say()
    say("Handled by:")
    for person in answer.routing.handlers:
        say(f"  {person_line(person)}")
    say("Escalation:")
    for step in answer.routing.escalation:
        say(f"  {step.level}. {person_line(step.person)}{'  (absent)' if step.absent else ''}")
    say("Why:")
    for line in answer.explanation:
        say(f"  - {line}")
    return 0
