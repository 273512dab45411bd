"""One answer, one shape: `buckstop X --json`, the MCP tool and GraphQL give the same keys, nesting and values.

For each question on the demo org, the command's JSON is compared with the MCP tool's structured
result (equal, whole) and with GraphQL's answer over real HTTP. The GraphQL selection is made from
the answer's pydantic model (the schema the MCP tools publish), never written by hand: a field the
JSON has and GraphQL lacks is a validation error; a field GraphQL has and the JSON lacks is found by
walking GraphQL's types along the model. Nested nodes the JSON gives as ``{id, name}`` (a person's
department and manager, …) are a selection of those two fields and are not walked further.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLType
from pydantic import BaseModel

from buckstop import seed
from buckstop.api import answers, answers_cases, answers_time
from buckstop.api.graphql.schema import schema
from buckstop.graph.timeline import today

from harness.server import Server, make_token, start_server, stop_server
from tests.api.test_cli import buckstop
from tests.api.test_mcp import ask, over_http

pytestmark = pytest.mark.slow  # real servers and commands

DAY = "2026-11-23"
CHARGED = "I was charged twice, I want my money back"

#: What answers carry besides GraphQL's fields: why, where from, and from which version (and its day).
ENVELOPE = frozenset({"explanation", "provenance", "orgVersion", "orgEffective"})

#: GraphQL fields an answer leaves out on purpose: a search hit's `node` is the hit's record again,
#: for a client to walk the graph from; the JSON names it by `kind` and `id`.
#: A person's `reportCount` is a question of its own (`reports`), for a client opening the chart a level at a time.
#: A person's `absence` is asked for a day of its own (the person page shows it; `who-is-away` lists them).
#: An account's `agency` is its `operatedBy` as a node, for the web view to name the agency and its contract owner.
GRAPHQL_ONLY = {("Hit", "node"), ("Person", "reportCount"), ("Account", "agency"), ("Person", "absence")}

Tree = dict[str, "Tree | None"]


def tree_of(model: type[BaseModel]) -> Tree:
    """The fields of ``model`` as a tree of camelCase names: None for a leaf, a subtree for an object."""
    schema = model.model_json_schema(by_alias=True)
    defs = schema.get("$defs", {})

    def walk(node: dict[str, Any]) -> Tree | None:
        if "$ref" in node:
            return walk(defs[node["$ref"].rsplit("/", 1)[1]])
        if "anyOf" in node:
            shapes = [walk(n) for n in node["anyOf"] if n.get("type") != "null"]
            return shapes[0]
        if node.get("type") == "array":
            return walk(node["items"])
        if "properties" in node:
            return {name: walk(sub) for name, sub in node["properties"].items()}
        return None

    tree = walk(schema)
    assert isinstance(tree, dict)
    return tree


def selection(tree: Tree) -> str:
    return " ".join(name if sub is None else f"{name} {{ {selection(sub)} }}" for name, sub in tree.items())


def is_ref(tree: Tree) -> bool:
    return set(tree) == {"id", "name"}


def unwrap(kind: GraphQLType) -> GraphQLType:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind


def missing_from_json(tree: Tree, kind: GraphQLType, path: str = "") -> list[str]:
    """Fields of GraphQL's type (and, along the tree, its fields' types) that the JSON lacks."""
    kind = unwrap(kind)
    assert isinstance(kind, GraphQLObjectType), f"{path or 'the answer'} is an object in JSON, not in GraphQL"
    lacking = [
        f"{kind.name}.{name}" for name in kind.fields if name not in tree and (kind.name, name) not in GRAPHQL_ONLY
    ]
    for name, sub in tree.items():
        if sub is not None and not is_ref(sub) and name in kind.fields:
            lacking += missing_from_json(sub, kind.fields[name].type, f"{path}.{name}")
    return lacking


def same(json_value: Any, graphql_value: Any, path: str = "") -> list[str]:
    """Where the two differ: keys at any level, list lengths, values."""
    if isinstance(json_value, dict) and isinstance(graphql_value, dict):
        if set(json_value) != set(graphql_value):
            return [f"{path}: keys {sorted(set(json_value) ^ set(graphql_value))} on one side only"]
        return [d for k in json_value for d in same(json_value[k], graphql_value[k], f"{path}.{k}")]
    if isinstance(json_value, list) and isinstance(graphql_value, list):
        if len(json_value) != len(graphql_value):
            return [f"{path}: {len(json_value)} items in JSON, {len(graphql_value)} in GraphQL"]
        return [
            d
            for i, (a, b) in enumerate(zip(json_value, graphql_value, strict=True))
            for d in same(a, b, f"{path}[{i}]")
        ]
    return [] if json_value == graphql_value else [f"{path}: {json_value!r} in JSON, {graphql_value!r} in GraphQL"]


@dataclass(frozen=True)
class Part:
    """A GraphQL field answering part of a JSON answer: ``at`` names the part (None: the whole, less the envelope)."""

    field: str
    arguments: str
    at: str | None = None


@dataclass(frozen=True)
class Case:
    name: str
    model: type[answers.Shape]
    cli: tuple[str, ...]
    mcp: tuple[str, dict[str, Any]] | None
    graphql: tuple[Part, ...] = field(default=())


def issue(name: str) -> str:
    return json.dumps(name)


CASES = [
    Case(
        "route",
        answers.RouteAnswer,
        ("route", "@CorvidHelp", "sales enquiry", "--on", DAY),
        ("route", {"account": "@CorvidHelp", "issue": "sales enquiry", "on": DAY}),
        (Part("route", f'account: "@CorvidHelp", issueType: "sales enquiry", on: "{DAY}"'),),
    ),
    Case(
        "route, a fallback",
        answers.RouteAnswer,
        ("route", "harbor-hotels", "press enquiry", "--on", DAY),
        ("route", {"account": "harbor-hotels", "issue": "press enquiry", "on": DAY}),
        (Part("route", f'account: "harbor-hotels", issueType: "press enquiry", on: "{DAY}"'),),
    ),
    Case(
        "triage",
        answers.TriageAnswer,
        ("triage", "@CorvidHelp", CHARGED, "--on", DAY),
        ("triage", {"account": "@CorvidHelp", "message": CHARGED, "on": DAY}),
        (
            Part("triage", f'account: "@CorvidHelp", message: {json.dumps(CHARGED)}, on: "{DAY}"'),
            Part("route", f'account: "@CorvidHelp", issueType: "it-refund", on: "{DAY}"', at="route"),
        ),
    ),
    Case(
        "triage, unclassified",
        answers.TriageAnswer,
        ("triage", "@CorvidDeals", "hi, anyone there?", "--on", DAY),
        ("triage", {"account": "@CorvidDeals", "message": "hi, anyone there?", "on": DAY}),
        (Part("triage", f'account: "@CorvidDeals", message: "hi, anyone there?", on: "{DAY}"'),),
    ),
    Case(
        "triage, the boss question",
        answers.TriageAnswer,
        ("triage", "@CorvidHelp", "je veux parler au responsable", "--on", DAY),
        ("triage", {"account": "@CorvidHelp", "message": "je veux parler au responsable", "on": DAY}),
        (Part("triage", f'account: "@CorvidHelp", message: "je veux parler au responsable", on: "{DAY}"'),),
    ),
    Case(
        "chain",
        answers.ChainAnswer,
        ("chain", "Carmen Ortiz"),
        ("chain_of_command", {"person": "Carmen Ortiz"}),
        (Part("chainOfCommand", 'person: "Carmen Ortiz"', at="above"), Part("person", 'id: "Carmen Ortiz"', "person")),
    ),
    Case(
        "boss",
        answers.BossAnswer,
        ("boss", "p-carmen-ortiz"),
        None,
        (Part("boss", 'of: "p-carmen-ortiz"', at="boss"), Part("person", 'id: "p-carmen-ortiz"', at="person")),
    ),
    Case("top", answers.TopAnswer, ("top",), ("top", {}), (Part("top", "", at="top"),)),
    Case(
        "in charge",
        answers.InChargeAnswer,
        ("in-charge", "@CorvidDeals"),
        ("who_is_in_charge", {"of": "@CorvidDeals"}),
        (Part("whoIsInCharge", 'of: "@CorvidDeals"', at="people"),),
    ),
    Case(
        "search",
        answers.FindAnswer,
        ("search", "refund", "--limit", "10"),
        (
            "find",
            {
                "text": "refund",
                "limit": 10,
                "kinds": ["person", "department", "role", "account", "agency", "issue_type"],
            },
        ),
        (Part("search", 'text: "refund", limit: 10', at="hits"),),
    ),
    Case(
        "audit",
        answers.AuditAnswer,
        ("audit", "--on", DAY),
        ("audit", {"on": DAY}),
        (Part("orgHealth", f'on: "{DAY}"'),),
    ),
    Case(
        "upcoming audit",
        answers_time.UpcomingAnswer,
        ("audit", "--upcoming", "90d"),
        ("upcoming_findings", {"within": "90d"}),
        (Part("upcomingFindings", 'within: "90d"'),),
    ),
    Case(
        "matrix",
        answers.MatrixAnswer,
        ("matrix", "--on", DAY),
        ("responsibility_matrix", {"on": DAY}),
        (Part("responsibilityMatrix", f'on: "{DAY}"'),),
    ),
]


@dataclass
class Org:
    db: Path
    server: Server
    admin: Server
    token: str


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    db = tmp_path_factory.mktemp("one-shape") / "buckstop.db"
    # Loaded as a user loads it, not seeded as the demo: a load into the demo would replace it whole.
    assert buckstop("load", str(seed.FOLDER), db=db).returncode == 0
    # A scheduled version, for the upcoming audit: the Head of Sales leaves in 30 days (today's answers stay).
    scheduled = tmp_path_factory.mktemp("scheduled")
    for each in seed.FOLDER.glob("*.csv"):
        text = each.read_text(encoding="utf-8")
        if each.name == "people.csv":
            text = text.replace(
                "Head of Sales,dept-sales,p-priya-raman,active", "Head of Sales,dept-sales,p-priya-raman,left"
            )
        (scheduled / each.name).write_text(text, encoding="utf-8")
    in_a_month = (today() + timedelta(days=30)).isoformat()
    assert buckstop("load", str(scheduled), "--effective", in_a_month, db=db).returncode == 0
    token, admin = make_token(db, "reader"), make_token(db, "hr", "admin")
    process, url = start_server(db)
    org = Org(db, Server(url, db, token), Server(url, db, admin), token)
    yield org
    org.server.client.close()
    org.admin.client.close()
    stop_server(process)


def cli(db: Path, *args: str) -> Any:
    done = buckstop(*args, "--json", db=db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def compare_with_graphql(server: Server, tree: Tree, answer: dict[str, Any], part: Part) -> None:
    sub = tree if part.at is None else tree[part.at]
    assert sub is not None
    sub = {k: v for k, v in sub.items() if not (part.at is None and k in ENVELOPE and k not in _fields(part.field))}
    arguments = f"({part.arguments})" if part.arguments else ""
    body = server.query(f"{{ {part.field}{arguments} {{ {selection(sub)} }} }}")
    assert "errors" not in body, f"{part.field}: {body.get('errors')}"
    assert missing_from_json(sub, schema._schema.query_type.fields[part.field].type) == []
    shown = answer if part.at is None else answer[part.at]
    if part.at is None:
        shown = {k: v for k, v in shown.items() if k in sub}
    assert same(shown, body["data"][part.field]) == []


def _fields(name: str) -> set[str]:
    kind = unwrap(schema._schema.query_type.fields[name].type)
    return set(kind.fields) if isinstance(kind, GraphQLObjectType) else set()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_command_the_tool_and_graphql_give_one_shape(org: Org, case: Case) -> None:
    answer = cli(org.db, *case.cli)
    tree = tree_of(case.model)
    assert same(answer, _skeleton(answer, tree)) == [], "the command's JSON is not its model's shape"
    if case.mcp is not None:
        tool, arguments = case.mcp
        [result] = ask(over_http(org.server.url, org.token), (tool, arguments))
        assert not result.is_error, result.content
        assert result.structured_content == answer
    for part in case.graphql:
        compare_with_graphql(org.server, tree, answer, part)


def _skeleton(value: Any, tree: Tree | None) -> Any:
    """``value`` with the keys of ``tree`` only: equal to ``value`` when it has exactly the model's keys."""
    if tree is None or value is None:
        return value
    if isinstance(value, list):
        return [_skeleton(v, tree) for v in value]
    return {k: _skeleton(value.get(k), sub) for k, sub in tree.items()}


LOAD = """mutation Load($file: Upload!) {{ loadPeople(file: $file, dryRun: true, limit: 20) {{ {selection} }} }}"""


def test_a_dry_run_load_is_one_shape_on_the_command_line_and_in_graphql(org: Org, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((seed.FOLDER / "people.csv").read_text(encoding="utf-8"))))
    rows[0]["title"] = "Chief of Everything"  # the top: a manager, so not the leaver
    people = io.StringIO()
    writer = csv.DictWriter(people, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    managers = {r["manager_id"] for r in rows}
    leaver = next(r for r in rows if r["status"] == "active" and r["id"] not in managers)
    writer.writerows(r for r in rows if r is not leaver)  # someone leaves
    path = tmp_path / "people.csv"
    path.write_text(people.getvalue(), encoding="utf-8")

    answer = cli(org.db, "load", str(path), "--dry-run")
    tree = tree_of(answers.LoadAnswer)
    assert same(answer, _skeleton(answer, tree)) == []
    assert answer["diff"]["leaverCount"] == 1 and answer["diff"]["titleChanges"]
    form = {
        "operations": json.dumps({"query": LOAD.format(selection=selection(tree)), "variables": {"file": None}}),
        "map": json.dumps({"file": ["variables.file"]}),
    }
    files = {"file": ("people.csv", path.read_bytes())}
    response = org.admin.client.post("/graphql", data=form, files=files, headers={"x-buckstop-upload": "1"})
    body = response.json()
    assert "errors" not in body, body["errors"]
    assert missing_from_json(tree, schema._schema.mutation_type.fields["loadPeople"].type) == []
    assert same(answer, body["data"]["loadPeople"]) == []


def test_the_public_view_withholds_the_same_fields_in_the_tool_and_in_graphql(org: Org) -> None:
    arguments = {"account": "@CorvidDeals", "issue": "press", "on": DAY}
    [result] = ask(over_http(org.server.url), ("route", arguments))  # no token: the public view
    answer = result.structured_content
    handler = answer["handlers"][0]
    assert handler["public"] is False and (handler["email"], handler["source"]) == (None, None)
    assert answer["rule"]["source"] is None and all(f["source"] is None for f in answer["provenance"][:2])
    anonymous = Server(org.server.url, org.db)
    try:
        part = Part("route", f'account: "@CorvidDeals", issueType: "press", on: "{DAY}"')
        compare_with_graphql(anonymous, tree_of(answers.RouteAnswer), answer, part)
    finally:
        anonymous.client.close()


def test_a_case_is_one_shape_on_the_command_line_in_the_tool_and_in_graphql(org: Org) -> None:
    opened = cli(org.db, "case", "open", "@CorvidHelp", "I want my money back", "--customer", "@jo")
    answer = cli(org.db, "case", "note", opened["id"], "order 1182")
    tree = tree_of(answers_cases.CaseAnswer)
    assert same(answer, _skeleton(answer, tree)) == [], "the command's JSON is not its model's shape"
    [result] = ask(over_http(org.server.url, org.token), ("read_case", {"id": answer["id"]}))
    assert not result.is_error, result.content
    assert result.structured_content == answer
    compare_with_graphql(org.server, tree, answer, Part("case", f'id: "{answer["id"]}"'))
