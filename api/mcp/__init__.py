"""The agent interface: buckstop's questions as read-only MCP tools, over stdio and streamable HTTP.

``buckstop mcp`` serves them over stdio for desktop agents; ``buckstop serve``
serves them at ``/mcp`` next to GraphQL. See ``docs/agents.md``.
"""

from .http import mcp_endpoint
from .server import INSTRUCTIONS, TOOLS, build_server

__all__ = ["INSTRUCTIONS", "TOOLS", "build_server", "mcp_endpoint"]
