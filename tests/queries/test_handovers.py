"""Handovers: the rules and accounts that changed hands between two versions of Acme (tests/orgs.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from buckstop.graph import MemoryStore
from buckstop.graph.org import Org
from buckstop.loaders import apply_bundle
from buckstop.queries.handovers import handovers

from tests.orgs import OrgBuilder, acme

DAY = date(2026, 6, 1)


def org_of(builder: OrgBuilder, folder: Path) -> Org:
    store = MemoryStore()
    apply_bundle(store, builder.write(folder))
    return store.read()


def with_rules(org: OrgBuilder) -> OrgBuilder:
    org.rule("r-refund", "it-refund", "account:acc-help", "person:p-ann")
    org.rule("r-billing", "it-billing", "organization", "role:role-billing")
    return org.rule("r-sales", "it-sales", "organization", "department:d-mkt")


def test_rules_and_accounts_that_changed_hands_are_named_with_what_changed(tmp_path: Path) -> None:
    before = org_of(with_rules(acme()), tmp_path / "before")
    changed = with_rules(acme())
    changed.change("routing.csv", "r-refund", target="person:p-bob")  # a new target
    changed.change("roles.csv", "role-billing", holder_ids="p-dan")  # the same target, other hands
    changed.change("agencies.csv", "ag-bright", contract_owner_id="p-cora")  # Brightside runs @AcmeDeals
    changed.change("accounts.csv", "acc-help", escalation_contact="person:p-sue", owner_department_id="d-ops")
    after = org_of(changed, tmp_path / "after")

    found = {(h.kind.value, h.id, h.field): (h.old, h.new) for h in handovers(before, after, DAY)}
    assert found == {
        ("rule", "r-refund", "target"): ("person:p-ann", "person:p-bob"),
        ("rule", "r-refund", "handlers"): ("person:p-ann", "person:p-bob"),
        ("rule", "r-billing", "handlers"): ("person:p-ann, person:p-bob", "person:p-dan"),
        ("account", "acc-deals", "contractOwner"): ("person:p-mia", "person:p-cora"),
        ("account", "acc-promo", "contractOwner"): ("person:p-mia", "person:p-cora"),
        ("account", "acc-help", "owner"): ("department:d-support", "department:d-ops"),
        ("account", "acc-help", "escalationContact"): ("role:role-social", "person:p-sue"),
    }
    messages = [h.message for h in handovers(before, after, DAY)]
    billing = "rule r-billing (it-billing on the organisation): handled by Ann Lee (p-ann), Bob Roy (p-bob) → Dan Diaz"
    assert messages[0].startswith(billing), "rules by id first"
    assert any("account @AcmeDeals (acc-deals): contract owner Mia Moreau" in m for m in messages)
    assert handovers(before, before, DAY) == ()


def test_a_rule_added_or_removed_changes_hands_too(tmp_path: Path) -> None:
    before = org_of(with_rules(acme()), tmp_path / "before")
    after = org_of(acme().rule("r-refund", "it-refund", "account:acc-help", "person:p-ann"), tmp_path / "after")
    found = {(h.id, h.field): (h.old, h.new) for h in handovers(before, after, DAY)}
    assert found == {
        ("r-billing", "rule"): ("role:role-billing", None),
        ("r-sales", "rule"): ("department:d-mkt", None),
    }
