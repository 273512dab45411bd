"""The questions buckstop answers: plain functions over a store. Imports only ``graph``."""

from .chain import Chain, InCharge, boss, chain_of_command, top, who_is_in_charge
from .routing import EscalationStep, Routing, route
from .search import Hit, search

__all__ = [
    "Chain",
    "EscalationStep",
    "Hit",
    "InCharge",
    "Routing",
    "boss",
    "chain_of_command",
    "route",
    "search",
    "top",
    "who_is_in_charge",
]
