"""The neo4j backend: the same org in Neo4j, for many replicas sharing one organisation.

Three modules: :mod:`~graph.neo4j.store` (the driver, the commit gate, loads,
the change log and tokens), :mod:`~graph.neo4j.reads` (each question's reach
compiled to Cypher) and :mod:`~graph.neo4j.records` (records and node
properties, both ways). Relationships are the design's edge kinds, derived from
the records (:meth:`graph.org.Org.edges`); absences are ``Absence`` nodes, with
a ``DELEGATES_TO`` relationship from the absent person to the delegate.
"""

from .store import COMMIT_WAIT, STALE_GATE, Neo4jStore

__all__ = ["COMMIT_WAIT", "STALE_GATE", "Neo4jStore"]
