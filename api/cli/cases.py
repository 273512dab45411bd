"""``buckstop cases [--overdue] [--json]`` lists cases; ``buckstop cases sweep`` escalates the overdue ones.

The sweep is the timer for cron (``buckstop serve`` runs it too, every ``--sweep-seconds``): every
open case whose deadline passed climbs one level up its chain per deadline passed, and it is safe
to run several at once (docs/cases.md).
"""

from __future__ import annotations

import argparse

from buckstop.graph.cases import CaseStatus
from buckstop.queries import cases as q

from ..answers import dump
from ..answers_cases import case_list_answer
from ._args import positive
from ._common import add_store_arguments, store_for_questions
from .output import emit_json, say, table

NAME = "cases"
HELP = "list cases (--overdue: past their deadline); `cases sweep` escalates the overdue ones"
EXAMPLE = """\
examples:
  buckstop cases
  buckstop cases --overdue --json
  buckstop cases sweep          # from cron, e.g. every minute
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sweep", nargs="?", choices=["sweep"], help="escalate every case past its deadline")
    parser.add_argument("--overdue", action="store_true", help="only open cases past their deadline")
    parser.add_argument("--status", choices=[s.value for s in CaseStatus], help="only cases of this status")
    parser.add_argument("--account", help="only cases on this account (id or handle)")
    parser.add_argument("--limit", type=positive, default=50, help="at most this many, newest first (default 50)")
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    now = q.utc_now()
    if args.sweep:
        moved = q.sweep(store, now=now)
        if args.json:
            steps = [{"case": case_id, "level": e.level, "to": list(e.to_ids)} for case_id, e in moved]
            emit_json({"escalated": steps})
        else:
            say(f"escalated {len(moved)} step{'' if len(moved) == 1 else 's'}")
            for case_id, event in moved:
                say(f"  case {case_id} → level {event.level} ({', '.join(event.to_ids)})")
        return 0
    status = CaseStatus(args.status) if args.status else None
    found = q.find_cases(store, now=now, status=status, overdue=args.overdue, account=args.account, first=args.limit)
    answer = case_list_answer(found, store, now=now)
    if args.json:
        emit_json(dump(answer))
        return 0
    if not answer.cases:
        say("no cases" + (" overdue" if args.overdue else ""))
        return 0
    rows = [
        [
            str(c.id),
            c.status.lower() + (" (overdue)" if c.overdue else ""),
            c.account.name,
            c.issue_type.name if c.issue_type else "unclassified",
            ", ".join(p.name for p in c.handlers),
            c.respond_by or "",
            c.summary or "",
        ]
        for c in answer.cases
    ]
    print(table(rows, ["id", "status", "account", "issue type", "handled by", "respond by", "summary"]))
    return 0
