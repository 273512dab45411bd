"""The loaders' fixtures: a fresh store of each backend with a clock a test moves (shared with the time tests)."""

from tests.graph.test_time import clock, empty

__all__ = ["clock", "empty"]
