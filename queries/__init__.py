"""The questions buckstop answers: plain functions over a store. Imports only ``graph``."""

from .audit import Audit, Finding, Severity, audit
from .audit.upcoming import Scheduled, Upcoming, upcoming
from .chain import Chain, InCharge, Reports, boss, chain_of_command, direct_reports, top, who_is_in_charge
from .matrix import Cell, Matrix, matrix
from .routing import EscalationStep, Routing, route
from .search import Hit, search
from .triage import Candidate, Triage, triage

__all__ = [
    "Audit",
    "Candidate",
    "Cell",
    "Chain",
    "EscalationStep",
    "Finding",
    "Hit",
    "InCharge",
    "Matrix",
    "Reports",
    "Routing",
    "Scheduled",
    "Severity",
    "Triage",
    "Upcoming",
    "audit",
    "boss",
    "chain_of_command",
    "direct_reports",
    "matrix",
    "route",
    "search",
    "top",
    "triage",
    "upcoming",
    "who_is_in_charge",
]
