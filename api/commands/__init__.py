"""The ``buckstop`` commands, one module each: ``NAME``, ``HELP``, ``add_arguments``, ``run``."""

from . import (
    audit,
    boss,
    chain,
    changes,
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
)

COMMANDS = (
    serve,
    load,
    route,
    triage,
    chain,
    boss,
    top,
    in_charge,
    search,
    audit,
    matrix,
    mcp,
    token,
    changes,
    settings,
)

__all__ = ["COMMANDS"]
