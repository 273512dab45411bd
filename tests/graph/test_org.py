"""Org: one immutable version of the organisation, its lookups and its networkx graph."""

from __future__ import annotations

from datetime import date

import pytest

from buckstop.graph import ChangeSet, Org
from buckstop.graph.model import (
    Absence,
    Account,
    Agency,
    Department,
    EdgeKind,
    IssueType,
    Kind,
    Person,
    Ref,
    Role,
    Rule,
    Status,
)
from buckstop.graph.org import normalize

DAY = date(2026, 11, 23)


def small_org() -> Org:
    return Org(
        [
            Department("d-acme", "Acme", head_id="p-cora"),
            Department("d-support", "Support", parent_id="d-acme", head_id="p-sue"),
            Department("d-tier2", "Tier 2", parent_id="d-support"),
            Person("p-cora", "Cora Chen", department_id="d-acme"),
            Person("p-sue", "Sue Park", department_id="d-support", manager_id="p-lou"),
            Person("p-lou", "Lou Lane", manager_id="p-cora", status=Status.LEFT),
            Person("p-ann", "Ann Lee", department_id="d-support", manager_id="p-sue"),
            Person("p-bob", "Bob Roy", manager_id="p-sue", status=Status.ABSENT),
            Role("role-billing", "Billing", department_id="d-support", holder_ids=("p-ann", "p-bob")),
            Agency("ag-bright", "Brightside", contract_owner_id="p-cora"),
            Account(
                "acc-help",
                "Twitter",
                "@AcmeHelp",
                "Acme Help",
                owner_department_id="d-support",
                operated_by=Ref(Kind.AGENCY, "ag-bright"),
                escalation_contact=Ref(Kind.ROLE, "role-billing"),
            ),
            Account("acc-t2", "forum", "acme-t2", "Forum"),
            IssueType("it-support", "Support", synonyms=("help",)),
            IssueType("it-billing", "Billing", parent_id="it-support", synonyms=("Invoice",)),
            IssueType("it-refund", "Réclamation", parent_id="it-billing"),
            Rule("r-2", "it-billing", Ref(Kind.PERSON, "p-ann"), scope=Ref(Kind.ACCOUNT, "acc-help")),
            Rule("r-1", "it-billing", Ref(Kind.ROLE, "role-billing")),
            Absence("p-ann", date(2026, 11, 20), date(2026, 11, 27), delegate_id="p-cora"),
        ],
        version=4,
    )


@pytest.mark.parametrize(
    ("text", "folded"),
    [("  José  ÁLVAREZ ", "jose alvarez"), ("Straße", "strasse"), ("Müller\t", "muller"), ("@AcmeHelp", "@acmehelp")],
)
def test_normalize_folds_case_accents_and_spaces(text, folded):
    assert normalize(text) == folded


# -- change sets ----------------------------------------------------------------


def test_change_set_groups_records_by_kind_and_names_empty_kinds():
    changes = ChangeSet.of([Person("p1", "A"), Department("d1", "D"), Person("p2", "B")], kinds=[Kind.ROLE])
    assert changes.kinds == {Kind.PERSON, Kind.DEPARTMENT, Kind.ROLE}
    assert [p.id for p in changes.records[Kind.PERSON]] == ["p1", "p2"]
    assert changes.records[Kind.ROLE] == ()
    assert len(changes) == 3


def test_merged_replaces_only_the_kinds_named_and_bumps_the_version():
    org = small_org()
    merged = org.merged(ChangeSet.of([], kinds=[Kind.RULE, Kind.ABSENCE]))
    assert merged.version == 5
    assert not merged.rules and not merged.absences
    assert set(merged.people) == set(org.people)
    assert len(org.rules) == 2  # the original is untouched


def test_len_and_empty():
    assert Org().empty and len(Org()) == 0
    assert len(small_org()) == 18


# -- lookups ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked",
    ["acc-help", "ACC-HELP", "@AcmeHelp", "acmehelp", "twitter:@AcmeHelp", "TWITTER:acmehelp", " @acmeHELP "],
)
def test_find_account_by_id_handle_or_platform_handle(asked):
    assert small_org().find_account(asked).id == "acc-help"


@pytest.mark.parametrize("asked", ["acme-t2", "@acme-t2", "forum:acme-t2", "forum:@acme-t2"])
def test_find_account_by_a_handle_written_without_at(asked):
    assert small_org().find_account(asked).id == "acc-t2"


def test_an_account_id_beats_another_accounts_handle():
    org = Org([Account("x", "twitter", "@y", "X"), Account("y", "twitter", "@x", "Y")])
    assert org.find_account("x").id == "x"
    assert org.find_account("@x").id == "y"


def test_find_account_and_issue_type_return_none_for_unknown_names():
    assert small_org().find_account("@nobody") is None
    assert small_org().find_issue_type("nothing") is None


@pytest.mark.parametrize("asked", ["it-refund", "Réclamation", "reclamation", "RÉCLAMATION"])
def test_find_issue_type_by_id_or_name(asked):
    assert small_org().find_issue_type(asked).id == "it-refund"


def test_find_issue_type_by_synonym():
    assert small_org().find_issue_type("invoice").id == "it-billing"


def test_names_for_suggestions():
    org = small_org()
    assert org.account_names() == ["@AcmeHelp", "acc-help", "acc-t2", "acme-t2"]
    assert org.issue_type_names() == ["Billing", "Invoice", "Réclamation", "Support", "help"]


def test_rules_for_an_issue_type_are_sorted_by_id():
    assert [r.id for r in small_org().rules_for("it-billing")] == ["r-1", "r-2"]
    assert small_org().rules_for("it-support") == ()


def test_absence_on_and_is_absent():
    org = small_org()
    people = org.people
    assert org.absence_on("p-ann", DAY).delegate_id == "p-cora"
    assert org.absence_on("p-ann", date(2026, 11, 28)) is None
    assert org.is_absent(people["p-ann"], DAY)
    assert not org.is_absent(people["p-ann"], date(2026, 11, 28))
    assert org.is_absent(people["p-bob"], date(2000, 1, 1))  # absent by status, any day
    assert not org.is_absent(people["p-lou"], DAY)  # left is not absent


def test_ancestors_are_nearest_first():
    org = small_org()
    assert org.ancestors(Kind.DEPARTMENT, "d-tier2") == ["d-support", "d-acme"]
    assert org.ancestors(Kind.ISSUE_TYPE, "it-refund") == ["it-billing", "it-support"]
    assert org.ancestors(Kind.DEPARTMENT, "d-acme") == []
    assert org.ancestors(Kind.DEPARTMENT, "d-nowhere") == []


def test_effective_manager_steps_over_leavers_and_names_them():
    org = small_org()
    assert org.effective_manager("p-ann") == ("p-sue", [])
    assert org.effective_manager("p-sue") == ("p-cora", ["p-lou"])
    assert org.effective_manager("p-cora") == (None, [])


def test_top_is_the_root_of_the_largest_tree_and_tops_lists_every_root():
    org = Org([*small_org().records(), Person("p-solo", "Solo"), Person("p-aaa", "Aaa", status=Status.LEFT)])
    assert org.top_id == "p-cora"
    assert org.tops() == ["p-cora", "p-solo"]


def test_top_ties_go_to_the_smallest_id():
    assert Org([Person("p-b", "B"), Person("p-a", "A")]).top_id == "p-a"
    assert Org().top_id is None


# -- the graph --------------------------------------------------------------------


def test_graph_nodes_are_keyed_kind_colon_id_and_hold_their_record():
    g = small_org().graph
    assert g.nodes["person:p-ann"]["record"].name == "Ann Lee"
    assert "absence:p-ann@2026-11-20" not in g  # absences are edges, not nodes
    assert g.number_of_nodes() == 17


def test_graph_has_every_edge_of_the_design():
    g = small_org().graph
    expected = {
        ("department:d-support", "department:d-acme", EdgeKind.PART_OF),
        ("person:p-ann", "department:d-support", EdgeKind.MEMBER_OF),
        ("person:p-ann", "person:p-sue", EdgeKind.REPORTS_TO),
        ("person:p-sue", "department:d-support", EdgeKind.HEADS),
        ("person:p-bob", "role:role-billing", EdgeKind.HOLDS),
        ("role:role-billing", "department:d-support", EdgeKind.IN),
        ("department:d-support", "account:acc-help", EdgeKind.OWNS),
        ("agency:ag-bright", "account:acc-help", EdgeKind.OPERATES),
        ("person:p-cora", "agency:ag-bright", EdgeKind.CONTRACT_OWNER_OF),
        ("account:acc-help", "role:role-billing", EdgeKind.ESCALATES_TO),
        ("issue_type:it-refund", "issue_type:it-billing", EdgeKind.SUBTYPE_OF),
        ("rule:r-2", "issue_type:it-billing", EdgeKind.FOR),
        ("rule:r-2", "account:acc-help", EdgeKind.APPLIES_TO),
        ("rule:r-2", "person:p-ann", EdgeKind.ASSIGNS),
        ("person:p-ann", "person:p-cora", EdgeKind.DELEGATES_TO),
    }
    edges = set(g.edges(keys=True))
    assert expected <= edges
    assert {kind for _, _, kind in edges} == set(EdgeKind)


def test_an_organisation_wide_rule_applies_to_nothing_in_the_graph():
    g = small_org().graph
    assert [kind for _, _, kind in g.out_edges("rule:r-1", keys=True)] == [EdgeKind.FOR, EdgeKind.ASSIGNS]


def test_org_mappings_are_read_only():
    with pytest.raises(TypeError):
        small_org().people["p-x"] = Person("p-x", "X")  # type: ignore[index]


def test_warm_builds_every_index_of_names_once():
    org = small_org()
    indexes = ("people_index", "account_index", "issue_type_index", "department_index", "search_entries", "top_id")
    assert not any(name in org.__dict__ for name in indexes)  # built by the first question that needs one
    assert org.warm() is org
    built = {name: org.__dict__[name] for name in indexes}
    assert org.warm() is org and all(org.__dict__[name] is index for name, index in built.items())
    assert [p.id for p in org.people_index.named(normalize("Ann Lee"))] == ["p-ann"]
