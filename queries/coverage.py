"""Coverage: where the routing rules reach, over every account and every issue type of one org.

Vocabulary:

- The *coverage* of an org on a day is the route of every (account, issue
  type) pair, issue types broader first.
- A *dead end* is a pair whose route reaches only a fallback: no rule applies,
  or nobody is available for the rule that does. Dead ends are grouped by
  issue type and cause (the rule, or none); a narrower issue type that dead-ends
  on an account where its broader one does belongs to the broader one's group.
- A rule *covers* the accounts in its scope: the account it names, the
  accounts owned by the department it names or one below, or every account.
  A rule is *used* when some pair's route chooses it.

The audit words these facts as findings; this module only computes them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from buckstop.graph.model import Account, IssueType, Kind, Rule
from buckstop.graph.org import Org

from .routing import Routing, route_in

__all__ = ["Coverage", "DeadEnd", "covers"]


@dataclass(frozen=True, slots=True)
class DeadEnd:
    """An issue type that reaches only a fallback on some accounts, for one cause."""

    issue_type_id: str
    rule_id: str | None  # None: no rule applies; else the rule nobody is available for
    account_ids: tuple[str, ...]
    narrower: tuple[str, ...]  # narrower issue types that dead-end there because this one does


class Coverage:
    """Every (account, issue type) route of one org on one day, computed once."""

    def __init__(self, org: Org, day: date) -> None:
        self.org = org
        self.day = day
        self.issue_types = taxonomy_order(org)
        self.accounts = sorted(org.accounts.values(), key=lambda a: a.id)
        self.routes: dict[tuple[str, str], Routing] = {
            (a.id, i.id): route_in(org, a, i, on=day) for a in self.accounts for i in self.issue_types
        }
        self.used = {r.rule.id for r in self.routes.values() if r.rule is not None}

    def routing_of(self, account_id: str, issue_type_id: str) -> Routing:
        """The routing of one pair, computed with the others when the coverage was made (nothing is routed again)."""
        return self.routes[(account_id, issue_type_id)]

    def dead_ends(self) -> list[DeadEnd]:
        """Every dead end, grouped (see the module vocabulary), broader issue types first."""
        groups: dict[tuple[str, str | None], list[str]] = defaultdict(list)  # (issue, rule) → accounts
        narrower: dict[tuple[str, str | None], list[str]] = defaultdict(list)
        dead: dict[tuple[str, str], tuple[str, str | None]] = {}  # (account, issue) → its group
        for account in self.accounts:
            for issue in self.issue_types:
                answer = self.routing_of(account.id, issue.id)
                if not answer.fallback:
                    continue
                broader = dead.get((account.id, issue.parent_id or ""))
                if broader is not None:
                    dead[(account.id, issue.id)] = broader
                    if issue.id not in narrower[broader]:
                        narrower[broader].append(issue.id)
                    continue
                group = (issue.id, answer.rule.id if answer.rule else None)
                dead[(account.id, issue.id)] = group
                groups[group].append(account.id)
        return [DeadEnd(i, r, tuple(accounts), tuple(narrower[(i, r)])) for (i, r), accounts in groups.items()]

    def unused(self) -> list[Rule]:
        """The rules no pair's route chooses, by id."""
        return [r for r in sorted(self.org.rules.values(), key=lambda r: r.id) if r.id not in self.used]

    def in_scope(self, rule: Rule) -> list[Account]:
        return [a for a in self.accounts if covers(self.org, rule, a)]

    def beaten_by(self, rule: Rule) -> list[str]:
        """The rules chosen instead of ``rule`` for its issue type on the accounts in its scope, by id."""
        chosen = (self.routing_of(a.id, rule.issue_type_id).rule for a in self.in_scope(rule))
        return sorted({r.id for r in chosen if r is not None and r.id != rule.id})


def covers(org: Org, rule: Rule, account: Account) -> bool:
    """Whether ``account`` is in the scope of ``rule``."""
    scope = rule.scope
    if scope is None:
        return True
    if scope.kind is Kind.ACCOUNT:
        return scope.id == account.id
    owner = account.owner_department_id
    return owner is not None and (owner == scope.id or scope.id in org.ancestors(Kind.DEPARTMENT, owner))


def taxonomy_order(org: Org) -> list[IssueType]:
    """Issue types broader first: each root by id, then its narrower types, depth first."""
    children: dict[str | None, list[IssueType]] = defaultdict(list)
    for issue in org.issue_types.values():
        parent = issue.parent_id if issue.parent_id in org.issue_types else None
        children[parent].append(issue)
    ordered: list[IssueType] = []

    def visit(parent: str | None) -> None:
        for issue in sorted(children[parent], key=lambda i: i.id):
            ordered.append(issue)
            visit(issue.id)

    visit(None)
    return ordered
