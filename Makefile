# One command each: `make serve`, `make test`, `make test-fast`, `make lint`, `make bench`.
PYTHON ?= python3

.PHONY: install serve test test-fast lint bench bench-1m bench-http schema neo4j neo4j-stop

# Also the programs some tests need besides Python (.ci/tools.sh: wrk, chromium, npm, Java and Maven):
# each missing one is named with the tests that will skip; under CI=true the Debian ones are installed,
# and a test whose program is still missing fails rather than skips.
install:
	$(PYTHON) -m pip install -q -e ".[test]"
	@bash .ci/tools.sh
	@if command -v npm >/dev/null; then npm ci --prefix .ci/graphql-http --silent --no-audit --no-fund; fi

serve:
	$(PYTHON) -m pip install -q -e .
	buckstop serve

lint:
	ruff check .
	ruff format --check .
	@mkdir -p build/typing && ln -sfn ../.. build/typing/buckstop
	mypy

# The test command of the README and of .ci/run: a throwaway Neo4j is started for the
# Neo4j tests when Java and Maven are here (see .ci/neo4j/README.md).
test: install lint
	bash .ci/neo4j/run-with.sh $(PYTHON) -m pytest

# The inner loop: the graph, loader and query tests, in seconds. It leaves out the tests marked
# `slow` (those that start a server, a `buckstop` command, a wheel build, a browser or a Neo4j);
# the Neo4j cases run too when NEO4J_URI is set (`make neo4j`). `make test` runs everything.
test-fast:
	$(PYTHON) -m pytest -m "not slow" -q

# A Neo4j for development: prints the NEO4J_URI to use; stop it with `make neo4j-stop`.
neo4j:
	bash .ci/neo4j/start.sh

neo4j-stop:
	bash .ci/neo4j/stop.sh

# The questions in process at 10k and 100k people (route, chain of command, top), reading customers'
# messages (speed, then accuracy on the labelled sets: docs/triage.md), then the load
# benchmark: 10k people in every HR format, 100k in two (docs/performance.md). The 1M load run takes a
# few minutes: `make bench-1m`.
bench:
	$(PYTHON) -m bench.route
	$(PYTHON) -m bench.triage.speed
	$(PYTHON) -m bench.triage
	$(PYTHON) -m bench.load
	$(PYTHON) -m bench.history

bench-1m:
	$(PYTHON) -m bench.load --sizes 1000000 --formats bamboohr,personio

# The HTTP load benchmark (docs/performance.md): a mix of route, chain and top questions, 60 s
# per cell, against 1, 2 and 4 uvicorn workers and a trivial starlette ceiling. Needs wrk
# (Debian: apt-get install wrk); about 7 minutes.
bench-http:
	$(PYTHON) -m bench.http

schema:
	$(PYTHON) -m buckstop.api.graphql.schema > api/graphql/schema.graphql
