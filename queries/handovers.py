"""Handovers: the routing rules and accounts that changed hands between two versions of the org.

Vocabulary:

- A rule *changes hands* when its *target* changes (``person:ID``, ``role:ID`` or
  ``department:ID``), when its *handlers* change (the people its target resolves to, as
  :class:`~queries.resolve.Resolver` resolves them: a role's holders, a department's head),
  or when it is added or removed. Both versions are resolved on one day, so that an absence
  does not pass for a handover.
- An account changes hands when its *owner* (department), its *operator* (``agency:ID`` or
  ``department:ID``), its *escalation contact*, or the *contract owner* of the agency that
  operates it changes.
- A handover names the record, the *field* that changed (``target``, ``handlers``, ``rule``
  for a rule added or removed; ``owner``, ``operator``, ``contractOwner``,
  ``escalationContact``), the old and new values (keys, ``kind:id``; several handlers joined
  by ``, ``; None for none) and one line that says it.

>>> handovers(org, org, date(2026, 1, 1))  # doctest: +SKIP
()
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from buckstop.graph.model import Account, Kind, Rule, key
from buckstop.graph.org import Org

from .lookup import label
from .resolve import Resolver

__all__ = ["Handover", "handovers"]


@dataclass(frozen=True, slots=True)
class Handover:
    """One rule or account changing hands: which field, from what to what, said in one line."""

    kind: Kind  # rule or account
    id: str
    field: str
    old: str | None
    new: str | None
    message: str


def handovers(before: Org, after: Org, day: date) -> tuple[Handover, ...]:
    """The rules, then the accounts, that changed hands from ``before`` to ``after``, each by id."""
    return (*_rules(before, after, day), *_accounts(before, after))


def _rules(before: Org, after: Org, day: date) -> Iterator[Handover]:
    old_resolver, new_resolver = Resolver(before, day), Resolver(after, day)
    for id in sorted(before.rules.keys() | after.rules.keys()):
        old, new = before.rules.get(id), after.rules.get(id)
        if old is None or new is None:
            rule = new or old
            assert rule is not None
            field, was, now = "rule", None if old is None else str(old.target), None if new is None else str(new.target)
            said = "added, to" if old is None else "removed; it went to"
            yield Handover(Kind.RULE, id, field, was, now, f"rule {id} ({_about(rule)}) {said} {was or now}")
            continue
        if old.target != new.target:
            was, now = str(old.target), str(new.target)
            yield Handover(Kind.RULE, id, "target", was, now, f"rule {id} ({_about(new)}): target {was} → {now}")
        handlers = _handlers(old_resolver, old), _handlers(new_resolver, new)
        if handlers[0] != handlers[1]:
            names = [
                ", ".join(label(org, Kind.PERSON, p) for p in each) or "nobody"
                for org, each in zip((before, after), handlers, strict=True)
            ]
            yield Handover(
                Kind.RULE,
                id,
                "handlers",
                ", ".join(key(Kind.PERSON, p) for p in handlers[0]) or None,
                ", ".join(key(Kind.PERSON, p) for p in handlers[1]) or None,
                f"rule {id} ({_about(new)}): handled by {names[0]} → {names[1]}",
            )


def _handlers(resolver: Resolver, rule: Rule) -> tuple[str, ...]:
    return tuple(sorted(set(resolver.target(rule.target))))


def _about(rule: Rule) -> str:
    return f"{rule.issue_type_id} on {rule.scope or 'the organisation'}"


#: The fields of an account that say whose hands it is in, with how each reads its value.
_FIELDS = ("owner", "operator", "contractOwner", "escalationContact")


def _accounts(before: Org, after: Org) -> Iterator[Handover]:
    for id in sorted(before.accounts.keys() & after.accounts.keys()):
        old, new = _hands(before, before.accounts[id]), _hands(after, after.accounts[id])
        for field, was, now in zip(_FIELDS, old, new, strict=True):
            if was != now:
                account = after.accounts[id]
                message = f"account {account.handle} ({id}): {_WORDS[field]} {_name(before, was)} → {_name(after, now)}"
                yield Handover(Kind.ACCOUNT, id, field, was, now, message)


_WORDS = {
    "owner": "owner",
    "operator": "operated by",
    "contractOwner": "contract owner",
    "escalationContact": "escalation contact",
}


def _hands(org: Org, account: Account) -> tuple[str | None, ...]:
    """The account's owner, operator, contract owner and escalation contact, as keys."""
    operator = account.operated_by
    agency = org.agencies.get(operator.id) if operator is not None and operator.kind is Kind.AGENCY else None
    owner_of_contract = agency.contract_owner_id if agency is not None else None
    return (
        key(Kind.DEPARTMENT, account.owner_department_id) if account.owner_department_id else None,
        str(operator) if operator else None,
        key(Kind.PERSON, owner_of_contract) if owner_of_contract else None,
        str(account.escalation_contact) if account.escalation_contact else None,
    )


def _name(org: Org, ref: str | None) -> str:
    if ref is None:
        return "(none)"
    kind, _, id = ref.partition(":")
    return label(org, Kind(kind), id)
