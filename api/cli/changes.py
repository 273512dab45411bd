"""``buckstop changes``: the log of loads, newest first: version, effective date (scheduled ones marked), when, who,
what; with the lines of the case log among them (personal data purged, exported, forgotten: version ``cases``)."""

from __future__ import annotations

import argparse
from datetime import date

from buckstop.graph.timeline import BEGINNING, today
from buckstop.queries.case_data import changes_with_cases

from ..stores import open_store
from ._args import positive
from ._common import add_store_arguments, settings_of
from .output import emit_json, table

NAME = "changes"
HELP = "the newest changes to the org: version, the day it is in force (scheduled ones marked), when, who, what"
EXAMPLE = """\
examples:
  buckstop changes --limit 5
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=positive, default=20, help="how many, 1 or more (default 20)")
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    store = open_store(settings_of(args))
    try:
        changes = changes_with_cases(store, limit=args.limit)
    finally:
        store.close()
    day = today()
    if args.json:
        emit_json(
            [
                {
                    "version": c.version,
                    "at": c.at.isoformat(),
                    "actor": c.actor,
                    "summary": c.summary,
                    "records": c.records,
                    "effective": c.effective.isoformat() if c.effective else None,
                    "scheduled": bool(c.effective and c.effective > day),
                    "kind": c.kind,
                }
                for c in changes
            ]
        )
    elif changes:
        rows = [
            (
                str(c.version) if c.kind == "load" else c.kind,
                _effective(c.effective, day),
                c.at.isoformat(timespec="seconds"),
                c.actor,
                c.summary,
            )
            for c in changes
        ]
        print(table(rows, ("version", "effective", "loaded at", "who", "what")))
    else:
        print("no changes yet: the store is empty")
    return 0


def _effective(effective: date | None, day: date) -> str:
    if effective is None:
        return "-"
    if effective == BEGINNING:
        return "beginning"  # in force from the beginning (the demo's first version): no day to name
    return f"{effective} (scheduled)" if effective > day else str(effective)
