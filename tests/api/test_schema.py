"""The committed SDL is the public contract: a change to the schema must be a change to this file."""

from __future__ import annotations

from pathlib import Path

from buckstop.api.graphql.schema import schema

SDL = Path(__file__).parents[2] / "api" / "graphql" / "schema.graphql"

REGENERATE = "make schema"


def test_schema_matches_the_committed_sdl() -> None:
    assert schema.as_str() + "\n" == SDL.read_text(), f"the schema changed; review it, then run: {REGENERATE}"


def test_the_contract_names_are_there() -> None:
    sdl = SDL.read_text()
    for line in (
        "route(account: String!, issueType: String!, on: Date = null): Routing!",
        "top: Person",
        "chainOfCommand(person: ID!): [Person!]!",
        "boss(of: ID!): Person",
        "whoIsInCharge(of: String!): [Person!]!",
        "person(id: ID!): Person",
    ):
        assert line in sdl, line
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
