"""``buckstop chain PERSON``: the people above someone, nearest first."""

from __future__ import annotations

import argparse

from buckstop.queries import chain_of_command

from ..answers import chain_answer, dump
from ._args import text
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, person_line, say

NAME = "chain"
HELP = "the chain of command above a person (id, email or name)"
EXAMPLE = """\
examples:
  buckstop chain "Carmen Ortiz"
  buckstop chain p-carmen-ortiz --json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("person", type=text, help="person id, email or full name")
    add_store_arguments(parser, as_of=True)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    chain = chain_of_command(store, args.person)
    if args.json:
        emit_json(dump(chain_answer(chain, store)))
        return 0
    say(person_line(chain.person))
    for level, person in enumerate(chain.above, start=1):
        say(f"{'  ' * level}↑ {person_line(person)}")
    if not chain.above:
        say("  (nobody above: this is the top of the organisation)")
    return 0
