"""``buckstop search TEXT``: find people, departments, roles, accounts, agencies, issue types."""

from __future__ import annotations

import argparse

from buckstop.queries import search

from ..answers import dump, find_answer
from ._args import positive, text
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, say, table

NAME = "search"
HELP = "search by name, handle, title, email or synonym"
EXAMPLE = """\
examples:
  buckstop search refund
  buckstop search "money back" --limit 5 --json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", type=text, help="what to look for")
    parser.add_argument("--limit", type=positive, default=20, help="at most this many hits, 1 or more (default 20)")
    add_store_arguments(parser, as_of=True)


def run(args: argparse.Namespace) -> int:
    hits, org = search(store_for_questions(args), args.text, limit=args.limit)
    if args.json:
        emit_json(dump(find_answer(hits, org, args.text)))
    elif hits:
        print(table([(h.kind.value, h.id, h.name, h.matched) for h in hits], ("kind", "id", "name", "matched")))
    else:
        say(f"nothing matches {args.text!r}")
    return 0
