"""The chain-of-command audit: where the org will fail a customer, found before a customer finds it.

Vocabulary:

- A *finding* is one defect of one *kind* (``dead-end``, ``several-tops``…; see
  :data:`FINDING_KINDS`), with a *severity*: ``error`` when the chain of command is
  broken (something has nobody answerable, or someone gone is still answerable),
  ``warning`` when answers exist but are worse than they should be, ``info``
  when it is worth knowing and harmless today.
- A finding names the *nodes* involved (keys ``kind:id``, the one to fix first),
  says *why* it matters and *how to fix* it, and points at the bundle rows
  (``file:row``) to edit.
- *Dead ends* and rules that are never *used* are as :mod:`queries.coverage`
  defines them; a dead end is reported once per issue type and cause, naming
  every account, and a narrower issue type that dead-ends because its broader
  one does is named in the broader one's finding.
- A *responsible* person is one routing can hand an issue to directly: a rule's
  target, an account's escalation contact, or the head of a department that a
  rule targets or that owns an account.
- Absences count on one day (``on``, default today), as in routing.
- Names that do not read as they look (*hidden characters*, *look-alike*
  words) are as :mod:`queries.text` defines them; every name the public view
  shows is checked (ids, names, titles, handles, synonyms).

The findings are grouped by subject: :mod:`.accounts`, :mod:`.people`,
:mod:`.rules` (roles, dead ends, unused rules), :mod:`.names` and :mod:`.shape` (the org's
shape read as a graph: single points of failure, outliers, parts not linked to the top); their shared
shape is :mod:`.core`.

>>> audit(store, on=date(2026, 11, 23)).errors  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from buckstop.graph.model import Kind
from buckstop.graph.org import Org
from buckstop.graph.store import WHOLE, Store

from ..coverage import Coverage
from .accounts import account_findings
from .core import FINDING_KINDS, Audit, Finding, Severity
from .names import name_findings
from .people import absence_findings, head_findings, leaver_findings, top_findings
from .rules import dead_end_findings, role_findings, unused_rule_findings
from .shape import structural_findings

__all__ = ["FINDING_KINDS", "Audit", "Finding", "Severity", "audit", "audit_org"]

_ORDER = {severity: i for i, severity in enumerate(Severity)}
_KIND_ORDER = {kind: i for i, kind in enumerate(FINDING_KINDS)}


def audit(store: Store, *, on: date | None = None) -> Audit:
    """Audit the whole org held by ``store`` on day ``on`` (default: today)."""
    return audit_org(store.read(WHOLE), on=on or date.today())


def audit_org(org: Org, *, on: date) -> Audit:
    """Audit an org already read whole."""
    coverage = Coverage(org, on)
    found = [
        *account_findings(org, on),
        *leaver_findings(org),
        *top_findings(org),
        *dead_end_findings(org, coverage),
        *role_findings(org, on),
        *absence_findings(org, on),
        *head_findings(org),
        *unused_rule_findings(org, coverage),
        *name_findings(org),
    ]
    found += structural_findings(org, coverage, found)  # after the others: it does not repeat what they name
    located = [_located(org, f) for f in found]
    located.sort(key=lambda f: (_ORDER[f.severity], _KIND_ORDER[f.kind], f.nodes))
    return Audit(tuple(located), on, org)


def _located(org: Org, finding: Finding) -> Finding:
    """``finding`` with the bundle rows of its nodes, each row once."""
    rows: list[str] = []
    for node in finding.nodes:
        kind, _, id = node.partition(":")
        record = org.get(Kind(kind), id)
        if record is not None and record.source.file and str(record.source) not in rows:
            rows.append(str(record.source))
    return replace(finding, where=tuple(rows))
