"""``buckstop diff --from D1 --to D2``: what changed in the org between two days.

The versions in force on the two days are compared as a load compares the org before and
after it (:mod:`loaders.diff`): joiners, leavers, movers, title, status and other changes; then
the rules and accounts that changed hands (:mod:`queries.handovers`).
"""

from __future__ import annotations

import argparse
from datetime import date

from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus
from buckstop.graph.timeline import BEGINNING, today
from buckstop.loaders.diff import diff
from buckstop.queries.handovers import handovers

from ..answers import between_answer, dump
from ._args import as_of_day, positive
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, say

NAME = "diff"
HELP = "what changed in the org between two days: joiners, leavers, movers, title and name changes, handovers"
EXAMPLE = """\
examples:
  buckstop diff --from 2026-01-01 --to 2026-07-01
  buckstop diff --from 2026-12-01 --json          # from then to today
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=as_of_day, required=True, metavar="DATE", help="the first day")
    parser.add_argument("--to", dest="end", type=as_of_day, metavar="DATE", help="the second day (default: today)")
    parser.add_argument("--limit", type=positive, default=20, help="people shown per section (default 20)")
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    end = args.end or today()
    before = store.read(Focus(Reach.WHOLE, day=args.start))
    after = store.read(Focus(Reach.WHOLE, day=end))
    if args.json:
        emit_json(dump(between_answer(args.start, end, before, after, args.limit)))
        return 0
    say(
        f"from {args.start} (version {before.version}, effective {_since(before.version, before.effective)}) "
        f"to {end} (version {after.version}, effective {_since(after.version, after.effective)}):"
    )
    for line in diff(before, after).lines(args.limit):
        say(line)
    moved = handovers(before, after, end)
    if moved:
        say(f"Rules and accounts that changed hands ({len(moved):,}):")
        for each in moved[: args.limit]:
            say(f"  {each.message}")
        if len(moved) > args.limit:
            say(f"  … and {len(moved) - args.limit:,} more")
    return 0


def _since(version: int, effective: date | None) -> str:
    """A version's effective day as `buckstop changes` says it: ``beginning`` for one in force from the start
    (which has no day of its own), ``-`` before the first version."""
    if effective is None or effective == BEGINNING:
        return "beginning" if version else "-"
    return effective.isoformat()
