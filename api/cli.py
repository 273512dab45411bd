"""The ``buckstop`` command: one sub-command per module in ``api/commands``.

User errors print one line (or the list of a refused bundle's problems) to
stderr and exit 2; an unexpected error prints one line and exits 1. No
traceback reaches the user unless ``BUCKSTOP_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from buckstop.graph.errors import BuckstopError, BundleRefused

from .commands import COMMANDS

__all__ = ["main"]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="buckstop",
        description="Who handles this issue on this account, and who is above them.",
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = commands.add_parser(command.NAME, help=command.HELP, description=command.HELP)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except BundleRefused as err:
        print(f"buckstop: {err}", file=sys.stderr)
        return 2
    except BuckstopError as err:
        print(f"buckstop: error: {err}", file=sys.stderr)
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
        print(f"buckstop: internal error: {type(err).__name__}: {err} (BUCKSTOP_DEBUG=1 shows more)", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
