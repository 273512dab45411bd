"""Audit findings about routing: roles nobody can fill, issue types that dead-end, rules that never apply.

Vocabulary: see :mod:`queries.audit`; dead ends and unused rules are computed by
:mod:`queries.coverage`, and worded here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from buckstop.graph.model import Kind, Ref, Status, key
from buckstop.graph.org import Org

from ..coverage import Coverage
from ..lookup import label
from ..resolve import available, available_delegate
from .core import Finding, Severity, label_key, label_keys, rely

__all__ = ["dead_end_findings", "role_findings", "unused_rule_findings"]


def role_findings(org: Org, day: date) -> Iterator[Finding]:
    for role in sorted(org.roles.values(), key=lambda r: r.id):
        holders = [org.people[h] for h in sorted(role.holder_ids) if h in org.people]
        if any(available(org, p, day) for p in holders):
            continue
        uses = _users(org, Ref(Kind.ROLE, role.id))
        covered = [p for p in holders if available_delegate(org, p, day)]
        name = label(org, Kind.ROLE, role.id)
        if holders:
            states = ", ".join(f"{p.name} ({'left' if p.status is Status.LEFT else 'absent'})" for p in holders)
            what = f"{name} has no holder available on {day}: {states}."
        else:
            what = f"{name} has no holder."
        dept = label(org, Kind.DEPARTMENT, role.department_id) if role.department_id else None
        if not uses:
            why = "Nothing routes to it today, so nothing is lost yet; a rule that names it would fall through."
        elif covered:
            why = f"{rely(org, uses)} on it; the delegates of its absent holders cover it for now."
        else:
            instead = f"the head of {dept}" if dept else "the fallback"
            why = f"{rely(org, uses)} on it; with nobody in it, the questions go to {instead} instead."
        yield Finding(
            "role-without-active-holder",
            Severity.WARNING if uses and not covered else Severity.INFO,
            (key(Kind.ROLE, role.id), *uses),
            what,
            why,
            f"Name who holds it in holder_ids of {role.id} in roles.csv, or point what relies on it elsewhere.",
        )


def dead_end_findings(org: Org, coverage: Coverage) -> Iterator[Finding]:
    for dead in coverage.dead_ends():
        issue = label(org, Kind.ISSUE_TYPE, dead.issue_type_id)
        reaching = "; ".join(
            f"{label(org, Kind.ACCOUNT, a)} → "
            + (", ".join(p.name for p in coverage.routing_of(a, dead.issue_type_id).handlers) or "nobody")
            for a in dead.account_ids
        )
        message = f"{issue} reaches only a fallback on {len(dead.account_ids)} of {len(coverage.accounts)} accounts: "
        message += f"{reaching}."
        if dead.narrower:
            message += (
                f" So do its narrower issue types {label_keys(org, [key(Kind.ISSUE_TYPE, n) for n in dead.narrower])}."
            )
        accounts = tuple(key(Kind.ACCOUNT, a) for a in dead.account_ids)
        if dead.rule_id is None:
            why = (
                f"No rule routes {issue} on these accounts: it lands with whoever watches the account, who may not "
                "be able to act on it ('I only do marketing'), and waits there while the customer waits too."
            )
            fix = (
                f"Add a row to routing.csv for {dead.issue_type_id} naming who acts on it: scope organization for "
                "every account, or department:ID / account:ID for these. If the fallback is intended, this can stay."
            )
            nodes = (key(Kind.ISSUE_TYPE, dead.issue_type_id), *accounts)
        else:
            why = f"Rule {dead.rule_id} applies, but nobody it names is available on {coverage.day}, so it falls back."
            fix = f"Give the target of {dead.rule_id} an available holder or a delegate, or point it at someone who is."
            nodes = (key(Kind.RULE, dead.rule_id), key(Kind.ISSUE_TYPE, dead.issue_type_id), *accounts)
        yield Finding("dead-end", Severity.WARNING, nodes, message, why, fix)


def unused_rule_findings(org: Org, coverage: Coverage) -> Iterator[Finding]:
    for rule in coverage.unused():
        issue = label(org, Kind.ISSUE_TYPE, rule.issue_type_id)
        where = label_key(org, str(rule.scope)) if rule.scope else "the organisation"
        winners = coverage.beaten_by(rule)
        if not coverage.in_scope(rule):
            why = f"No account is in its scope ({where}): nothing is owned there or below."
            fix = f"Change the scope of {rule.id} in routing.csv, or remove the rule."
        else:
            why = f"Every account in its scope has a narrower rule for {issue}: {', '.join(winners)}. "
            why += "It is dead configuration that misleads whoever reads routing.csv."
            fix = f"Remove {rule.id} from routing.csv, or narrow the rules that beat it if it should apply."
        yield Finding(
            "rule-never-matches",
            Severity.WARNING,
            (key(Kind.RULE, rule.id), *(key(Kind.RULE, w) for w in winners)),
            f"Rule {rule.id} ({issue} on {where}) never applies to any account.",
            why,
            fix,
        )


def _users(org: Org, ref: Ref) -> list[str]:
    """The rules that target ``ref`` and the accounts that escalate to it, as keys."""
    rules = [key(Kind.RULE, r.id) for r in sorted(org.rules.values(), key=lambda r: r.id) if r.target == ref]
    accounts = [
        key(Kind.ACCOUNT, a.id)
        for a in sorted(org.accounts.values(), key=lambda a: a.id)
        if a.escalation_contact == ref
    ]
    return rules + accounts
