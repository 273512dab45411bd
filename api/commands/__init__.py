"""The ``buckstop`` commands, one module each: ``NAME``, ``HELP``, ``add_arguments``, ``run``."""

from . import boss, chain, in_charge, load, route, search, serve, settings, top

COMMANDS = (serve, load, route, chain, boss, top, in_charge, search, settings)

__all__ = ["COMMANDS"]
