"""The audit's shared shape: a finding, its kinds and severities, the audit of one day, and the words findings share.

Vocabulary: see :mod:`queries.audit`. A finding names its nodes by *key*
(``kind:id``); :func:`label_key` words one as the explanations do.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from buckstop.graph.model import Kind
from buckstop.graph.org import Org

from ..lookup import label

__all__ = ["FINDING_KINDS", "Audit", "Finding", "Severity", "label_key", "label_keys", "rely"]


class Severity(enum.StrEnum):
    """How bad a finding is; ``buckstop audit --strict`` fails on ``error``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


#: Every kind of finding, in the order they are reported, with what it means.
FINDING_KINDS: dict[str, str] = {
    "account-without-owner": "an account no department owns",
    "agency-without-contract-owner": "an account run by an agency that nobody inside answers for",
    "contract-owner-left": "an account run by an agency whose contract owner has left",
    "left-but-responsible": "someone who left but still heads a department, is a contact or a rule's target",
    "several-tops": "more than one person at the top of the organisation",
    "dead-end": "issue types that reach only a fallback on some accounts",
    "account-without-escalation-contact": "an account with nobody to escalate to when no rule applies",
    "role-without-active-holder": "a role nobody available holds",
    "absent-without-delegate": "a responsible person away with nobody covering",
    "head-outside-department": "a department head who sits in another department",
    "rule-never-matches": "a routing rule that no account and issue type ever reaches",
    "hidden-characters-in-name": "a name holding control characters, escape sequences or bidi controls",
    "look-alike-name": "a name with a word that mixes look-alike alphabets (a Cyrillic а in a Latin name)",
    # Of the org's shape, read as a graph (.shape):
    "not-connected-to-top": "a part of the org that nothing links to the top",
    "span-of-control-outlier": "a person with far more direct reports than the org's norm",
    "depth-outlier": "a person far more levels below the top than the org's norm",
    "single-point-of-failure": "a person every escalation path of many accounts passes through",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One defect: what is wrong, with which nodes, why it matters, how to fix it, where."""

    kind: str
    severity: Severity
    nodes: tuple[str, ...]  # keys, the one to fix first
    message: str
    why: str
    fix: str
    where: tuple[str, ...] = ()  # bundle rows of the nodes, file:row


@dataclass(frozen=True)
class Audit:
    """Every finding of one org on one day, worst first."""

    findings: tuple[Finding, ...]
    day: date
    org: Org = field(compare=False, repr=False)  # the org the audit was read from

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def clean(self) -> bool:
        return not self.findings


def label_key(org: Org, ref: str) -> str:
    """A node named by its key (``person:p-ann``), worded as :func:`~queries.lookup.label` words it."""
    kind, _, id = ref.partition(":")
    return label(org, Kind(kind), id)


def label_keys(org: Org, refs: list[str]) -> str:
    """Several keys worded, joined by commas."""
    return ", ".join(label_key(org, r) for r in refs)


def rely(org: Org, refs: list[str]) -> str:
    """``rule r-1 relies`` / ``rule r-1, @Acme (twitter) rely``."""
    return f"{label_keys(org, refs)} {'relies' if len(refs) == 1 else 'rely'}"
