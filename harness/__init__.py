"""The parts the tests and the benchmarks share: a synthetic org, and a real ``buckstop serve`` to ask.

Vocabulary:

- :mod:`harness.synth`: seeded synthetic orgs of any size (``synth``), written as a
  bundle (``write_bundle``) or loaded into a store file (``load_org``);
- :mod:`harness.server`: ``buckstop serve`` in a child process on a free port
  (``start_server``, ``stop_server``, ``start_public``), a client for it (``Server``),
  and store files made ready for it (``demo_store``, ``make_token``).

``tests/`` and ``bench/`` both import from here; this package imports neither of them,
so neither imports the other (``tests/bench/``, which tests the benchmarks, is the one
exception). Like ``tests`` and ``bench`` it is not installed: it runs from a checkout.
"""
