"""``buckstop settings``: every setting, its environment variable, value and meaning."""

from __future__ import annotations

import argparse

from ..output import emit_json, table
from ..settings import Settings, describe

NAME = "settings"
HELP = "show every setting with its environment variable and current value"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    rows = describe(Settings())
    if args.json:
        emit_json([{"name": n, "env": e, "value": v, "help": h} for n, e, v, h in rows])
    else:
        print(table(rows, ("setting", "environment", "value", "meaning")))
    return 0
