"""Small orgs for tests, written as real bundle folders of CSV files.

An :class:`OrgBuilder` holds the rows of the eight bundle files as Python data;
:meth:`OrgBuilder.write` writes them into a folder, which the tests load with
``loaders.apply_bundle`` into a real ``MemoryStore`` (see ``conftest.py``).
:func:`acme` is the small org most query tests start from.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from buckstop.graph.model import Person

__all__ = ["DAY", "HEADERS", "OrgBuilder", "acme", "ids", "write_csv"]

#: The day the questions are asked on, so that absences count the same way every run.
DAY = date(2026, 11, 23)

#: The columns of each bundle file, as the design lists them.
HEADERS: dict[str, tuple[str, ...]] = {
    "people.csv": (
        "id",
        "name",
        "email",
        "title",
        "department_id",
        "manager_id",
        "status",
        "public",
        "phone",
        "location",
    ),
    "departments.csv": ("id", "name", "parent_id", "head_id"),
    "roles.csv": ("id", "title", "department_id", "holder_ids"),
    "agencies.csv": ("id", "name", "contract_owner_id"),
    "accounts.csv": ("id", "platform", "handle", "name", "owner_department_id", "operated_by", "escalation_contact"),
    "issue_types.csv": ("id", "name", "parent_id", "synonyms", "respond_within", "escalate_every"),
    "routing.csv": ("id", "issue_type_id", "scope", "target"),
    "absences.csv": ("person_id", "delegate_id", "starts", "ends"),
}


def ids(people: Iterable[Person]) -> list[str]:
    return [p.id for p in people]


def write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[object]] = ()) -> Path:
    """Write one CSV file (UTF-8, header row first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return ";".join(str(v) for v in value)
    return str(value)


class OrgBuilder:
    """An org as the rows of its bundle files. Every method returns the builder, to chain."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, str]]] = {name: [] for name in HEADERS}

    def add(self, file: str, **cells: object) -> OrgBuilder:
        self.rows[file].append({column: _cell(value) for column, value in cells.items()})
        return self

    def change(self, file: str, id: str, **cells: object) -> OrgBuilder:
        """Change cells of the row whose first column is ``id``."""
        first = HEADERS[file][0]
        unknown = set(cells) - set(HEADERS[file])
        assert not unknown, f"{file} has no column {', '.join(sorted(unknown))}"
        row = next(r for r in self.rows[file] if r[first] == id)
        row.update({column: _cell(value) for column, value in cells.items()})
        return self

    def department(
        self, id: str, name: str | None = None, *, parent: str | None = None, head: str | None = None
    ) -> OrgBuilder:
        return self.add("departments.csv", id=id, name=name or id, parent_id=parent, head_id=head)

    def person(
        self,
        id: str,
        name: str | None = None,
        *,
        department: str | None = None,
        manager: str | None = None,
        status: str = "active",
        public: bool = False,
        title: str | None = None,
        email: str | None = None,
    ) -> OrgBuilder:
        return self.add(
            "people.csv",
            id=id,
            name=name or id,
            email=email,
            title=title,
            department_id=department,
            manager_id=manager,
            status=status,
            public=public,
        )

    def role(
        self, id: str, title: str | None = None, *, department: str | None = None, holders: Iterable[str] = ()
    ) -> OrgBuilder:
        return self.add("roles.csv", id=id, title=title or id, department_id=department, holder_ids=list(holders))

    def agency(self, id: str, name: str | None = None, *, owner: str | None = None) -> OrgBuilder:
        return self.add("agencies.csv", id=id, name=name or id, contract_owner_id=owner)

    def account(
        self,
        id: str,
        platform: str,
        handle: str,
        *,
        name: str | None = None,
        owner: str | None = None,
        operated_by: str | None = None,
        contact: str | None = None,
    ) -> OrgBuilder:
        return self.add(
            "accounts.csv",
            id=id,
            platform=platform,
            handle=handle,
            name=name,
            owner_department_id=owner,
            operated_by=operated_by,
            escalation_contact=contact,
        )

    def issue_type(
        self,
        id: str,
        name: str | None = None,
        *,
        parent: str | None = None,
        synonyms: Iterable[str] = (),
        respond_within: str | None = None,
        escalate_every: str | None = None,
    ) -> OrgBuilder:
        return self.add(
            "issue_types.csv",
            id=id,
            name=name or id,
            parent_id=parent,
            synonyms=list(synonyms),
            respond_within=respond_within,
            escalate_every=escalate_every,
        )

    def rule(self, id: str, issue_type: str, scope: str, target: str) -> OrgBuilder:
        return self.add("routing.csv", id=id, issue_type_id=issue_type, scope=scope, target=target)

    def absence(self, person: str, starts: date, ends: date, *, delegate: str | None = None) -> OrgBuilder:
        return self.add("absences.csv", person_id=person, delegate_id=delegate, starts=starts, ends=ends)

    def write(self, folder: Path, files: Iterable[str] | None = None) -> Path:
        """Write the bundle files (all eight, or only ``files``) into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in HEADERS if files is None else files:
            header = HEADERS[name]
            write_csv(folder / name, header, ([row.get(c, "") for c in header] for row in self.rows[name]))
        return folder


def acme() -> OrgBuilder:
    """Acme, the small org the query tests start from. It has no rules and no absences.

    ::

        d-acme Acme ............................ Cora Chen (p-cora), CEO
        ├─ d-ops Operations .................... Omar Ortiz (p-omar)
        │  └─ d-support Customer Support ....... Sue Park (p-sue): Ann Lee, Bob Roy, Lou Lane (left)
        │     └─ d-tier2 Tier 2 (no head) ...... Dan Diaz (reports to Sue)
        └─ d-mkt Marketing ..................... Mia Moreau (p-mia): Max Müller

    Roles: role-billing (Bob and Ann, listed in that order), role-social (Max),
    role-approver (vacant). Accounts: @AcmeHelp (owned and run by support,
    contact role-social), @AcmeDeals (owned by marketing, run by Brightside,
    contact Max), acme-t2 (a forum owned by Tier 2, no contact), @acme.promo
    (run by Brightside, no owner, no contact). Issue types: Support ⊃ Billing ⊃
    Refund, Support ⊃ Réclamation, and Sales enquiry on its own.
    """
    org = OrgBuilder()
    org.department("d-acme", "Acme", head="p-cora")
    org.department("d-ops", "Operations", parent="d-acme", head="p-omar")
    org.department("d-support", "Customer Support", parent="d-ops", head="p-sue")
    org.department("d-tier2", "Tier 2", parent="d-support")
    org.department("d-mkt", "Marketing", parent="d-acme", head="p-mia")

    org.person("p-cora", "Cora Chen", department="d-acme", title="CEO", public=True, email="cora@acme.example")
    org.person("p-omar", "Omar Ortiz", department="d-ops", manager="p-cora", title="COO", public=True)
    org.person("p-sue", "Sue Park", department="d-support", manager="p-omar", title="Head of Support", public=True)
    org.person("p-ann", "Ann Lee", department="d-support", manager="p-sue", email="ann@acme.example")
    org.person("p-bob", "Bob Roy", department="d-support", manager="p-sue")
    org.person("p-lou", "Lou Lane", department="d-support", manager="p-sue", status="left")
    org.person("p-dan", "Dan Diaz", department="d-tier2", manager="p-sue", title="Tier 2 Engineer")
    org.person("p-mia", "Mia Moreau", department="d-mkt", manager="p-cora", title="Head of Marketing", public=True)
    org.person("p-max", "Max Müller", department="d-mkt", manager="p-mia", title="Social Media Advocate")

    org.role("role-billing", "Billing Specialist", department="d-support", holders=["p-bob", "p-ann"])
    org.role("role-social", "Social Media Advocate", department="d-mkt", holders=["p-max"])
    org.role("role-approver", "Refund Approver", department="d-support")

    org.agency("ag-bright", "Brightside Social", owner="p-mia")

    org.account(
        "acc-help",
        "twitter",
        "@AcmeHelp",
        owner="d-support",
        operated_by="department:d-support",
        contact="role:role-social",
    )
    org.account(
        "acc-deals", "twitter", "@AcmeDeals", owner="d-mkt", operated_by="agency:ag-bright", contact="person:p-max"
    )
    org.account("acc-t2", "forum", "acme-t2", owner="d-tier2")
    org.account("acc-promo", "instagram", "@acme.promo", operated_by="agency:ag-bright")

    org.issue_type("it-support", "Support", synonyms=["help", "question"])
    org.issue_type("it-billing", "Billing", parent="it-support", synonyms=["invoice", "payment"])
    org.issue_type("it-refund", "Refund", parent="it-billing", synonyms=["money back", "remboursement"])
    org.issue_type("it-complaint", "Réclamation", parent="it-support", synonyms=["complaint"])
    org.issue_type("it-sales", "Sales enquiry", synonyms=["pricing", "quote"])
    return org
