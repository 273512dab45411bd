"""``buckstop matrix``: who handles each top-level issue type on each account — a table, or CSV."""

from __future__ import annotations

import argparse
import sys

from buckstop.queries import matrix

from ..answers import dump, matrix_answer
from ._args import day
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, say, table, write_csv

NAME = "matrix"
HELP = "who handles each top-level issue type on each account (--csv for a spreadsheet)"
EXAMPLE = """\
examples:
  buckstop matrix --on 2026-11-23
  buckstop matrix --csv > matrix.csv
"""

COLUMNS = ("account", "handle", "issue_type", "issue_type_name", "rule", "fallback", "handler_ids", "handlers")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    formats = parser.add_mutually_exclusive_group()
    formats.add_argument("--csv", action="store_true", help="print CSV (one row per account and issue type)")
    formats.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--on", type=day, help="deprecated: the day whose absences count only; --as-of moves the org's version too"
    )
    add_store_arguments(parser, json=False, as_of=True)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    result = matrix(store, on=args.as_of or args.on)
    if args.json:
        emit_json(dump(matrix_answer(result, store)))
    elif args.csv:
        rows = (
            (
                c.account.id,
                c.account.handle,
                c.issue_type.id,
                c.issue_type.name,
                c.rule.id if c.rule else "",
                "true" if c.fallback else "false",
                ";".join(p.id for p in c.handlers),
                ";".join(p.name for p in c.handlers),
            )
            for c in result.cells
        )
        write_csv(sys.stdout, COLUMNS, rows)
    else:
        lines: list[tuple[str, str, str, str]] = []
        for c in result.cells:
            how = "FALLBACK" if c.fallback else (c.rule.id if c.rule else "")
            lines.append((c.account.handle, c.issue_type.name, ", ".join(p.name for p in c.handlers), how))
        print(table(lines, ("account", "issue type", "handled by", "rule")))
        say()
        say(f"{result.fallbacks} of {len(result.cells)} reach only a fallback (on {result.day}).")
    return 0
