"""What the commands share: opening the store the settings name (an existing one: see :mod:`api.stores`)."""

from __future__ import annotations

import argparse
import getpass

from buckstop.graph.store import Store

from ..settings import Settings
from ..stores import open_store


def add_store_arguments(parser: argparse.ArgumentParser, *, json: bool = True) -> None:
    parser.add_argument("--db", help="SQLite file of the memory backend [env BUCKSTOP_DB]")
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
    """The store the settings name, which must exist: a question never makes a store, nor seeds one."""
    return open_store(settings_of(args))
