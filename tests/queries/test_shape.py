"""The audit's findings of shape (queries/audit/shape.py): each on an org built to have it, none on a clean one."""

from __future__ import annotations

from buckstop.queries import Severity, audit
from buckstop.queries.audit.shape import DEPTH_FLOOR, SPAN_FLOOR

from tests.orgs import DAY, OrgBuilder
from tests.queries.test_audit import clean

SHAPE = ("single-point-of-failure", "span-of-control-outlier", "depth-outlier", "not-connected-to-top")


def shape(store):
    return [f for f in audit(store, on=DAY).findings if f.kind in SHAPE]


def test_a_clean_org_has_no_finding_of_shape(store_of):
    assert shape(store_of(clean())) == []


def test_a_person_on_every_escalation_path_of_many_accounts(store_of):
    org = clean().change("routing.csv", "r-sales", target="role:role-agent")  # everything reaches Ann, then Sue
    org.account("acc-shop", "web", "shop", owner="d-support", contact="person:p-sue")
    (finding,) = shape(store_of(org))
    assert finding.kind == "single-point-of-failure"
    assert finding.severity is Severity.INFO
    assert finding.nodes == (
        "person:p-ann",
        "person:p-sue",
        "account:acc-deals",
        "account:acc-help",
        "account:acc-shop",
    )
    assert finding.message.startswith(
        "Ann Lee (p-ann), Sue Park (p-sue) are each on every escalation path of 3 of 3 accounts:"
    )


def test_two_lines_share_no_single_point(store_of):
    org = clean().account("acc-shop", "web", "shop", owner="d-support", contact="person:p-sue")
    assert shape(store_of(org)) == []  # support reaches Sue, sales reaches Mia: only the top is on every path


def test_too_few_accounts_are_not_many(store_of):
    org = clean().change("routing.csv", "r-sales", target="role:role-agent")  # 2 accounts only
    assert shape(store_of(org)) == []


def test_a_span_of_control_far_outside_the_norm(store_of):
    org = clean()
    for i in range(SPAN_FLOOR):
        org.person(f"p-r{i:02}", f"Report {i:02}", department="d-mkt", manager="p-mia")
    (finding,) = shape(store_of(org))
    assert finding.kind == "span-of-control-outlier"
    assert finding.nodes == ("person:p-mia",)
    assert finding.message.startswith(f"Mia Moreau (p-mia) has {SPAN_FLOOR + 1} direct reports;")


def test_a_span_under_the_floor_is_not_an_outlier(store_of):
    org = clean()
    for i in range(SPAN_FLOOR - 2):
        org.person(f"p-r{i:02}", f"Report {i:02}", department="d-mkt", manager="p-mia")
    assert shape(store_of(org)) == []


def test_a_branch_far_deeper_than_the_norm_is_reported_once_at_its_first_too_deep_person(store_of):
    org = clean()
    for i in range(40):  # a broad norm: forty people two levels down
        org.person(f"p-w{i:02}", f"Wide {i:02}", department="d-support", manager=("p-sue", "p-mia")[i % 2])
    manager = "p-ann"  # Ann is two levels down; this line goes to DEPTH_FLOOR + 2
    for level in range(3, DEPTH_FLOOR + 3):
        org.person(f"p-d{level:02}", f"Deep {level:02}", department="d-support", manager=manager)
        manager = f"p-d{level:02}"
    (finding,) = [f for f in shape(store_of(org)) if f.kind == "depth-outlier"]
    assert finding.nodes == (f"person:p-d{DEPTH_FLOOR:02}",)
    assert finding.message.startswith(
        f"Deep {DEPTH_FLOOR:02} (p-d{DEPTH_FLOOR:02}) is {DEPTH_FLOOR} levels below the top, and 2 people below them;"
    )


def test_a_part_nothing_links_to_the_top(store_of):
    org = clean().department("d-lab", "Lab").role("role-lab", "Lab Tech", department="d-lab")
    (finding,) = shape(store_of(org))
    assert finding.kind == "not-connected-to-top"
    assert finding.severity is Severity.WARNING
    assert finding.nodes == ("department:d-lab", "role:role-lab")
    assert finding.where == ("departments.csv:5", "roles.csv:3")


def test_parts_other_findings_name_are_not_repeated(store_of):
    org = clean().account("acc-lost", "web", "lost")  # account-without-owner names it already
    findings = audit(store_of(org), on=DAY).findings
    assert "account-without-owner" in [f.kind for f in findings]
    assert [f for f in findings if f.kind in SHAPE] == []


def test_an_agency_nobody_owns_that_runs_nothing(store_of):
    (finding,) = shape(store_of(clean().agency("ag-old", "Old Agency")))
    assert finding.nodes == ("agency:ag-old",)
    assert finding.message.startswith("Old Agency (ag-old) is linked to nothing that leads to Cora Chen (p-cora)")


def test_the_demo_org_has_none(corvid):
    assert shape(corvid) == []


def test_an_empty_org_has_none(store_of):
    assert shape(store_of(OrgBuilder())) == []
