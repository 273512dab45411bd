"""Scenario tests: the whole system, as it is run, made to meet one hard situation on purpose.

A scenario starts the real parts (``buckstop serve`` over HTTP, ``buckstop load`` processes,
SQLite files on real file systems, a real Neo4j it may stop) and then does what an operator, a
busy hour or a hostile caller would: kills a load halfway, fills the disk, loads while clients
ask (``test_concurrency``), stops Neo4j under a running server (``test_neo4j_outage``), sends
documents and requests written by a fuzzer (``test_fuzz``, ``test_edge_fuzz``), or documents built
to cost the most (``test_cost``, ``test_limits``). Each checks one promise under that situation:
no answer mixes two orgs, nothing is half-changed, no 5xx or stack trace, a refusal names its limit.

Where ``tests/api`` asks whether a feature works, a scenario asks whether it holds. They are
slow (every module is marked ``slow``), so ``python -m pytest -m "not slow"`` leaves them out;
``make test`` and ``.ci/run`` run them all. docs/security.md, "Faults and load", lists what they show.
"""
