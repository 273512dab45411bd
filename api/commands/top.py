"""``buckstop top``: the person at the top of the organisation ("who is your CEO?")."""

from __future__ import annotations

import argparse

from buckstop.queries import top

from ..output import emit_json, person_dict, person_line, say
from ._common import add_store_arguments, store_for_questions

NAME = "top"
HELP = "the person at the top of the organisation"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    found, _ = top(store_for_questions(args))
    if args.json:
        emit_json(person_dict(found) if found else None)
    else:
        say(person_line(found) if found else "The organisation is empty: load a bundle first.")
    return 0 if found else 1
