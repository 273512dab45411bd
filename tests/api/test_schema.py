"""The committed SDL is the public contract: a change to the schema must be a change to this file."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, is_non_null_type

from buckstop.api.graphql.schema import schema

SDL = Path(__file__).parents[2] / "api" / "graphql" / "schema.graphql"

REGENERATE = "make schema"


def test_schema_matches_the_committed_sdl() -> None:
    assert schema.as_str() + "\n" == SDL.read_text(), f"the schema changed; review it, then run: {REGENERATE}"


def test_the_contract_names_are_there() -> None:
    """The contract's fields keep their names, arguments and types; arguments may be added around them."""
    sdl = SDL.read_text()
    query = build_schema(sdl).query_type
    assert query is not None
    for name, arguments, returns in (
        ("route", {"account": "String!", "issueType": "String!", "on": "Date"}, "Routing!"),
        ("top", {}, "Person"),
        ("chainOfCommand", {"person": "ID!"}, "[Person!]!"),
        ("boss", {"of": "ID!"}, "Person"),
        ("whoIsInCharge", {"of": "String!"}, "[Person!]!"),
        ("person", {"id": "ID!"}, "Person"),
    ):
        field = query.fields[name]
        assert str(field.type) == returns, name
        assert {a: str(field.args[a].type) for a in arguments if a in field.args} == arguments, name
        added = set(field.args) - set(arguments)
        assert all(not is_non_null_type(field.args[a].type) for a in added), f"{name}: a new argument must be optional"
    routing = sdl[sdl.index("type Routing {") :].split("}", 1)[0]
    for field in (
        "fallback: Boolean!",
        "handlers: [Person!]!",
        "escalation: [EscalationStep!]!",
        "top: Person",
        "explanation: [String!]!",
        "rule: Rule",
        "account: Account!",
        "issueType: IssueType!",
    ):
        assert field in routing, field
