"""audit(): every kind of finding on an org built to have it, none on a clean org, and the demo org's.

Each test starts from :func:`clean` (an org with no finding at all), breaks one
thing, and checks that exactly the expected finding appears, with its
severity, nodes, reasons and bundle rows.
"""

from __future__ import annotations

from datetime import timedelta

from buckstop.queries import Severity, audit
from buckstop.queries.audit import FINDING_KINDS

from tests.orgs import DAY, OrgBuilder


def clean() -> OrgBuilder:
    """A small org with nothing to find: every account owned, contacted and routed; every role held."""
    org = OrgBuilder()
    org.department("d-co", "Co", head="p-cora")
    org.department("d-support", "Support", parent="d-co", head="p-sue")
    org.department("d-mkt", "Marketing", parent="d-co", head="p-mia")
    org.person("p-cora", "Cora Chen", department="d-co", title="CEO", public=True)
    org.person("p-sue", "Sue Park", department="d-support", manager="p-cora")
    org.person("p-ann", "Ann Lee", department="d-support", manager="p-sue")
    org.person("p-mia", "Mia Moreau", department="d-mkt", manager="p-cora")
    org.person("p-max", "Max Müller", department="d-mkt", manager="p-mia")
    org.role("role-agent", "Support Agent", department="d-support", holders=["p-ann"])
    org.agency("ag-bright", "Brightside Social", owner="p-mia")
    org.account(
        "acc-help", "twitter", "@Help", owner="d-support", operated_by="department:d-support", contact="role:role-agent"
    )
    org.account("acc-deals", "twitter", "@Deals", owner="d-mkt", operated_by="agency:ag-bright", contact="person:p-max")
    org.issue_type("it-support", "Support")
    org.issue_type("it-billing", "Billing", parent="it-support")
    org.issue_type("it-sales", "Sales enquiry")
    org.rule("r-support", "it-support", "organization", "role:role-agent")
    org.rule("r-sales", "it-sales", "organization", "person:p-max")
    return org


def findings(store, kind: str | None = None, **options):
    result = audit(store, on=options.pop("on", DAY))
    return [f for f in result.findings if kind is None or f.kind == kind]


def only(store, kind: str):
    found = findings(store)
    assert [f.kind for f in found] == [kind], [f.message for f in found]
    return found[0]


def test_a_clean_org_has_no_findings(store_of):
    result = audit(store_of(clean()), on=DAY)
    assert result.findings == ()
    assert result.clean and result.errors == 0


# -- accounts ------------------------------------------------------------------------------


def test_account_without_owner(store_of):
    org = clean().change("accounts.csv", "acc-help", owner_department_id=None)
    found = only(store_of(org), "account-without-owner")
    assert found.severity is Severity.ERROR
    assert found.nodes == ("account:acc-help",)
    assert "@Help (twitter) is owned by no department" in found.message
    assert "owner_department_id of acc-help in accounts.csv" in found.fix
    assert found.where == ("accounts.csv:2",)


def test_agency_without_contract_owner(store_of):
    org = clean().change("agencies.csv", "ag-bright", contract_owner_id=None)
    found = only(store_of(org), "agency-without-contract-owner")
    assert found.severity is Severity.ERROR
    assert found.nodes == ("account:acc-deals", "agency:ag-bright")
    assert "run by Brightside Social (ag-bright), which has no contract owner" in found.message
    assert found.where == ("accounts.csv:3", "agencies.csv:2")


def test_contract_owner_who_left(store_of):
    org = clean().person("p-lou", "Lou Lane", department="d-mkt", manager="p-mia", status="left")
    org.change("agencies.csv", "ag-bright", contract_owner_id="p-lou")
    found = only(store_of(org), "contract-owner-left")
    assert found.severity is Severity.ERROR
    assert found.nodes == ("account:acc-deals", "agency:ag-bright", "person:p-lou")
    assert "whose contract owner Lou Lane (p-lou) has left" in found.message


def test_account_without_escalation_contact_names_who_gets_its_questions(store_of):
    org = clean().change("accounts.csv", "acc-help", escalation_contact=None)
    found = only(store_of(org), "account-without-escalation-contact")
    assert found.severity is Severity.WARNING
    assert found.nodes == ("account:acc-help",)
    assert "go to Sue Park (p-sue) by default" in found.why


# -- people --------------------------------------------------------------------------------


def test_someone_who_left_but_still_heads_a_department_and_is_a_rule_target(store_of):
    org = clean().change("people.csv", "p-mia", status="left")
    org.rule("r-billing", "it-billing", "organization", "person:p-mia")
    found = findings(store_of(org), "left-but-responsible")
    assert len(found) == 1
    [leaver] = found
    assert leaver.severity is Severity.ERROR
    assert leaver.nodes[:3] == ("person:p-mia", "department:d-mkt", "rule:r-billing")
    assert "Mia Moreau (p-mia) has left but still heads Marketing (d-mkt); is named by rule r-billing" in leaver.message
    assert "agency:ag-bright" not in leaver.nodes  # the agency runs an account: that finding names it
    assert "contract-owner-left" in {f.kind for f in findings(store_of(org))}


def test_someone_who_left_but_only_holds_a_role_is_a_warning(store_of):
    org = clean().person("p-lou", "Lou Lane", department="d-support", manager="p-sue", status="left")
    org.change("roles.csv", "role-agent", holder_ids=["p-ann", "p-lou"])
    found = only(store_of(org), "left-but-responsible")
    assert found.severity is Severity.WARNING
    assert found.nodes == ("person:p-lou", "role:role-agent")


def test_a_leaver_who_is_responsible_for_nothing_is_fine(store_of):
    org = clean().person("p-lou", "Lou Lane", department="d-support", manager="p-sue", status="left")
    assert findings(store_of(org)) == []


def test_a_second_top_of_the_organisation(store_of):
    org = clean().person("p-kit", "Kit Contractor", department="d-mkt", title="Consultant")
    org.person("p-kid", "Kid Intern", department="d-mkt", manager="p-kit")
    found = only(store_of(org), "several-tops")
    assert found.severity is Severity.ERROR
    assert found.nodes == ("person:p-kit", "person:p-cora")
    assert "Kit Contractor (p-kit) has no manager" in found.message
    assert "beside Cora Chen (p-cora), with 1 person below them" in found.message
    assert "manager_id of p-kit in people.csv" in found.fix


def test_a_top_whose_manager_left_with_nobody_above(store_of):
    org = clean().person("p-gone", "Gone Boss", status="left")
    org.person("p-kit", "Kit", department="d-mkt", manager="p-gone")
    found = only(store_of(org), "several-tops")
    assert "reports to Gone Boss (p-gone), who has left, with nobody above" in found.message


def test_absent_without_delegate(store_of):
    org = clean().absence("p-max", DAY - timedelta(days=3), DAY + timedelta(days=3))
    found = only(store_of(org), "absent-without-delegate")
    assert found.severity is Severity.WARNING
    assert found.nodes == ("person:p-max", "rule:r-sales", "account:acc-deals")
    assert "Max Müller (p-max) is absent on 2026-11-23" in found.message
    assert "nobody is named to cover" in found.message
    assert "their manager Mia Moreau (p-mia)" in found.why
    assert "absences.csv" in found.fix


def test_absent_with_an_available_delegate_or_outside_the_window_is_fine(store_of):
    org = clean().absence("p-max", DAY, DAY + timedelta(days=3), delegate="p-mia")
    assert findings(store_of(org)) == []
    org = clean().absence("p-max", DAY + timedelta(days=1), DAY + timedelta(days=3))
    assert findings(store_of(org)) == []


def test_absent_head_whose_delegate_is_away_too(store_of):
    org = clean().absence("p-sue", DAY, DAY, delegate="p-ann").absence("p-ann", DAY, DAY)
    found = findings(store_of(org), "absent-without-delegate")
    assert [f.nodes[0] for f in found] == ["person:p-sue"]
    assert "their delegate Ann Lee (p-ann) is not available either" in found[0].message


def test_head_outside_their_department(store_of):
    org = clean().change("people.csv", "p-sue", department_id="d-mkt")
    found = only(store_of(org), "head-outside-department")
    assert found.severity is Severity.WARNING
    assert found.nodes == ("person:p-sue", "department:d-support", "department:d-mkt")
    assert "Sue Park (p-sue) heads Support (d-support) but sits in Marketing (d-mkt)" in found.message


def test_a_head_sitting_in_a_department_below_theirs_is_fine(store_of):
    org = clean().department("d-t2", "Tier 2", parent="d-support")
    org.change("people.csv", "p-sue", department_id="d-t2")
    assert findings(store_of(org)) == []


# -- roles, rules, dead ends ------------------------------------------------------------------------


def test_vacant_role_that_a_rule_relies_on_is_a_warning(store_of):
    org = clean().change("roles.csv", "role-agent", holder_ids=[])
    found = only(store_of(org), "role-without-active-holder")
    assert found.severity is Severity.WARNING
    assert found.nodes == ("role:role-agent", "rule:r-support", "account:acc-help")
    assert found.message == "role Support Agent (role-agent) has no holder."
    assert "go to the head of Support (d-support) instead" in found.why


def test_vacant_role_nothing_relies_on_is_information(store_of):
    org = clean().role("role-spare", "Spare", department="d-mkt")
    found = only(store_of(org), "role-without-active-holder")
    assert found.severity is Severity.INFO


def test_role_whose_holders_are_all_away_but_covered_is_information(store_of):
    org = clean().absence("p-ann", DAY, DAY, delegate="p-sue")
    found = only(store_of(org), "role-without-active-holder")
    assert found.severity is Severity.INFO
    assert "Ann Lee (absent)" in found.message
    assert "delegates of its absent holders cover it" in found.why


def test_dead_end_names_every_account_once_per_issue_type(store_of):
    org = clean()
    org.rows["routing.csv"] = [r for r in org.rows["routing.csv"] if r["id"] != "r-sales"]
    found = only(store_of(org), "dead-end")
    assert found.severity is Severity.WARNING
    assert found.nodes == ("issue_type:it-sales", "account:acc-deals", "account:acc-help")
    assert "'Sales enquiry' reaches only a fallback on 2 of 2 accounts" in found.message
    assert "@Deals (twitter) → Max Müller; @Help (twitter) → Ann Lee" in found.message
    assert "routing.csv for it-sales" in found.fix


def test_dead_end_of_a_broad_issue_type_covers_its_narrower_ones(store_of):
    org = clean()
    org.rows["routing.csv"] = [r for r in org.rows["routing.csv"] if r["id"] != "r-support"]
    org.rule("r-sales-help", "it-sales", "account:acc-help", "person:p-sue")  # keep r-sales used
    found = findings(store_of(org), "dead-end")
    assert [f.nodes[0] for f in found] == ["issue_type:it-support"]
    assert "So do its narrower issue types 'Billing'" in found[0].message


def test_dead_end_when_nobody_is_available_for_the_rule(store_of):
    org = clean().person("p-gone", "Gone", status="left")
    org.rule("r-billing", "it-billing", "organization", "person:p-gone")
    found = findings(store_of(org), "dead-end")
    assert [f.nodes[:2] for f in found] == [("rule:r-billing", "issue_type:it-billing")]
    assert "Rule r-billing applies, but nobody it names is available" in found[0].why


def test_rule_that_no_account_is_in_scope_of(store_of):
    org = clean().department("d-empty", "Empty", parent="d-co")
    org.rule("r-empty", "it-billing", "department:d-empty", "person:p-sue")
    found = only(store_of(org), "rule-never-matches")
    assert found.severity is Severity.WARNING
    assert found.nodes == ("rule:r-empty",)
    assert "No account is in its scope (Empty (d-empty))" in found.why


def test_rule_beaten_by_narrower_rules_everywhere(store_of):
    org = clean()
    org.rule("r-sales-help", "it-sales", "account:acc-help", "person:p-sue")
    org.rule("r-sales-mkt", "it-sales", "department:d-mkt", "person:p-mia")
    found = only(store_of(org), "rule-never-matches")
    assert found.nodes == ("rule:r-sales", "rule:r-sales-help", "rule:r-sales-mkt")
    assert "Every account in its scope has a narrower rule for 'Sales enquiry'" in found.why


# -- names ----------------------------------------------------------------------------------


def test_a_name_with_hidden_characters(store_of):
    org = clean().change("people.csv", "p-ann", name="Ann\u202e Lee")
    found = only(store_of(org), "hidden-characters-in-name")
    assert found.severity is Severity.WARNING and found.nodes == ("person:p-ann",)
    assert found.message == (
        "The name of person p-ann, 'Ann\\u202e Lee', holds hidden characters: U+202E RIGHT-TO-LEFT OVERRIDE."
    )
    assert found.fix.startswith("Remove them from the name of p-ann in people.csv")
    assert found.where == ("people.csv:4",)


def test_controls_in_handles_synonyms_and_titles_are_found_too(store_of):
    org = clean().change("accounts.csv", "acc-help", handle="@Help\r@Evil")
    org.change("issue_types.csv", "it-sales", synonyms="buy;money\x1b[31m back")
    org.change("roles.csv", "role-agent", title="Agent\u2066")
    found = findings(store_of(org), "hidden-characters-in-name")
    assert [(f.nodes, f.message.split(",")[0]) for f in found] == [
        (("account:acc-help",), "The handle of account acc-help"),
        (("issue_type:it-sales",), "The synonyms of issue type it-sales"),
        (("role:role-agent",), "The title of role role-agent"),
    ]


def test_a_word_mixing_look_alike_alphabets(store_of):
    org = clean().change("departments.csv", "d-mkt", name="Mаrketing Tеam")  # two Cyrillic letters, two words
    found = findings(store_of(org), "look-alike-name")
    assert [f.nodes for f in found] == [("department:d-mkt",), ("department:d-mkt",)]
    assert "'Mаrketing' has Cyrillic 'а' (U+0430 CYRILLIC SMALL LETTER A) among Latin letters" in found[0].message
    assert found[0].fix.startswith("Retype the name of d-mkt in departments.csv in one alphabet")


def test_names_in_one_alphabet_or_mixing_unalike_ones_are_fine(store_of):
    org = clean().person("p-olga", "Ольга Петрова", department="d-mkt", manager="p-mia")
    org.person("p-sofia", "Σοφία Παπαδοπούλου", department="d-mkt", manager="p-mia")
    org.person("p-tanaka", "田中 Tanaka さくら", department="d-mkt", manager="p-mia")
    org.person("p-jose", "José Álvarez-Núñez", department="d-mkt", manager="p-mia")
    assert findings(store_of(org)) == []


# -- the audit as a whole ---------------------------------------------------------------------


def test_an_org_with_every_defect_gets_every_kind_of_finding(store_of):
    org = clean().person("p-lou", "Lou Lane", department="d-mkt", manager="p-mia", status="left")
    org.person("p-gone", "Gone Boss", department="d-co", manager="p-cora", status="left")
    org.person("p-kit", "Kit Contractor", department="d-mkt")  # no manager
    org.department("d-old", "Old", parent="d-co", head="p-gone")
    org.agency("ag-none", "Nobody's Agency").agency("ag-lou", "Lou's Agency", owner="p-lou")
    org.account("acc-x", "forum", "x-forum", operated_by="department:d-support", contact="person:p-max")
    org.account("acc-y", "tiktok", "@y", owner="d-mkt", operated_by="agency:ag-none")
    org.account("acc-z", "instagram", "@z", owner="d-mkt", operated_by="agency:ag-lou", contact="person:p-max")
    org.issue_type("it-press", "Press enquiry")  # no rule anywhere
    org.rule("r-old", "it-billing", "department:d-old", "person:p-sue")  # no account under d-old
    org.role("role-spare", "Spare", department="d-mkt")
    org.absence("p-max", DAY, DAY)
    org.change("people.csv", "p-mia", department_id="d-support")
    org.person("p-eve", "Eve\x1b[2J", department="d-mkt", manager="p-mia")
    org.department("d-lookalike", "Mаrketing", parent="d-co", head="p-mia")
    kinds = {f.kind for f in findings(store_of(org))}
    of_shape = {"single-point-of-failure", "span-of-control-outlier", "depth-outlier", "not-connected-to-top"}
    assert kinds == set(FINDING_KINDS) - of_shape  # those need orgs of their own: tests/queries/test_shape.py


def test_findings_are_worst_first_and_every_kind_is_documented(store_of):
    org = clean().change("accounts.csv", "acc-help", owner_department_id=None, escalation_contact=None)
    org.role("role-spare", "Spare", department="d-mkt")
    result = audit(store_of(org), on=DAY)
    severities = [f.severity for f in result.findings]
    assert severities == sorted(severities, key=list(Severity).index)
    assert result.errors == 1
    assert set(FINDING_KINDS) >= {f.kind for f in result.findings}


def test_the_demo_org_shows_findings_people_recognise(corvid):
    result = audit(corvid, on=DAY)
    found = {(f.kind, f.nodes[0]) for f in result.findings}
    assert found == {
        ("contract-owner-left", "account:acc-tiktok"),  # the agency's contact left; nobody took it over
        ("several-tops", "person:p-marco-bianchi"),  # a contractor with no manager in the HR export
        ("dead-end", "issue_type:it-feedback"),  # product feedback goes nowhere, on every account
        ("dead-end", "issue_type:it-press"),  # a journalist writing to a B2B account
        ("account-without-escalation-contact", "account:acc-meridian"),
        ("role-without-active-holder", "role:role-dpo"),  # the Data Protection Officer post is vacant
        ("absent-without-delegate", "person:p-diego-morales"),  # on leave, nobody covering warranty claims
        ("role-without-active-holder", "role:role-returns-coordinator"),
    }
    assert (result.errors, result.count(Severity.WARNING), result.count(Severity.INFO)) == (2, 5, 1)
    press = next(f for f in result.findings if f.nodes[0] == "issue_type:it-press")
    assert press.nodes[1:] == ("account:acc-harbor", "account:acc-meridian")
