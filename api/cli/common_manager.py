"""``buckstop common-manager A B``: the lowest manager above two people (or two departments' heads)."""

from __future__ import annotations

import argparse

from buckstop.queries.common import common_manager

from ..answers import dump
from ..answers_graph import common_manager_answer
from ._args import text
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, person_line, say

NAME = "common-manager"
HELP = "the lowest manager above two people or two departments' heads: who settles what straddles them"
EXAMPLE = """\
examples:
  buckstop common-manager "Liam Walsh" "Carmen Ortiz"
  buckstop common-manager "Customer Support" Sales --json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", type=text, help="a person (id, email or name) or a department (id or name)")
    parser.add_argument("b", type=text, help="another person or department")
    add_store_arguments(parser, as_of=True)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    answer = common_manager(store, args.a, args.b)
    if args.json:
        emit_json(dump(common_manager_answer(answer, store)))
        return 0
    if answer.manager is None:
        say("Nobody is above both.")
    else:
        say(f"Common manager: {person_line(answer.manager)}")
    for side, path in ((answer.a, answer.path_a), (answer.b, answer.path_b)):
        say(f"  {person_line(side)}")
        for level, person in enumerate(path, start=2):
            say(f"{'  ' * level}↑ {person_line(person)}")
    say("Why:")
    for line in answer.explanation:
        say(f"  - {line}")
    return 0
