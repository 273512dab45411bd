"""``buckstop how A B``: how two things of the org are connected, hop by hop."""

from __future__ import annotations

import argparse

from buckstop.queries.connection import connection

from ..answers import dump
from ..answers_graph import connection_answer
from ._args import text
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, say

NAME = "how"
HELP = "the shortest path between two things of the org (people, departments, accounts, agencies…), explained"
EXAMPLE = """\
examples:
  buckstop how @CorvidDeals "Helena Marsh"
  buckstop how agency:ag-reelhouse p-helena-marsh --json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("start", metavar="A", type=text, help="a name, handle, email or key (person:ID, account:ID…)")
    parser.add_argument("end", metavar="B", type=text, help="another one")
    add_store_arguments(parser, as_of=True)


def run(args: argparse.Namespace) -> int:
    answer = connection(store_for_questions(args), args.start, args.end)
    if args.json:
        emit_json(dump(connection_answer(answer)))
        return 0
    first, *hops = answer.explanation
    say(first)
    for line, hop in zip(hops, answer.hops, strict=True):
        row = f"  [{hop.source}]" if hop.source.file else ""
        say(f"  {line}{row}")
    return 0
