"""``buckstop mcp``: the MCP tools over stdio, for desktop agents (see docs/agents.md).

Stdout carries the protocol and nothing else; logs go to stderr.
"""

from __future__ import annotations

import argparse

from ._common import add_store_arguments, store_for_questions

NAME = "mcp"
HELP = "serve the MCP tools (route, triage, audit…) over stdio, for agents"
EXAMPLE = """\
examples:
  buckstop mcp --db /srv/buckstop/buckstop.db
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_store_arguments(parser, json=False)


def run(args: argparse.Namespace) -> int:
    from ..mcp import build_server  # here, not above: the MCP SDK takes a second to import, for this command only

    store = store_for_questions(args)
    try:
        build_server(store).run("stdio")
    finally:
        store.close()
    return 0
