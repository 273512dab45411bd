"""The ``buckstop`` command line: :func:`main` and one module per command (see :mod:`.main`)."""

from .main import main

__all__ = ["main"]
