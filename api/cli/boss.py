"""``buckstop boss [PERSON]``: a person's manager; with no person, the boss of everyone."""

from __future__ import annotations

import argparse

from buckstop.queries import boss, top
from buckstop.queries.lookup import find_person

from ..answers import boss_answer, dump, top_answer
from ._args import text
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, person_line, say
from .top import EmptyOrg

NAME = "boss"
HELP = "a person's manager, or with no person the top of the organisation"
EXAMPLE = """\
examples:
  buckstop boss p-carmen-ortiz
  buckstop boss                  # the top of the organisation
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "person", nargs="?", type=text, help="person id, email or full name (default: the top of the organisation)"
    )
    add_store_arguments(parser, as_of=True)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    found, org = boss(store, args.person) if args.person is not None else top(store)
    if found is None and args.person is None:
        raise EmptyOrg()
    if args.json:
        # With no person asked, the question is the top's, and so is the answer's shape.
        if args.person is None:
            emit_json(dump(top_answer(found, org, store)))
        else:
            emit_json(dump(boss_answer(find_person(org, args.person, store), found, org, store)))
    elif found is None:
        say(f"{args.person} has no manager: they are at the top of the organisation.")
    else:
        say(person_line(found))
    return 0
