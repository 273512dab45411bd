"""``buckstop top``: the person at the top of the organisation ("who is your CEO?")."""

from __future__ import annotations

import argparse

from buckstop.graph.errors import BuckstopError
from buckstop.queries import top

from ..answers import dump, top_answer
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, person_line, say

NAME = "top"
HELP = "the person at the top of the organisation (exit 2 if the organisation is empty)"
EXAMPLE = """\
examples:
  buckstop top --json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_store_arguments(parser, as_of=True)


class EmptyOrg(BuckstopError):
    """A question about the top of an organisation that has nobody in it."""

    code = "EMPTY_ORG"

    def __init__(self) -> None:
        super().__init__("the organisation is empty: load a bundle first (buckstop load PATH)")


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    found, org = top(store)
    if found is None:
        raise EmptyOrg()
    if args.json:
        emit_json(dump(top_answer(found, org, store)))
    else:
        say(person_line(found))
    return 0
