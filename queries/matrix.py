"""The responsibility matrix: who handles each top-level issue type on each account.

Vocabulary:

- A *top-level* issue type is one with no broader issue type (Support, Sales
  enquiry, Complaint…); its narrower types usually follow it, and the audit
  names those that do not.
- A *cell* is the route of one (account, top-level issue type) pair on one
  day: the rule that applied (if any), who handles it, and whether that is a
  *fallback* (no rule applied, or nobody was available for it).
- The *matrix* is every cell, accounts by id, issue types by name: the page an
  operations lead reviews each quarter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from buckstop.graph.model import Account, IssueType, Person, Rule
from buckstop.graph.org import Org, normalize
from buckstop.graph.store import WHOLE, Store

from .routing import route_in

__all__ = ["Cell", "Matrix", "matrix", "matrix_of"]


@dataclass(frozen=True)
class Cell:
    """Who handles one top-level issue type on one account, and why."""

    account: Account
    issue_type: IssueType
    rule: Rule | None
    fallback: bool
    handlers: tuple[Person, ...]
    explanation: tuple[str, ...]


@dataclass(frozen=True)
class Matrix:
    """Every account against every top-level issue type, on one day."""

    accounts: tuple[Account, ...]
    issue_types: tuple[IssueType, ...]
    cells: tuple[Cell, ...]  # account by account, in the order of ``issue_types``
    day: date
    org: Org = field(compare=False, repr=False)  # the org the matrix was read from

    def cell(self, account_id: str, issue_type_id: str) -> Cell:
        """The cell of an account and a top-level issue type, by id; KeyError if either is not in the matrix."""
        for cell in self.cells:
            if cell.account.id == account_id and cell.issue_type.id == issue_type_id:
                return cell
        raise KeyError((account_id, issue_type_id))

    @property
    def fallbacks(self) -> int:
        return sum(1 for c in self.cells if c.fallback)


def matrix(store: Store, *, on: date | None = None) -> Matrix:
    """The responsibility matrix of the whole org held by ``store`` on day ``on`` (default: today)."""
    return matrix_of(store.read(WHOLE), on=on or date.today())


def matrix_of(org: Org, *, on: date) -> Matrix:
    """The responsibility matrix of an org already read whole."""
    accounts = tuple(sorted(org.accounts.values(), key=lambda a: a.id))
    tops = [i for i in org.issue_types.values() if i.parent_id is None or i.parent_id not in org.issue_types]
    issue_types = tuple(sorted(tops, key=lambda i: (normalize(i.name), i.id)))
    cells = []
    for account in accounts:
        for issue in issue_types:
            answer = route_in(org, account, issue, on=on)
            cells.append(Cell(account, issue, answer.rule, answer.fallback, answer.handlers, answer.explanation))
    return Matrix(accounts, issue_types, tuple(cells), on, org)
