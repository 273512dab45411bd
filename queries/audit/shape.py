"""The audit's findings of shape: what the structure of the org, read as a graph, says.

Vocabulary:

- The *responsibility graph* of a day links each account to the handlers of each
  of its top-level issue types (as routing answers them, :mod:`queries.coverage`)
  and each person to their manager (the nearest who has not left), up to the end
  of every chain. A person is a *single point of failure* of an account when
  every path from the account up that graph passes through them: they *dominate*
  the account in the graph reversed and rooted at a virtual end after every
  chain (:func:`networkx.immediate_dominators`; one computation answers every
  account). The tops are left out: every chain ends with one. It is reported when
  it holds for *many* accounts: at least :data:`MANY_ACCOUNTS` and at least
  :data:`MANY_SHARE` of the accounts; people who dominate exactly the same
  accounts (a line of managers with nobody beside them) are one finding.
- A person's *span of control* is how many people (not left) have them as
  manager; their *depth* is how many levels below the top they are. A value is
  *far outside the norm* above Q3 + 3 × IQR of the org's values (spans of people
  who manage anyone; depths of everyone under the top) and at least a floor
  (:data:`SPAN_FLOOR`, :data:`DEPTH_FLOOR`), so a small or uniform org has none.
  Of a deep branch, the first person too deep is reported, with a count of those below.
- A part of the org is *not connected to the top* when no chain of references, in
  any direction, links it to the top: a weakly connected component of the org's
  graph without the top (found with networkx's union-find, without building the
  graph). A part every node of which another finding already names (an account
  nobody owns, an issue type no rule routes, a second top) is not reported again.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterator, Sequence

import networkx as nx
from networkx.utils import UnionFind

from buckstop.graph.model import Kind, Status, key
from buckstop.graph.org import Org, edges_of

from ..coverage import Coverage
from ..lookup import label
from .core import Finding, Severity

__all__ = [
    "DEPTH_FLOOR",
    "MANY_ACCOUNTS",
    "MANY_SHARE",
    "SPAN_FLOOR",
    "structural_findings",
]

#: A single point of failure of at least this many accounts…
MANY_ACCOUNTS = 3
#: …and at least this share of all the accounts.
MANY_SHARE = 0.25
#: A span of control is an outlier only from this many direct reports.
SPAN_FLOOR = 15
#: A depth is an outlier only from this many levels below the top.
DEPTH_FLOOR = 8
#: The names listed in one message, at most.
_LISTED = 10
_END = "\0end"  # the virtual end after every chain: no key has a NUL


def structural_findings(org: Org, coverage: Coverage, others: Sequence[Finding]) -> list[Finding]:
    """Every finding of this module's kinds; ``others`` are the audit's other findings, not to be repeated."""
    managers = _effective_managers(org)  # a walk per person: once, for spans and depths
    return [
        *_single_points(org, coverage),
        *_spans(org, managers),
        *_depths(org, managers),
        *_disconnected(org, others),
    ]


# -- single points of failure -----------------------------------------------------------


def _single_points(org: Org, coverage: Coverage) -> Iterator[Finding]:
    graph: nx.DiGraph[str] = nx.DiGraph()  # edges reversed: from the end down to the accounts
    managers: dict[str, str | None] = {}
    for (account_id, issue_id), answer in coverage.routes.items():
        if org.issue_types[issue_id].parent_id is not None:
            continue
        account = key(Kind.ACCOUNT, account_id)
        for handler in answer.handlers:
            graph.add_edge(handler.id, account)
            _chain(org, handler.id, graph, managers)
    accounts = [n for n in graph if n.startswith(f"{Kind.ACCOUNT}:")]
    if not accounts:
        return
    idom = nx.immediate_dominators(graph, _END)
    tops = {p for p, m in managers.items() if m is None}
    dominated: dict[str, list[str]] = defaultdict(list)
    for account in sorted(accounts):
        current = idom[account]
        while current != _END:
            if current not in tops:
                dominated[current].append(account)
            current = idom[current]
    many = max(MANY_ACCOUNTS, MANY_SHARE * len(org.accounts))
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)  # the same accounts → the people, nearest first
    for person, its_accounts in sorted(dominated.items(), key=lambda item: (-_depth(item[0], managers), item[0])):
        if len(its_accounts) >= many:
            groups[tuple(its_accounts)].append(person)
    for its, people in groups.items():
        its_accounts = list(its)
        names = _listed(org, [key(Kind.PERSON, p) for p in people])
        one = len(people) == 1
        yield Finding(
            "single-point-of-failure",
            Severity.INFO,
            (*(key(Kind.PERSON, p) for p in people), *its_accounts),
            f"{names} {'is' if one else 'are each'} on every escalation path of {len(its_accounts)} of "
            f"{len(org.accounts)} accounts: {_listed(org, list(its_accounts))}.",
            "Every issue on those accounts that goes up the chain of command reaches "
            f"{'them' if one else 'each of them'}: when they are away or leave, all of it waits on whoever "
            "stands in, and nobody beside them can take it.",
            "If that is more than one person should carry, route some top-level issue types of these accounts "
            "to another line (routing.csv), or name delegates for their absences (absences.csv).",
        )


def _chain(org: Org, person: str, graph: nx.DiGraph[str], managers: dict[str, str | None]) -> None:
    """Add ``person``'s chain of command to ``graph`` (reversed: manager → report), up to the end."""
    while person not in managers:
        manager, _ = org.effective_manager(person)
        if manager is not None and manager in managers and _reaches(manager, person, managers):
            manager = None  # a reporting cycle (a load refuses one): end the chain here
        managers[person] = manager
        graph.add_edge(manager or _END, person)
        if manager is None:
            return
        person = manager


def _reaches(start: str, wanted: str, managers: dict[str, str | None]) -> bool:
    current: str | None = start
    while current is not None:
        if current == wanted:
            return True
        current = managers.get(current)
    return False


def _depth(person: str, managers: dict[str, str | None]) -> int:
    depth, current = 0, managers.get(person)
    while current is not None:
        depth, current = depth + 1, managers.get(current)
    return depth


# -- spans and depths -------------------------------------------------------------------


def _effective_managers(org: Org) -> dict[str, str | None]:
    return {p.id: org.effective_manager(p.id)[0] for p in org.people.values() if p.status is not Status.LEFT}


def _bound(values: list[int], floor: int) -> float:
    """The least value far outside the norm of ``values``: above Q3 + 3 × IQR, and at least ``floor``."""
    if len(values) < 4:
        return float(floor)
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return max(q3 + 3 * (q3 - q1) + 1e-9, floor)


def _spans(org: Org, managers: dict[str, str | None]) -> Iterator[Finding]:
    reports: dict[str, int] = defaultdict(int)
    for manager in managers.values():
        if manager is not None:
            reports[manager] += 1
    bound = _bound(list(reports.values()), SPAN_FLOOR)
    median = statistics.median(reports.values()) if reports else 0
    for person, span in sorted(reports.items()):
        if span >= bound:
            yield Finding(
                "span-of-control-outlier",
                Severity.WARNING,
                (key(Kind.PERSON, person),),
                f"{label(org, Kind.PERSON, person)} has {span} direct reports; a manager here has {median:g} "
                f"(median), and more than {bound:.0f} is far outside that.",
                "Everything their reports escalate lands on one desk: issues wait, and the chain of command above "
                "those people is one person deep where it should have a layer that can act.",
                "If it is not a data error (a manager_id copied down a column), put a layer in between: "
                "set manager_id of some of their reports in people.csv to team leads.",
            )


def _depths(org: Org, managers: dict[str, str | None]) -> Iterator[Finding]:
    top = org.top_id
    if top is None:
        return
    children: dict[str, list[str]] = defaultdict(list)
    for person, manager in managers.items():
        if manager is not None:
            children[manager].append(person)
    depth = dict(_levels(top, children))
    bound = _bound(list(depth.values()), DEPTH_FLOOR)
    median = statistics.median(depth.values())
    for person in sorted(depth):
        manager = managers[person]
        if depth[person] >= bound and (manager is None or depth[manager] < bound):
            below = sum(1 for _ in _levels(person, children)) - 1
            yield Finding(
                "depth-outlier",
                Severity.WARNING,
                (key(Kind.PERSON, person),),
                f"{label(org, Kind.PERSON, person)} is {depth[person]} levels below the top, and "
                f"{_people(below)} below them; a person here is {median:g} (median), and more than {bound:.0f} "
                "is far outside that.",
                "An escalation from there climbs that many managers before it reaches someone who can decide, "
                "and each level is a handover where it can wait or be lost.",
                "If it is not a data error (people placed under a peer in people.csv), flatten the branch: "
                "set manager_id of the people in it to the manager above.",
            )


def _levels(root: str, children: dict[str, list[str]]) -> Iterator[tuple[str, int]]:
    """Everyone under ``root`` and their levels below it, ``root`` at 0 (breadth first)."""
    level, current = 0, [root]
    while current:
        for person in current:
            yield person, level
        level, current = level + 1, [c for p in current for c in children.get(p, ())]


def _people(count: int) -> str:
    return "nobody" if count == 0 else "1 person" if count == 1 else f"{count} people"


# -- parts not connected to the top ---------------------------------------------------------


def _disconnected(org: Org, others: Sequence[Finding]) -> Iterator[Finding]:
    if org.top_id is None:
        return
    parts: UnionFind[str] = UnionFind()
    for record in org.records():
        if record.kind is Kind.ABSENCE:  # absences are not nodes, nor are their delegations links
            continue
        parts[key(record.kind, record.id)]  # a node with no reference is a part of its own
        for source, target, _ in edges_of(record):
            parts.union(source, target)
    top = parts[key(Kind.PERSON, org.top_id)]
    apart: dict[str, list[str]] = defaultdict(list)  # only the nodes outside the top's part: it holds nearly all
    for node in list(parts.parents):
        if parts[node] != top:
            apart[parts[node]].append(node)
    named = {node for finding in others for node in finding.nodes}
    for part in sorted((sorted(p) for p in apart.values()), key=lambda p: p[0]):
        if all(node in named for node in part):
            continue
        shown = part[:_LISTED]
        yield Finding(
            "not-connected-to-top",
            Severity.WARNING,
            tuple(shown),
            f"{_listed(org, part)} {'is' if len(part) == 1 else 'are'} linked to nothing that leads to "
            f"{label(org, Kind.PERSON, org.top_id)}: no reference, in any direction, connects "
            f"{'it' if len(part) == 1 else 'them'} to the rest of the org.",
            "Nothing can be routed or escalated from there to the chain of command, and no question about the "
            "organisation ever reaches it: it is left over from an old load, or its links were never filled in.",
            "Link it: set parent_id or head_id (departments.csv), department_id (people.csv, roles.csv), "
            "contract_owner_id (agencies.csv) or a rule (routing.csv); or leave it out of the bundle.",
        )


def _listed(org: Org, nodes: Sequence[str]) -> str:
    def name(node: str) -> str:
        kind, _, id = node.partition(":")
        return label(org, Kind(kind), id)

    shown = ", ".join(name(n) for n in nodes[:_LISTED])
    return shown if len(nodes) <= _LISTED else f"{shown} and {len(nodes) - _LISTED} more"
