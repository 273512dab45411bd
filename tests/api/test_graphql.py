"""The GraphQL contract, over real HTTP against a running uvicorn serving the demo org."""

from __future__ import annotations

import pytest

from harness.server import Server

pytestmark = pytest.mark.slow

DAY = "2026-11-23"  # the demo org's absences are dated; fix the day so answers never drift

ROUTE = """
query Route($account: String!, $issue: String!, $on: Date) {
  route(account: $account, issueType: $issue, on: $on) {
    fallback
    handlers { id name title email status department { id name } }
    escalation { level absent person { id name } }
    top { id name }
    explanation
    rule { id scope target issueType { id } }
    account { id handle platform }
    issueType { id name }
  }
}
"""


def route(server: Server, account: str, issue: str) -> dict:
    body = server.query(ROUTE, account=account, issue=issue, on=DAY)
    assert "errors" not in body, body
    return body["data"]["route"]


def test_sales_enquiry_on_the_support_account_reaches_sales(demo_server: Server) -> None:
    answer = route(demo_server, "@CorvidHelp", "Sales enquiry")
    assert answer["fallback"] is False
    assert answer["rule"]["id"] == "r-sales-org"
    assert [h["id"] for h in answer["handlers"]] == ["p-carmen-ortiz", "p-david-cohen"]
    assert answer["handlers"][0]["department"]["id"] == "dept-sales"
    levels = [(s["level"], s["person"]["id"]) for s in answer["escalation"]]
    assert levels == [
        (0, "p-carmen-ortiz"),
        (1, "p-jamal-williams"),
        (2, "p-priya-raman"),
        (3, "p-helena-marsh"),
    ]
    assert answer["top"] == {"id": "p-helena-marsh", "name": "Helena Marsh"}
    assert any("r-sales-org" in line for line in answer["explanation"])


def test_support_question_on_the_agency_run_promotions_account(demo_server: Server) -> None:
    answer = route(demo_server, "twitter:@CorvidDeals", "support")
    assert answer["account"]["id"] == "acc-deals"
    assert [h["id"] for h in answer["handlers"]] == ["p-rachel-nguyen"]
    assert answer["rule"]["scope"] == "organization"


def test_absent_head_is_covered_by_the_delegate_and_marked_absent_above(demo_server: Server) -> None:
    answer = route(demo_server, "@CorvidDeals", "press enquiry")
    assert [h["id"] for h in answer["handlers"]] == ["p-zoe-hartmann"]
    marks = {s["person"]["id"]: s["absent"] for s in answer["escalation"]}
    assert marks["p-jonas-whitfield"] is True
    assert marks["p-zoe-hartmann"] is False


def test_fallback_is_marked(demo_server: Server) -> None:
    answer = route(demo_server, "harbor-hotels", "Press enquiry")
    assert answer["fallback"] is True
    assert answer["rule"] is None
    assert [h["id"] for h in answer["handlers"]] == ["p-hugo-lambert"]


def test_top_is_the_ceo_by_name(demo_server: Server) -> None:
    body = demo_server.query("{ top { id name title public } }")
    assert body["data"]["top"] == {
        "id": "p-helena-marsh",
        "name": "Helena Marsh",
        "title": "Chief Executive Officer",
        "public": True,
    }


def test_chain_of_command_boss_and_person(demo_server: Server) -> None:
    body = demo_server.query(
        """{ chainOfCommand(person: "p-carmen-ortiz") { id }
             boss(of: "p-carmen-ortiz") { id }
             person(id: "p-carmen-ortiz") { id name title email status department { name } } }"""
    )
    data = body["data"]
    assert [p["id"] for p in data["chainOfCommand"]] == ["p-jamal-williams", "p-priya-raman", "p-helena-marsh"]
    assert data["boss"] == {"id": "p-jamal-williams"}
    assert data["person"]["status"] == "ACTIVE"
    assert data["person"]["department"] == {"name": "Sales"}


def test_who_is_in_charge_of_an_account_and_a_department(demo_server: Server) -> None:
    body = demo_server.query(
        '{ a: whoIsInCharge(of: "@CorvidDeals") { id } d: whoIsInCharge(of: "Legal & Privacy") { id } }'
    )
    assert [p["id"] for p in body["data"]["a"]] == ["p-gabriel-santos", "p-priya-raman", "p-helena-marsh"]
    assert [p["id"] for p in body["data"]["d"]] == ["p-sofia-alvarez", "p-helena-marsh"]


def test_unknown_account_names_it_and_suggests(demo_server: Server) -> None:
    body = demo_server.query(ROUTE, account="@CorvidHlep", issue="refund", on=DAY)
    [error] = body["errors"]
    assert "'@CorvidHlep'" in error["message"]
    assert error["extensions"]["code"] == "UNKNOWN_ACCOUNT"
    assert "@CorvidHelp" in error["extensions"]["suggestions"]


def test_unknown_issue_type_and_person(demo_server: Server) -> None:
    body = demo_server.query(ROUTE, account="@CorvidHelp", issue="refnd", on=DAY)
    assert body["errors"][0]["extensions"]["code"] == "UNKNOWN_ISSUE_TYPE"
    assert body["errors"][0]["extensions"]["suggestions"] == ["Refund"]
    body = demo_server.query('{ person(id: "p-nobody") { id } }')
    assert body["errors"][0]["extensions"]["code"] == "UNKNOWN_PERSON"
    assert "'p-nobody'" in body["errors"][0]["message"]


def test_only_the_first_two_unknown_names_of_a_request_get_near_names(demo_server: Server) -> None:
    # Thirty different misses in one document would ask the name index thirty times (api.app SUGGESTED_MISSES).
    aliases = " ".join(f'm{i}: person(id: "Carmen Ortis {i}") {{ id }}' for i in range(6))
    body = demo_server.query(f"{{ {aliases} }}")
    errors = body["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNKNOWN_PERSON"] * 6
    assert sum(1 for e in errors if e["extensions"]["suggestions"]) == 2
    assert all("Carmen Ortiz" in e["extensions"]["suggestions"] for e in errors if e["extensions"]["suggestions"])
    again = demo_server.query('{ person(id: "Carmen Ortis") { id } }')  # the next request has its own two
    assert "Carmen Ortiz" in again["errors"][0]["extensions"]["suggestions"]


def test_bad_queries_get_an_error_not_a_stack_trace(demo_server: Server) -> None:
    body = demo_server.query("{ route(account: 1) { nope } }")
    assert body["errors"]
    assert all(e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" for e in body["errors"])
    response = demo_server.client.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "Traceback" not in response.text


def test_health_and_readiness(demo_server: Server) -> None:
    assert demo_server.client.get("/healthz").json() == {"status": "ok"}
    ready = demo_server.client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["backend"] in ("memory", "neo4j")


def test_graphiql_is_served_to_a_browser(demo_server: Server) -> None:
    response = demo_server.client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_a_variable_that_does_not_coerce_is_the_clients_error_not_an_internal_one(demo_server: Server) -> None:
    """graphql-core keeps a GraphQLError as the cause of a bad variable; it was masked as INTERNAL_ERROR."""
    for variables in ({"account": 3}, {"account": None}, {"on": "2026-13-45"}, {"on": 17}):
        body = demo_server.query(ROUTE, **{"account": "@CorvidHelp", "issue": "refund", "on": DAY, **variables})
        [error] = body["errors"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", (variables, error)
        assert error["message"].startswith("Variable '$"), error
        assert body["data"] is None


def test_reports_and_report_count_draw_the_tree_a_level_at_a_time(demo_server: Server) -> None:
    body = demo_server.query(
        """{ top { id reportCount }
             reports(of: "Helena Marsh", limit: 3) { id name reportCount manager { id } }
             more: reports(of: "p-helena-marsh", offset: 3) { id }
             none: reports(of: "p-carmen-ortiz") { id } }"""
    )
    assert "errors" not in body, body
    data = body["data"]
    first = data["reports"]
    assert len(first) == 3
    assert {p["manager"]["id"] for p in first} == {"p-helena-marsh"}
    assert [p["name"] for p in first] == sorted(p["name"] for p in first)
    assert data["top"]["reportCount"] == len(first) + len(data["more"])
    assert any(p["reportCount"] > 0 for p in first)
    assert data["none"] == []


def test_reports_of_an_unknown_person_is_an_error_with_near_names(demo_server: Server) -> None:
    body = demo_server.query('{ reports(of: "Helena Marh") { id } }')
    assert body["data"] is None
    assert "Helena Marsh" in body["errors"][0]["message"]
