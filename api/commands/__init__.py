"""The ``buckstop`` commands, one module each: ``NAME``, ``HELP``, ``add_arguments``, ``run``."""

from . import audit, boss, chain, in_charge, load, matrix, mcp, route, search, serve, settings, top, triage

COMMANDS = (serve, load, route, triage, chain, boss, top, in_charge, search, audit, matrix, mcp, settings)

__all__ = ["COMMANDS"]
