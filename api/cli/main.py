"""The ``buckstop`` command: one sub-command per module beside this one.

Each command module has ``NAME``, ``HELP``, ``add_arguments`` and ``run``.

User errors print one line (or the list of a refused bundle's problems) to
stderr and exit 2; so do bad arguments (argparse's own errors, made one line
here) and bad settings (:class:`api.settings.BadSetting`). An unexpected error
prints one line and exits 1. No traceback reaches the user unless
``BUCKSTOP_DEBUG=1``. ``buckstop`` alone prints the help and exits 0. Errors
quote names and values, which may hold what a terminal acts on: they are
printed through :func:`api.cli.output.say`, like every value.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import NoReturn

from buckstop.graph.errors import BuckstopError, BundleRefused

from . import (
    audit,
    boss,
    case,
    cases,
    chain,
    changes,
    common_manager,
    diff,
    examples,
    how,
    in_charge,
    load,
    matrix,
    mcp,
    route,
    search,
    serve,
    settings,
    token,
    top,
    triage,
    webhook,
)
from .output import printable, refused, say

__all__ = ["COMMANDS", "main"]

#: The commands, in the order `buckstop --help` lists them.
COMMANDS = (
    serve,
    load,
    route,
    triage,
    examples,
    case,
    cases,
    chain,
    boss,
    top,
    in_charge,
    common_manager,
    how,
    search,
    audit,
    matrix,
    mcp,
    token,
    webhook,
    changes,
    diff,
    settings,
)


class Parser(argparse.ArgumentParser):
    """argparse, with its errors as our one line: ``buckstop: error: ...`` and where to read more."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, printable(f"buckstop: error: {message} (see `{self.prog} --help`)") + "\n")


def installed_version() -> str:
    """The version of the installed distribution, as pip knows it."""
    try:
        return version("buckstop")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    top = Parser(
        prog="buckstop",
        description="Who handles this issue on this account, and who is above them.",
        epilog="example: buckstop route @CorvidHelp refund\n`buckstop COMMAND --help` shows each command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"buckstop {installed_version()}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(
            command.NAME,
            help=command.HELP,
            description=command.HELP,
            epilog=getattr(command, "EXAMPLE", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    cli = parser()
    args = cli.parse_args(argv)
    if args.command is None:  # `buckstop` alone: what it can do, not an error
        cli.print_help()
        return 0
    try:
        code: int = args.run(args)
    except BundleRefused as err:
        refused(err)
        return 2
    except BuckstopError as err:
        say(f"buckstop: error: {err}", stream=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`buckstop matrix --csv | head`): stop quietly, as cat does. Python would
        # flush stdout again at exit and complain, so point it at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a command stopped by a closed pipe
    except Exception as err:  # a bug: say so in one line, keep the trace for BUCKSTOP_DEBUG
        if os.environ.get("BUCKSTOP_DEBUG"):
            raise
        say(f"buckstop: internal error: {type(err).__name__}: {err} (BUCKSTOP_DEBUG=1 shows more)", stream=sys.stderr)
        return 1
    return code
