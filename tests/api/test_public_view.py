"""No private field leaks in the public view, checked field by field over the schema.

Every field of every output type is either listed below as safe for anyone, or
carries the ``@private`` directive (null in the public view except on people
marked public), or is behind an admin token. A new field that is none of these
fails the first test, so it cannot slip by; the second asks a live server, with
no token, for every private field reachable from the questions and checks each
is null wherever the person is not public.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLType

from buckstop.api.graphql.permissions import AdminDirective, PrivateDirective
from buckstop.api.graphql.schema import schema

from harness.server import demo_store, make_token, start_server, stop_server

pytestmark = pytest.mark.slow

#: The fields anyone may read: names, titles, the shape of the org, routing answers.
PUBLIC = {
    "Query": {"route", "top", "chainOfCommand", "boss", "whoIsInCharge", "person", "search", "accounts"}
    | {"departments", "roles", "issueTypes", "people", "orgHealth", "responsibilityMatrix"}
    | {"commonManager", "connection", "triage", "reports"}
    | {"case", "cases"}  # the public view of a case: without the customer's words (docs/cases.md)
    | {"version"}  # which version answers a day, and since when (docs/model.md)
    | {"account"}  # one account, as `accounts` lists them
    | {"upcomingFindings"}  # what scheduled versions break: as orgHealth(asOf:) on their days would say
    | {"viewer"},  # who is asking: the caller's own token name and scopes, `anonymous` and none without one
    "Viewer": {"name", "scopes"},
    "UpcomingFindings": {"fromDay", "toDay", "within", "versions"},
    "ScheduledVersion": {"version", "effective", "beforeVersion", "summary", "leavers", "joiners", "newFindings"}
    | {"resolvedCount", "chains"},
    "ChainChange": {"account", "issueType", "before", "after"},
    "OrgVersion": {"number", "effective"},
    "Person": {"id", "name", "title", "public", "status", "department", "manager", "reportCount", "absence"},
    "Absence": {"starts", "ends", "delegate"},  # the route's explanation says them too (docs/decisions.md)
    "Department": {"id", "name", "parent", "head"},
    "Role": {"id", "title", "department", "holders"},
    "Agency": {"id", "name", "contractOwner"},
    "Account": {"id", "platform", "handle", "name", "owner", "operatedBy", "escalationContact", "agency"},
    "IssueType": {"id", "name", "synonyms", "parent"},
    "Rule": {"id", "issueType", "scope", "target"},
    "Routing": {"fallback", "handlers", "escalation", "top", "explanation", "rule", "account", "issueType", "day"},
    "TriageRouting": {"fallback", "handlers", "escalation", "top", "explanation", "rule", "account", "issueType"}
    | {"day"},
    "Triage": {"message", "issueType", "unclassified", "ambiguous", "confidence", "language", "bossQuestion", "top"}
    | {"evidence", "candidates", "route", "explanation"},
    "TriageEvidence": {"said", "means", "phrase"},
    "TriageCandidate": {"issueType", "score"},
    "EscalationStep": {"level", "person", "absent"},
    "Hit": {"kind", "id", "name", "matched", "node"},
    "Finding": {"kind", "severity", "nodes", "message", "why", "fix"},
    "OrgHealth": {"day", "errorCount", "warningCount", "infoCount", "findings"},
    "MatrixCell": {"account", "issueType", "rule", "fallback", "handlers", "explanation"},
    "ResponsibilityMatrix": {"day", "accounts", "issueTypes", "cells", "fallbacks"},
    "CommonManager": {"a", "b", "manager", "pathA", "pathB", "explanation"},
    "Connection": {"start", "end", "connected", "nodes", "hops", "explanation"},
    "Hop": {"at", "to", "kind", "forward", "record"},
    "Case": {"id", "account", "issueType", "status", "handlers", "level", "chain", "respondBy", "overdue", "opened"}
    | {"explanation", "orgVersion", "events"},
    "CaseRef": {"id", "name"},
    "CaseEvent": {"kind", "at", "actor", "from", "to", "level", "orgVersion"},
}
#: Types reachable only through a field that needs an admin token.
ADMIN_ONLY = {"Mutation", "Change", "LoadResult", "PeopleDiff", "PersonChange", "PersonRef", "RoutingConsequence"} | {
    "ChangesBetween",
    "Webhook",  # webhooks and addWebhook's answer: where case events go, and the secret that signs them
    "WebhookAdded",
    "Handover",
}


def _directives(field: Any) -> list[Any]:
    definition = (field.extensions or {}).get("strawberry-definition")
    return list(getattr(definition, "directives", []))


def _object_types() -> dict[str, GraphQLObjectType]:
    return {
        name: t
        for name, t in schema._schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__")
    }


def test_every_field_is_public_private_or_admin_only() -> None:
    unclassified = []
    for name, type_ in _object_types().items():
        if name in ADMIN_ONLY:
            continue
        for field_name, field in type_.fields.items():
            private = any(isinstance(d, PrivateDirective) for d in _directives(field))
            admin = any(isinstance(d, AdminDirective) for d in _directives(field))
            if not (private or admin or field_name in PUBLIC.get(name, set())):
                unclassified.append(f"{name}.{field_name}")
    assert not unclassified, f"add to PUBLIC (if anyone may see it) or mark private() or admin(): {unclassified}"


def test_the_lists_name_only_fields_that_exist() -> None:
    types = _object_types()
    assert set(PUBLIC) | ADMIN_ONLY == set(types), "a type was added or removed: classify it"
    for name, fields in PUBLIC.items():
        assert fields <= set(types[name].fields), f"{name}: {fields - set(types[name].fields)} no longer exist"


def test_the_admin_only_types_are_reached_only_through_admin_fields() -> None:
    for name, type_ in _object_types().items():
        if name in ADMIN_ONLY:
            continue
        for field_name, field in type_.fields.items():
            target = _named(field.type)
            admin = any(isinstance(d, AdminDirective) for d in _directives(field))
            assert target not in ADMIN_ONLY or admin, f"{name}.{field_name} reaches {target} without an admin token"


def _named(type_: GraphQLType) -> str:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return str(getattr(type_, "name", ""))


# -- over HTTP: every private field is null for people who are not public ---------------------

PERSON = "id public email phone location source"
QUERY = f"""{{
  people(limit: 500) {{ {PERSON} manager {{ {PERSON} }} department {{ head {{ {PERSON} }} }} }}
  route(account: "@CorvidHelp", issueType: "sales enquiry") {{
    handlers {{ {PERSON} }} escalation {{ person {{ {PERSON} }} }} top {{ {PERSON} }} rule {{ source }}
  }}
  roles {{ holders {{ {PERSON} }} }}
  orgHealth {{ findings {{ where }} }}
  responsibilityMatrix {{ cells {{ rule {{ source }} handlers {{ {PERSON} }} }} }}
  search(text: "a", limit: 100) {{ node {{ ... on Person {{ {PERSON} }} }} }}
  commonManager(a: "Liam Walsh", b: "Carmen Ortiz") {{ a {{ {PERSON} }} manager {{ {PERSON} }} pathB {{ {PERSON} }} }}
  connection(from: "@CorvidDeals", to: "Helena Marsh") {{ hops {{ source }} }}
}}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db: Path = tmp_path_factory.mktemp("public-view") / "buckstop.db"
    token = make_token(demo_store(db), "reader")
    process, url = start_server(db, default_store=True)
    yield url, token
    stop_server(process)


def _ask(url: str, token: str | None = None) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{url}/graphql", json={"query": QUERY}, headers=headers, timeout=30)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _private_values(value: Any, public: bool | None = None) -> Iterator[tuple[bool | None, str, Any]]:
    """Every private field in an answer: (the public flag of the person it is on, name, value)."""
    if isinstance(value, list):
        for item in value:
            yield from _private_values(item, public)
    elif isinstance(value, dict):
        here = value.get("public", public) if "email" in value else None
        for name, item in value.items():
            if name in ("email", "phone", "location", "source", "where"):
                yield here, name, item
            else:
                yield from _private_values(item, here)


def test_no_token_no_private_value_on_anyone_not_public(server: tuple[str, str]) -> None:
    url, _ = server
    seen = list(_private_values(_ask(url)))
    leaks = [(name, value) for public, name, value in seen if public is not True and value not in (None, [])]
    assert len(seen) > 500 and not leaks, leaks[:5]
    assert any(public and value for public, _, value in seen)  # people marked public keep theirs


def test_with_a_read_token_the_same_fields_have_values(server: tuple[str, str]) -> None:
    url, token = server
    seen = list(_private_values(_ask(url, token)))
    shown = {name for public, name, value in seen if public is not True and value not in (None, [])}
    assert shown == {"email", "phone", "location", "source", "where"}
