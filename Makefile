# One command each: `make serve`, `make test`, `make lint`, `make bench`.
PYTHON ?= python3

.PHONY: install serve test lint check bench schema

install:
	$(PYTHON) -m pip install -q -e ".[test]"

serve:
	$(PYTHON) -m pip install -q -e .
	buckstop serve

lint:
	ruff check .
	ruff format --check .
	mypy

# The test command of the README and of .ci/run.
test: install lint
	$(PYTHON) -m pytest

schema:
	$(PYTHON) -c "from api.schema import schema; print(schema.as_str())" > api/schema.graphql
