"""``buckstop cases [--overdue] [--json]`` lists cases; ``buckstop cases sweep`` escalates the overdue ones.

The sweep is the timer for cron (``buckstop serve`` runs it too, every ``--sweep-seconds``): every
open case whose deadline passed climbs one level up its chain per deadline passed, and it is safe
to run several at once (docs/cases.md). With a retention (``BUCKSTOP_CASE_RETENTION_DAYS``) it also
purges the resolved cases older than that; ``buckstop cases purge [--days N]`` purges alone.

The customer's personal data: ``buckstop cases --customer @x --json`` exports every case held on
them (access), ``buckstop cases forget --customer @x`` erases them (erasure); both are logged in
``buckstop changes``, naming the customer by a digest of the handle (queries/case_data.py).
"""

from __future__ import annotations

import argparse

from buckstop.graph.cases import TIMER, CaseStatus
from buckstop.graph.errors import BuckstopError
from buckstop.graph.store import Store
from buckstop.queries import case_data
from buckstop.queries import cases as q

from ..answers import dump
from ..answers_cases import case_list_answer
from ._args import positive
from ._common import add_store_arguments, cli_actor, settings_of, store_for_questions
from .output import emit_json, say, table

NAME = "cases"
HELP = "list cases (--overdue: past their deadline); `cases sweep` escalates the overdue ones; purge, forget"
EXAMPLE = """\
examples:
  buckstop cases
  buckstop cases --overdue --json
  buckstop cases --handler p-julia-novak --status open
  buckstop cases sweep                      # from cron, e.g. every minute
  buckstop cases --customer @jo --json      # everything held on one customer (logged)
  buckstop cases forget --customer @jo      # erase it (logged)
  buckstop cases purge --days 365           # erase the cases resolved more than a year ago
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        nargs="?",
        choices=["sweep", "purge", "forget"],
        help="sweep: escalate every case past its deadline (and purge, with a retention); purge: erase the "
        "resolved cases older than the retention; forget: erase every case of --customer",
    )
    parser.add_argument("--overdue", action="store_true", help="only open cases past their deadline")
    parser.add_argument("--status", choices=[s.value for s in CaseStatus], help="only cases of this status")
    parser.add_argument("--account", help="only cases on this account (id or handle)")
    parser.add_argument("--handler", help="only cases with this person now (id, e-mail or name)")
    parser.add_argument("--customer", help="only this customer's cases, every one (an export, logged); forget: whose")
    parser.add_argument("--days", type=positive, help="purge: the retention in days (default: the setting)")
    parser.add_argument("--limit", type=positive, default=50, help="at most this many, newest first (default 50)")
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    now = q.utc_now()
    if args.action == "purge":
        return _purge(store, args)
    if args.action == "forget":
        if args.customer is None:
            raise BuckstopError("`cases forget` needs --customer HANDLE: whose cases to erase")
        count = case_data.forget(store, args.customer, actor=cli_actor(), now=now)
        emit_json({"forgotten": count}) if args.json else say(f"forgot {count} case{'' if count == 1 else 's'}")
        return 0
    if args.action == "sweep":
        moved = q.sweep(store, now=now)
        if args.json:
            steps = [{"case": case_id, "level": e.level, "to": list(e.to_ids)} for case_id, e in moved]
            emit_json({"escalated": steps})
        else:
            say(f"escalated {len(moved)} step{'' if len(moved) == 1 else 's'}")
            for case_id, event in moved:
                say(f"  case {case_id} → level {event.level} ({', '.join(event.to_ids)})")
        days = settings_of(args).case_retention_days
        if days is not None:
            purged = case_data.purge(store, days=days, actor=TIMER, now=now)
            if not args.json:
                say(f"purged {purged} resolved case{'' if purged == 1 else 's'} older than {days} days")
        return 0
    status = CaseStatus(args.status) if args.status else None
    if args.customer is not None:
        # An export: every case of theirs, whatever the limit, and logged. The other filters still apply.
        found = case_data.export(
            store,
            args.customer,
            actor=cli_actor(),
            now=now,
            status=status,
            overdue=args.overdue,
            account=args.account,
            handler=args.handler,
        )
    else:
        found = q.find_cases(
            store,
            now=now,
            status=status,
            overdue=args.overdue,
            account=args.account,
            handler=args.handler,
            first=args.limit,
        )
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


def _purge(store: Store, args: argparse.Namespace) -> int:
    days = args.days or settings_of(args).case_retention_days
    if days is None:
        raise case_data.NoRetention(None)
    count = case_data.purge(store, days=days, actor=cli_actor(), now=q.utc_now())
    if args.json:
        emit_json({"purged": count, "days": days})
    else:
        say(f"purged {count} resolved case{'' if count == 1 else 's'} older than {days} days")
    return 0
