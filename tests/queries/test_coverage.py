"""Coverage: every pair's route, dead ends grouped by issue type and cause, scopes, unused rules."""

from __future__ import annotations

from buckstop.graph import WHOLE
from buckstop.queries.coverage import Coverage, DeadEnd, covers, taxonomy_order

from tests.orgs import DAY, acme


def test_every_pair_is_routed_once_and_dead_ends_are_grouped(store_of):
    org = acme().rule("r-billing", "it-billing", "organization", "role:role-billing")
    coverage = Coverage(store_of(org).read(WHOLE), DAY)
    assert [i.id for i in coverage.issue_types] == ["it-sales", "it-support", "it-billing", "it-refund", "it-complaint"]
    assert len(coverage.routes) == 4 * 5
    assert coverage.used == {"r-billing"}
    dead = coverage.dead_ends()
    accounts = ("acc-deals", "acc-help", "acc-promo", "acc-t2")
    assert dead == [
        DeadEnd("it-sales", None, accounts, ()),
        DeadEnd("it-support", None, accounts, ("it-complaint",)),  # Billing and Refund have a rule
    ]


def test_a_rule_nobody_is_available_for_is_its_own_cause(store_of):
    org = acme().person("p-gone", "Gone", status="left")  # left, with nobody above: nobody takes over
    org.rule("r-sales-t2", "it-sales", "account:acc-t2", "person:p-gone")
    org.rule("r-sales-help", "it-sales", "account:acc-help", "person:p-lou")  # Lou left too, but Sue is above
    coverage = Coverage(store_of(org).read(WHOLE), DAY)
    sales = [d for d in coverage.dead_ends() if d.issue_type_id == "it-sales"]
    assert sales == [
        DeadEnd("it-sales", None, ("acc-deals", "acc-promo"), ()),
        DeadEnd("it-sales", "r-sales-t2", ("acc-t2",), ()),
    ]
    assert coverage.used == {"r-sales-t2", "r-sales-help"}


def test_scopes_and_unused_rules(store_of):
    org = acme()
    org.rule("r-org", "it-billing", "organization", "person:p-bob")
    org.rule("r-ops", "it-billing", "department:d-ops", "person:p-ann")  # covers acc-help and acc-t2
    org.rule("r-mkt", "it-billing", "department:d-mkt", "person:p-max")  # covers acc-deals
    org.rule("r-promo", "it-billing", "account:acc-promo", "person:p-max")
    whole = store_of(org).read(WHOLE)
    coverage = Coverage(whole, DAY)
    rules = whole.rules
    assert [a.id for a in coverage.in_scope(rules["r-ops"])] == ["acc-help", "acc-t2"]
    assert not covers(whole, rules["r-mkt"], whole.accounts["acc-promo"])  # no owner: no department covers it
    assert [r.id for r in coverage.unused()] == ["r-org"]
    assert coverage.beaten_by(rules["r-org"]) == ["r-mkt", "r-ops", "r-promo"]


def test_taxonomy_order_puts_orphans_first_level(store_of):
    whole = store_of(acme()).read(WHOLE)
    assert [i.id for i in taxonomy_order(whole)][:2] == ["it-sales", "it-support"]
