"""`orgHealth` and `responsibilityMatrix` over real HTTP, on the shared demo server (read-only questions)."""

from __future__ import annotations

import pytest

from harness.server import Server

pytestmark = pytest.mark.slow

DAY = "2026-11-23"


def test_org_health_lists_findings_worst_first(demo_server: Server) -> None:
    body = demo_server.query(
        """query Health($on: Date) {
             orgHealth(on: $on) { day errorCount warningCount infoCount
               findings { kind severity nodes message why fix where } } }""",
        on=DAY,
    )
    assert "errors" not in body, body
    health = body["data"]["orgHealth"]
    assert (health["errorCount"], health["warningCount"], health["infoCount"]) == (2, 5, 1)
    assert [f["severity"] for f in health["findings"]][:3] == ["ERROR", "ERROR", "WARNING"]
    tops = next(f for f in health["findings"] if f["kind"] == "several-tops")
    assert tops["nodes"] == ["person:p-marco-bianchi", "person:p-helena-marsh"]
    assert tops["where"] == ["people.csv:59", "people.csv:2"]
    assert "manager_id of p-marco-bianchi" in tops["fix"]


def test_org_health_filters_by_severity(demo_server: Server) -> None:
    body = demo_server.query('{ orgHealth(on: "2026-11-23", severity: ERROR) { errorCount findings { kind } } }')
    health = body["data"]["orgHealth"]
    assert [f["kind"] for f in health["findings"]] == ["contract-owner-left", "several-tops"]
    assert health["errorCount"] == 2


def test_responsibility_matrix(demo_server: Server) -> None:
    body = demo_server.query(
        """{ responsibilityMatrix(on: "2026-11-23") { day fallbacks accounts { id } issueTypes { name }
               cells { account { handle } issueType { id } rule { id } fallback handlers { id } } } }"""
    )
    assert "errors" not in body, body
    result = body["data"]["responsibilityMatrix"]
    assert result["fallbacks"] == 10
    assert len(result["accounts"]) == 8 and len(result["cells"]) == 64
    assert result["issueTypes"][0] == {"name": "Complaint"}
    cell = next(
        c
        for c in result["cells"]
        if c["account"]["handle"] == "@CorvidElectronics" and c["issueType"]["id"] == "it-complaint"
    )
    assert cell == {
        "account": {"handle": "@CorvidElectronics"},
        "issueType": {"id": "it-complaint"},
        "rule": {"id": "r-complaint-facebook"},
        "fallback": False,
        "handlers": [{"id": "p-liam-walsh"}],
    }
