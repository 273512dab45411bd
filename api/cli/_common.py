"""What the commands share: opening the store the settings name (an existing one: see :mod:`api.stores`)."""

from __future__ import annotations

import argparse
import getpass

from buckstop.graph.dated import as_of
from buckstop.graph.store import Store

from ..settings import Settings
from ..stores import open_store
from ._args import as_of_day


def add_store_arguments(parser: argparse.ArgumentParser, *, json: bool = True, as_of: bool = False) -> None:
    """``--db``, ``--json`` (unless not ``json``) and, for a question (``as_of``), ``--as-of``."""
    parser.add_argument("--db", help="SQLite file of the memory backend [env BUCKSTOP_DB]")
    if as_of:
        parser.add_argument(
            "--as-of",
            dest="as_of",
            type=as_of_day,
            metavar="DATE",
            help="the day asked about: the version of the org in force then, and its absences; YYYY-MM-DD or an "
            "ISO 8601 date-time (default: today)",
        )
    if json:
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def cli_actor() -> str:
    """Who a command run on the server acts as, for the log of changes: ``cli:<login>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name for this uid (a bare container)
        return "cli"


def settings_of(args: argparse.Namespace) -> Settings:
    return Settings().with_overrides(db=getattr(args, "db", None))


def store_for_questions(args: argparse.Namespace) -> Store:
    """The store the settings name, which must exist: a question never makes a store, nor seeds one.

    With ``--as-of``, the store as of that day (graph.dated).
    """
    return as_of(open_store(settings_of(args)), getattr(args, "as_of", None))
