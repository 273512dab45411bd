"""matrix(): every account against every top-level issue type, checked on the demo org by hand.

The expectations below were worked out from seed/README.md and the bundle's
rules, not copied from an answer: for each (account, top-level issue type),
the rule that applies (None: a fallback) and who handles it on 2026-11-23.
"""

from __future__ import annotations

from buckstop.queries import matrix

from tests.orgs import DAY, acme, ids

TOP_LEVEL = [  # by name
    "it-complaint",
    "it-partnership",
    "it-press",
    "it-privacy",
    "it-feedback",
    "it-product-safety",
    "it-sales",
    "it-support",
]

SALES = ("r-sales-org", ["p-carmen-ortiz", "p-david-cohen"])
PRIVACY = ("r-privacy-org", ["p-sofia-alvarez"])  # the DPO role is vacant: the head of Legal
SAFETY = ("r-safety-org", ["p-samuel-osei"])
PARTNERSHIP = ("r-partnership-org", ["p-olivia-grant"])
COMPLAINT = ("r-complaint-org", ["p-aisha-bello"])
SUPPORT = ("r-support-org", ["p-rachel-nguyen"])
SUPPORT_B2B = ("r-support-b2b", ["p-hugo-lambert", "p-rosa-delgado"])
ADVOCATES = (None, ["p-chloe-dubois", "p-nadia-haddad"])  # Mateo is away: his delegate Nadia


def marketing_account(complaint: tuple[str, list[str]] = COMPLAINT) -> dict[str, tuple[str | None, list[str]]]:
    """An account owned by Marketing: press goes through r-press-marketing to Zoe, Jonas's delegate."""
    return {
        "it-complaint": complaint,
        "it-partnership": PARTNERSHIP,
        "it-press": ("r-press-marketing", ["p-zoe-hartmann"]),
        "it-privacy": PRIVACY,
        "it-feedback": ADVOCATES,
        "it-product-safety": SAFETY,
        "it-sales": SALES,
        "it-support": SUPPORT,
    }


def support_account(feedback: tuple[None, list[str]]) -> dict[str, tuple[str | None, list[str]]]:
    """An account owned by Customer Support, under Operations: press goes through r-press-ops."""
    return {**marketing_account(), "it-press": ("r-press-ops", ["p-zoe-hartmann"]), "it-feedback": feedback}


def b2b_account(fallback: str) -> dict[str, tuple[str | None, list[str]]]:
    """An account owned by Business Sales: no press rule reaches it, so press falls back too."""
    return {
        **marketing_account(),
        "it-press": (None, [fallback]),
        "it-feedback": (None, [fallback]),
        "it-support": SUPPORT_B2B,
    }


EXPECTED = {
    "acc-deals": marketing_account(),
    "acc-facebook": marketing_account(complaint=("r-complaint-facebook", ["p-liam-walsh"])),
    "acc-harbor": b2b_account("p-hugo-lambert"),  # its escalation contact
    "acc-help": support_account(feedback=ADVOCATES),
    "acc-instagram": marketing_account(),
    "acc-meridian": b2b_account("p-catherine-byrne"),  # no contact: the head of Business Sales
    "acc-phone": support_account(feedback=(None, ["p-hannah-schmidt", "p-luis-fernandez"])),  # the support leads
    "acc-tiktok": marketing_account(),  # run by an agency whose contract owner left; still owned by Marketing
}


def test_the_demo_matrix_matches_the_hand_worked_table(corvid):
    result = matrix(corvid, on=DAY)
    assert [a.id for a in result.accounts] == sorted(EXPECTED)
    assert [i.id for i in result.issue_types] == TOP_LEVEL
    assert len(result.cells) == len(EXPECTED) * len(TOP_LEVEL)
    got = {(c.account.id, c.issue_type.id): (c.rule.id if c.rule else None, ids(c.handlers)) for c in result.cells}
    want = {(a, i): cell for a, row in EXPECTED.items() for i, cell in row.items()}
    assert got == want
    assert all(c.fallback == (c.rule is None) for c in result.cells)
    assert result.fallbacks == 10  # feedback on 8 accounts, press on the 2 B2B ones


def test_cells_carry_the_routes_explanation(corvid):
    cell = matrix(corvid, on=DAY).cell("acc-meridian", "it-press")
    assert cell.fallback is True
    assert any("Fallback: the head of the owning department" in line for line in cell.explanation)


def test_only_top_level_issue_types_are_columns(store_of):
    org = acme().rule("r-billing", "it-billing", "organization", "role:role-billing")
    result = matrix(store_of(org), on=DAY)
    assert [i.id for i in result.issue_types] == ["it-sales", "it-support"]  # by name: Sales enquiry, Support
    assert [a.id for a in result.accounts] == ["acc-deals", "acc-help", "acc-promo", "acc-t2"]
    assert result.fallbacks == len(result.cells)  # no rule for either: every cell falls back
