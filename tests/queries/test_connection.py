"""connection: the shortest explained path between two nodes, on both backends."""

from __future__ import annotations

import pytest

from buckstop.graph.model import EdgeKind, Source
from buckstop.queries.connection import AmbiguousNode, UnknownNode, connection

from tests.orgs import acme


def test_an_account_to_the_top_hop_by_hop(acme_store):
    answer = connection(acme_store, "@AcmeDeals", "Cora Chen")
    assert answer.connected
    # Three paths of three hops (through Marketing, Brightside or Max): the first in key order is taken.
    assert answer.nodes == ("account:acc-deals", "agency:ag-bright", "person:p-mia", "person:p-cora")
    operates, owner, reports = answer.hops
    assert (operates.kind, operates.forward, operates.record) == (EdgeKind.OPERATES, False, "account:acc-deals")
    assert operates.source == Source("accounts.csv", 3)
    assert (owner.kind, owner.forward, owner.record) == (EdgeKind.CONTRACT_OWNER_OF, False, "agency:ag-bright")
    assert (reports.kind, reports.forward, reports.record) == (EdgeKind.REPORTS_TO, True, "person:p-mia")
    assert answer.explanation == (
        "@AcmeDeals (twitter) to Cora Chen (p-cora): 3 hops.",
        "Brightside Social (ag-bright) OPERATES @AcmeDeals (twitter)",
        "Mia Moreau (p-mia) CONTRACT_OWNER_OF Brightside Social (ag-bright)",
        "Mia Moreau (p-mia) REPORTS_TO Cora Chen (p-cora)",
    )


def test_the_record_carrying_the_reference_is_named(acme_store):
    (hop,) = connection(acme_store, "person:p-sue", "department:d-support").hops
    assert hop.kind is EdgeKind.MEMBER_OF  # the first edge kind of the two (Sue heads it too)
    assert hop.record == "person:p-sue"
    (hop,) = connection(acme_store, "Brightside Social", "p-mia").hops
    assert (hop.kind, hop.forward, hop.record) == (EdgeKind.CONTRACT_OWNER_OF, False, "agency:ag-bright")
    assert hop.source == Source("agencies.csv", 2)


def test_equal_paths_are_chosen_by_key_order(acme_store):
    # Ann and Bob both reach Sue in one hop and share department and role: the path is the same every time.
    first = connection(acme_store, "p-ann", "p-bob")
    assert first.nodes == ("person:p-ann", "department:d-support", "person:p-bob")
    assert connection(acme_store, "p-ann", "p-bob") == first


def test_a_node_to_itself(acme_store):
    answer = connection(acme_store, "p-ann", "Ann Lee")
    assert answer.connected and answer.hops == ()
    assert answer.explanation == ("Ann Lee (p-ann) to Ann Lee (p-ann): no hops: it is one node.",)


def test_parts_nothing_links(store_of):
    org = acme().department("d-lab", "Lab")
    answer = connection(store_of(org), "Lab", "p-cora")
    assert not answer.connected
    assert answer.hops == () and answer.nodes == ()
    assert "Nothing links Lab (d-lab) to Cora Chen (p-cora)" in answer.explanation[0]


def test_absences_are_not_links(store_of):
    from tests.orgs import DAY

    org = acme().department("d-lab", "Lab").person("p-lab", "Lab Rat", department="d-lab")
    org.absence("p-cora", DAY, DAY, delegate="p-lab")
    assert not connection(store_of(org), "p-lab", "p-cora").connected


@pytest.mark.parametrize(
    ("asked", "node"),
    [
        ("@AcmeHelp", "account:acc-help"),
        ("twitter:@AcmeHelp", "account:acc-help"),
        ("Refund", "issue_type:it-refund"),
        ("money back", "issue_type:it-refund"),
        ("Refund Approver", "role:role-approver"),
        ("Tier 2", "department:d-tier2"),
        ("ag-bright", "agency:ag-bright"),
        ("ANN@acme.example", "person:p-ann"),
    ],
)
def test_nodes_are_named_by_any_name_of_any_kind(acme_store, asked, node):
    assert connection(acme_store, asked, "p-cora").start == node


def test_a_name_of_two_nodes_is_ambiguous_and_lists_them(store_of):
    org = acme().agency("ag-mkt", "Marketing", owner="p-mia")
    with pytest.raises(AmbiguousNode) as caught:
        connection(store_of(org), "marketing", "p-cora")
    assert caught.value.suggestions == ("department:d-mkt", "agency:ag-mkt")
    assert str(caught.value) == "'marketing' names 2 things: department:d-mkt, agency:ag-mkt; ask by one of these keys"


def test_people_are_named_as_elsewhere_not_by_title(acme_store):
    with pytest.raises(UnknownNode):
        connection(acme_store, "Tier 2 Engineer", "p-cora")


def test_unknown_names_and_keys(acme_store):
    with pytest.raises(UnknownNode) as caught:
        connection(acme_store, "Ann Le", "p-cora")
    assert str(caught.value).startswith("unknown node 'Ann Le'; did you mean 'Ann Lee'")
    with pytest.raises(UnknownNode) as caught:
        connection(acme_store, "p-cora", "person:p-an")
    assert "person:p-ann" in caught.value.suggestions


def test_a_private_address_names_nobody_in_the_public_view(acme_store):
    with pytest.raises(UnknownNode):
        connection(acme_store, "ann@acme.example", "p-cora", private=False)


def test_the_demo_org_an_agency_to_the_ceo(corvid):
    answer = connection(corvid, "Reelhouse Studio", "Helena Marsh")
    assert answer.nodes == (
        "agency:ag-reelhouse",
        "person:p-sophie-laurent",
        "person:p-gabriel-santos",
        "person:p-priya-raman",
        "person:p-helena-marsh",
    )
    assert [h.kind for h in answer.hops] == [EdgeKind.CONTRACT_OWNER_OF] + [EdgeKind.REPORTS_TO] * 3
