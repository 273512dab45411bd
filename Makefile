# One command each: `make serve`, `make test`, `make lint`, `make bench`.
PYTHON ?= python3

.PHONY: install serve test lint bench schema neo4j neo4j-stop

install:
	$(PYTHON) -m pip install -q -e ".[test]"

serve:
	$(PYTHON) -m pip install -q -e .
	buckstop serve

lint:
	ruff check .
	ruff format --check .
	mypy

# The test command of the README and of .ci/run: a throwaway Neo4j is started for the
# Neo4j tests when Java and Maven are here (see .ci/neo4j/README.md).
test: install lint
	bash .ci/neo4j/run-with.sh $(PYTHON) -m pytest

# A Neo4j for development: prints the NEO4J_URI to use; stop it with `make neo4j-stop`.
neo4j:
	bash .ci/neo4j/start.sh

neo4j-stop:
	bash .ci/neo4j/stop.sh

schema:
	$(PYTHON) -c "from api.schema import schema; print(schema.as_str())" > api/schema.graphql
