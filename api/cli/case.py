"""``buckstop case open|show|note|ack|hand-off|escalate|resolve|reopen``: one case, opened and moved.

Every action is one event of the case's history, by ``cli:USER``; ``case show`` prints the
whole story (docs/cases.md). Times are now; the sweep (``buckstop cases sweep``) moves cases
whose deadline passed.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from buckstop.graph.cases import Case
from buckstop.graph.store import Store
from buckstop.queries import cases as q

from ..answers import dump
from ..answers_cases import CaseAnswer, case_answer
from ._args import text
from ._common import add_store_arguments, cli_actor, settings_of, store_for_questions
from .output import emit_json, say

NAME = "case"
HELP = "open a customer's case on an account, show it, and move it (note, ack, hand-off, escalate, resolve)"
EXAMPLE = """\
examples:
  buckstop case open @CorvidHelp "I want my money back for order 1182" --customer @jo
  buckstop case show 1
  buckstop case ack 1 --note "on it"
  buckstop case hand-off 1 "sales enquiry" --note "they want to buy more"
  buckstop case escalate 1 --note "needs a manager"
  buckstop case resolve 1 --note "refunded"
"""

_ACTIONS: dict[str, tuple[str, Callable[..., Case]]] = {
    "ack": ("acknowledge: the handlers have it, its timer stops", q.acknowledge),
    "escalate": ("move it one level up its chain of command", q.escalate),
    "resolve": ("resolve it", q.resolve),
    "reopen": ("open a resolved case again", q.reopen),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    opening = actions.add_parser("open", help="open a case on a customer's message; it is routed at once")
    opening.add_argument("account", type=text, help="account id or handle, e.g. @CorvidHelp")
    opening.add_argument("message", type=text, help="the customer's message, quoted")
    opening.add_argument("--issue-type", type=text, help="the issue type (default: triaged from the message)")
    opening.add_argument("--customer", default="", help="the customer's handle, e.g. @jo")
    opening.add_argument("--summary", default="", help="one line for lists (default: the message's start)")
    add_store_arguments(opening)
    show = actions.add_parser("show", help="the case and its whole history")
    show.add_argument("id", help="the case's number")
    add_store_arguments(show)
    note = actions.add_parser("note", help="add a note to its history")
    note.add_argument("id", help="the case's number")
    note.add_argument("note", type=text, help="the note, quoted")
    add_store_arguments(note)
    hand = actions.add_parser("hand-off", help="re-route it: to an issue type, person:ID, role:ID or department:ID")
    hand.add_argument("id", help="the case's number")
    hand.add_argument("to", help="an issue type, or person:ID, role:ID, department:ID")
    hand.add_argument("--note", default="", help="why")
    add_store_arguments(hand)
    for name, (help, _) in _ACTIONS.items():
        sub = actions.add_parser(name, help=help)
        sub.add_argument("id", help="the case's number")
        sub.add_argument("--note", default="", help="a note for its history")
        add_store_arguments(sub)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    now = q.utc_now()
    actor = cli_actor()
    if args.action == "open":
        case = q.open_case(
            store,
            args.account,
            args.message,
            issue_type=args.issue_type,
            customer=args.customer,
            summary=args.summary,
            actor=actor,
            now=now,
            learn=settings_of(args).learn_from_hand_offs,
        )
    elif args.action == "show":
        case = q.read_case(store, args.id)
    elif args.action == "note":
        case = q.add_note(store, args.id, args.note, actor=actor, now=now)
    elif args.action == "hand-off":
        case = q.hand_off(store, args.id, args.to, actor=actor, now=now, note=args.note)
    else:
        case = _ACTIONS[args.action][1](store, args.id, actor=actor, now=now, note=args.note)
    answer = case_answer(case, store, now=now)
    if args.json:
        emit_json(dump(answer))
    else:
        show_case(answer, store)
    return 0


def show_case(case: CaseAnswer, store: Store) -> None:
    """The whole story, readable: what, who has it, until when, and every event."""
    issue = case.issue_type.name if case.issue_type else "unclassified"
    late = "  — OVERDUE" if case.overdue else ""
    say(f"Case {case.id}: {issue} on {case.account.name} — {case.status}{late}")
    if case.customer is not None:
        say(f"Customer: {case.customer or '(no handle)'}")
    if case.message is not None:
        say(f"Message: {case.message}")
    say(f"Handled by: {', '.join(f'{p.name} ({p.id})' for p in case.handlers)} (level {case.level})")
    say(f"Chain: {' → '.join(p.name for p in case.chain)}")
    say(f"Respond by: {case.respond_by or 'no deadline'}")
    say("Why:")
    for line in case.explanation:
        say(f"  - {line}")
    say("History:")
    for event in case.events:
        moves = event.kind in ("OPENED", "ESCALATED", "HANDED_OFF", "REASSIGNED")
        moved = f" → {', '.join(p.name for p in event.to)}" if moves else ""
        note = f": {event.note}" if event.note else ""
        say(f"  {event.at}  {event.kind.lower().replace('_', ' ')} by {event.actor}{moved}{note}")
