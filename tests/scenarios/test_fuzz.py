"""Fuzzing the GraphQL endpoint: schemathesis asks every operation of the schema, and nothing breaks.

schemathesis reads the schema of a live ``buckstop serve`` (on the demo org) by
introspection and, for each query and mutation, has Hypothesis write documents:
*positive* ones, valid against the schema with arbitrary argument values, and
*negative* ones, which break it (a missing argument, a value of the wrong type).
Every answer must be an answer, never a crash: no 5xx, no Python traceback in the
body, no error with ``extensions.code == "INTERNAL_ERROR"`` (what :mod:`api.errors`
makes of an exception nobody raised on purpose).

Random strings would mostly stop at "unknown account", so a share of the
arguments that name something (an account, an issue type, a person, a
department) is drawn from the demo org, and the questions get past the door.
Each operation is asked by a read token and anonymously (the public view).

It reproduces: a fixed number of examples per operation, ``derandomize`` (the
examples follow from the code -- this test's, and the constants Hypothesis picks
up from the project's modules -- not from the clock), and no example database;
Hypothesis's caches go to a temporary folder, not ``.hypothesis/``. Only the memory
backend is fuzzed: the GraphQL layer under test is the same code for both, and
that Neo4j answers as the memory store does is the contract suite's job
(``tests/graph``, ``tests/queries``).
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.graphql import nodes
from schemathesis.specs.graphql.schemas import GraphQLSchema

from buckstop.api.graphql.schema import schema as buckstop_schema

from harness.server import ServerLog, demo_store, make_token, start_server, stop_server

pytestmark = pytest.mark.slow

#: Documents Hypothesis writes per operation and run (fewer where an operation has fewer to write).
EXAMPLES = 40
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
#: Who asks, and what: a negative document is refused by validation before it meets the principal,
#: so the public view is asked only valid ones.
RUNS = [("read", POSITIVE), ("read", NEGATIVE), ("anonymous", POSITIVE)]
#: The chance that an argument naming something is drawn from the demo org rather than made up.
FROM_THE_ORG = 0.6

#: Every operation of the schema, as schemathesis labels them; the live schema must have exactly these.
OPERATIONS = [
    f"{root.name}.{field}"
    for root in (buckstop_schema._schema.query_type, buckstop_schema._schema.mutation_type)
    if root is not None
    for field in root.fields
]

#: What a Python stack trace, or a path into the installed code, looks like in a response body.
TRACEBACK_SIGNS = [
    re.compile(r"Traceback \(most recent call last\)"),
    re.compile(r'File "[^"]*", line \d+'),  # a frame of a traceback
    re.compile(r"[/\\]site-packages[/\\]"),
]

# An Upload cannot travel in a JSON body; a string stands in for it. loadPeople needs an admin token,
# which neither principal has: what is fuzzed is that its refusal is clean, whatever the arguments.
schemathesis.graphql.scalar("Upload", st.text(max_size=40).map(nodes.String))

ORG_QUERY = """{
  accounts(limit: 500) { id handle name }
  issueTypes(limit: 500) { id name synonyms }
  people(limit: 500) { id name email }
  departments(limit: 500) { id name }
}"""


def _org_names(url: str, headers: dict[str, str]) -> dict[str, list[str]]:
    """The ids and names of the demo org, by kind: what arguments that name something are drawn from."""
    body = httpx.post(f"{url}/graphql", json={"query": ORG_QUERY}, headers=headers, timeout=10).json()
    data = body["data"]
    accounts = [v for a in data["accounts"] for v in (a["id"], a["handle"], a["name"])]
    issue_types = [v for t in data["issueTypes"] for v in (t["id"], t["name"], *t["synonyms"])]
    people = [v for p in data["people"] for v in (p["id"], p["name"], p["email"]) if v]
    departments = [v for d in data["departments"] for v in (d["id"], d["name"])]
    return {
        "accounts": accounts,
        "issue-types": issue_types,
        "people": people,
        "in-charge": accounts + departments,
        "words": accounts + issue_types + people + departments,
    }


def _config(names: dict[str, list[str]]) -> schemathesis.Config:
    """schemathesis's settings: which arguments draw from which names of the org (and no settings file read)."""
    bindings = {
        "Query.route.account": "accounts",
        "Query.route.issueType": "issue-types",
        "Query.chainOfCommand.person": "people",
        "Query.boss.of": "people",
        "Query.person.id": "people",
        "Query.whoIsInCharge.of": "in-charge",
        "Query.search.text": "words",
    }
    return schemathesis.Config.from_dict(
        {
            "dictionaries": {name: {"values": values} for name, values in names.items()},
            "parameters": {key: {"dictionary": name, "probability": FROM_THE_ORG} for key, name in bindings.items()},
        }
    )


class Target:
    """The live server, its schema as schemathesis read it, and the headers of each principal."""

    def __init__(self, url: str, schema: GraphQLSchema, token: str, log: ServerLog) -> None:
        self.url = url
        self.schema = schema
        self.log = log
        self.headers = {"read": {"authorization": f"Bearer {token}"}, "anonymous": {}}


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """A server on a store holding the demo org, and a read token for it."""
    db = tmp_path_factory.mktemp("fuzz") / "buckstop.db"
    # Hypothesis keeps caches (the Unicode tables, constants it found in our code) in .hypothesis/ of the
    # working directory; database=None covers only the examples. Keep it all out of the checkout.
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))
    token = make_token(demo_store(db), "fuzz")
    process, url = start_server(db)
    log = ServerLog(process)
    try:
        headers = {"authorization": f"Bearer {token}"}
        config = _config(_org_names(url, headers))
        schema = schemathesis.graphql.from_url(f"{url}/graphql", config=config, headers=headers, timeout=10)
        yield Target(url, schema, token, log)
    finally:
        process.terminate()  # stop_server closes the pipe: let the reader see the end of it first
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        log.join()
        stop_server(process)
        set_hypothesis_home_dir(None)


def test_the_fuzzer_sees_every_operation(target: Target) -> None:
    live = [f"{root}.{field}" for root in target.schema for field in target.schema[root]]
    assert sorted(live) == sorted(OPERATIONS)
    assert len(OPERATIONS) >= 16


def problems(response: schemathesis.Response) -> list[str]:
    """What is wrong with one answer: a 5xx, a stack trace in the body, an internal error."""
    found = []
    if response.status_code >= 500:
        found.append(f"status {response.status_code}")
    text = response.content.decode("utf-8", errors="replace")
    found += [f"the body shows {sign.pattern!r}" for sign in TRACEBACK_SIGNS if sign.search(text)]
    try:
        body: Any = json.loads(text)
    except ValueError:
        return [*found, "the body is not JSON"]
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or []:
        code = (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
        if code == "INTERNAL_ERROR":
            found.append(f"an internal error: {error.get('message')}")
    return found


@pytest.mark.parametrize(("principal", "mode"), RUNS, ids=[f"{who}-{mode.value}" for who, mode in RUNS])
@pytest.mark.parametrize("label", OPERATIONS)
def test_no_operation_breaks_the_server(
    target: Target, label: str, principal: str, mode: schemathesis.GenerationMode
) -> None:
    root, field = label.split(".")
    operation = target.schema[root][field]
    headers = target.headers[principal]

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,  # a slow answer is not what this test is about; bench/ measures speed
        phases=[Phase.explicit, Phase.generate, Phase.shrink],  # no explain phase: it re-runs and slows a failure
        suppress_health_check=[HealthCheck.too_slow],  # each example is an HTTP round trip
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def ask(case: schemathesis.Case[Any]) -> None:
        response = case.call(headers=headers, timeout=10)
        found = problems(response)
        text = response.content.decode("utf-8", errors="replace")
        assert not found, (
            f"{label} ({principal}, {mode.value}): {'; '.join(found)}\n"
            f"query:\n{case.body!s}\n"
            f"response {response.status_code}:\n{text[:2000]}\n"
            f"the server logged:\n{target.log.about(text)}"
        )

    ask()
