"""The ways in: GraphQL schema, the starlette app, the ``buckstop`` command, settings.

May import ``queries``, ``loaders`` and ``graph``; nothing below imports this.
"""
