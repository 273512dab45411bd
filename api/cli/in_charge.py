"""``buckstop in-charge NAME``: who is in charge of an account or a department."""

from __future__ import annotations

import argparse

from buckstop.queries import who_is_in_charge

from ..answers import dump, in_charge_answer
from ._args import text
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, person_line, say

NAME = "in-charge"
HELP = "who is in charge of an account or department: its head, then the chain above"
EXAMPLE = """\
examples:
  buckstop in-charge @CorvidDeals
  buckstop in-charge Sales
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", type=text, help="account id or handle, or department id or name")
    add_store_arguments(parser, as_of=True)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    answer = who_is_in_charge(store, args.name, on=args.as_of)
    if args.json:
        emit_json(dump(in_charge_answer(answer, store)))
        return 0
    say(f"In charge of {answer.of}:")
    for level, person in enumerate(answer.people):
        say(f"  {level}. {person_line(person)}")
    for line in answer.explanation:
        say(f"  - {line}")
    return 0
