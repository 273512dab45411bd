"""Audit findings about accounts: who owns them, who runs them, who answers when no rule does.

Vocabulary: see :mod:`queries.audit`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from buckstop.graph.model import Account, Kind, Status, key
from buckstop.graph.org import Org

from ..lookup import label
from ..resolve import Resolver
from ..routing import fallback_handlers
from .core import Finding, Severity, label_keys

__all__ = ["account_findings"]


def account_findings(org: Org, day: date) -> Iterator[Finding]:
    for account in sorted(org.accounts.values(), key=lambda a: a.id):
        node = key(Kind.ACCOUNT, account.id)
        name = label(org, Kind.ACCOUNT, account.id)
        if account.owner_department_id is None:
            yield Finding(
                "account-without-owner",
                Severity.ERROR,
                (node,),
                f"{name} is owned by no department.",
                "Nobody inside the company is answerable for it: rules scoped to a department never reach it, "
                "and questions no rule covers go to its escalation contact, whoever runs it, or the top.",
                f"Set owner_department_id of {account.id} in accounts.csv to the department that answers for it.",
            )
        yield from _agency(org, account)
        if account.escalation_contact is None:
            handlers = fallback_handlers(org, account, Resolver(org, day))
            instead = label_keys(org, [key(Kind.PERSON, h) for h in sorted(set(handlers))]) or "nobody"
            yield Finding(
                "account-without-escalation-contact",
                Severity.WARNING,
                (node,),
                f"{name} has no escalation contact.",
                f"Questions no rule covers go to {instead} by default, rather than to someone who watches the account.",
                f"Set escalation_contact of {account.id} in accounts.csv (person:ID or role:ID).",
            )


def _agency(org: Org, account: Account) -> Iterator[Finding]:
    operator = account.operated_by
    if operator is None or operator.kind is not Kind.AGENCY or operator.id not in org.agencies:
        return
    agency = org.agencies[operator.id]
    nodes = (key(Kind.ACCOUNT, account.id), key(Kind.AGENCY, agency.id))
    name, runner = label(org, Kind.ACCOUNT, account.id), label(org, Kind.AGENCY, agency.id)
    owner = org.people.get(agency.contract_owner_id or "")
    if owner is None:
        yield Finding(
            "agency-without-contract-owner",
            Severity.ERROR,
            nodes,
            f"{name} is run by {runner}, which has no contract owner.",
            "Nobody inside answers for the agency: when it mishandles a customer, nobody can be asked to act.",
            f"Set contract_owner_id of {agency.id} in agencies.csv to the employee who manages the agency.",
        )
    elif owner.status is Status.LEFT:
        yield Finding(
            "contract-owner-left",
            Severity.ERROR,
            (*nodes, key(Kind.PERSON, owner.id)),
            f"{name} is run by {runner}, whose contract owner {label(org, Kind.PERSON, owner.id)} has left.",
            "The agency answers to someone who is gone: its work goes unchecked and its escalations reach nobody.",
            f"Set contract_owner_id of {agency.id} in agencies.csv to a current employee.",
        )
