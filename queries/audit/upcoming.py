"""What will break: the findings scheduled versions bring, listed before they take effect.

Vocabulary:

- A *scheduled* version is one effective after today (:mod:`graph.timeline`); the *window*
  is how far ahead to look (``90d``, a duration as :mod:`graph.durations` writes one): the
  versions effective after today and on or before today + window.
- Each scheduled version is compared with the version in force *just before* it (the one in
  force the day before its effective day). Both orgs are audited on the scheduled version's
  effective day, so that only the version's changes show, not an absence that starts that day.
- A *new finding* is one of the scheduled org's audit whose kind and nodes the audit before
  it has not; a *resolved* finding is the other way round (counted, not listed).
- An *escalation chain* is the route of each top-level issue type on each account: the
  handler and everyone above them (:mod:`queries.routing`). It gets *shorter* or *longer*
  when its number of levels changes; accounts are named once each.
- *Leavers* and *joiners* are people who leave (marked left, or gone from the export) or
  come (new, or back) with the version, as a load's diff counts them.

The question reads the whole org of each version it compares (``Reach.WHOLE``), on either
backend; it costs two audits per scheduled version in the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from buckstop.graph.durations import parse_duration
from buckstop.graph.errors import BuckstopError
from buckstop.graph.model import Account, IssueType, Person, Status
from buckstop.graph.org import Org
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus, Store
from buckstop.graph.timeline import today

from ..coverage import taxonomy_order
from ..routing import route_in
from . import audit_org
from .core import Finding

__all__ = ["BadWindow", "ChainChange", "Scheduled", "Upcoming", "upcoming", "upcoming_in", "window"]


class BadWindow(BuckstopError):
    """A window that is not a duration, naming the value and the form."""

    code = "BAD_DURATION"


def window(text: str) -> timedelta:
    """The window ``text`` writes (``90d``, ``12w``); :class:`BadWindow` naming it and the form if it is not one.

    >>> window("12w").days
    84
    """
    try:
        return parse_duration(text)
    except ValueError as err:
        raise BadWindow(f"the window {err}") from None


@dataclass(frozen=True, slots=True)
class ChainChange:
    """The escalation chain of one top-level issue type on one account, in levels, before and after."""

    account: Account
    issue_type: IssueType
    before: int
    after: int


@dataclass(frozen=True)
class Scheduled:
    """What one scheduled version changes: who comes and goes, the findings it brings, the chains it moves."""

    version: int
    effective: date
    before_version: int  # the version in force the day before; 0 when there is none
    leavers: tuple[Person, ...]
    joiners: tuple[Person, ...]
    new_findings: tuple[Finding, ...]  # worst first, as the audit orders them
    resolved: int  # findings of the version before that this one no longer has
    chains: tuple[ChainChange, ...]  # by account id, then issue type id
    org: Org = field(compare=False, repr=False)  # the scheduled version's org

    @property
    def shorter(self) -> tuple[str, ...]:
        """The ids of the accounts some of whose chains get shorter."""
        return tuple(dict.fromkeys(c.account.id for c in self.chains if c.after < c.before))

    @property
    def longer(self) -> tuple[str, ...]:
        """The ids of the accounts some of whose chains get longer."""
        return tuple(dict.fromkeys(c.account.id for c in self.chains if c.after > c.before))

    def summary(self) -> str:
        """One line: ``on 2027-03-01 Ann Lee (Sales Director) leaves: 2 new findings; 3 accounts' escalation
        chains get shorter``."""
        moves = [f"{_who(p)} leaves" for p in self.leavers[:3]] + [f"{_who(p)} joins" for p in self.joiners[:3]]
        more = len(self.leavers) + len(self.joiners) - len(moves)
        if more > 0:
            moves.append(f"{more} more {'person comes or goes' if more == 1 else 'people come or go'}")
        head = f"on {self.effective} " + (", ".join(moves) if moves else f"version {self.version} comes into force")
        parts = [_count(len(self.new_findings), "new finding")]
        if self.resolved:
            parts.append(f"{_count(self.resolved, 'finding')} resolved")
        for ids, way in ((self.shorter, "shorter"), (self.longer, "longer")):
            if ids:
                one = len(ids) == 1
                whose = "1 account's escalation chain gets" if one else f"{len(ids):,} accounts' escalation chains get"
                parts.append(f"{whose} {way}")
        return f"{head}: {'; '.join(parts)}"


@dataclass(frozen=True)
class Upcoming:
    """The scheduled versions effective after ``start`` and on or before ``end``, in force order."""

    start: date
    end: date
    within: timedelta
    versions: tuple[Scheduled, ...]
    org: Org = field(compare=False, repr=False)  # the org in force on ``start``: the one the answer is of


def upcoming(store: Store, within: timedelta | str, *, start: date | None = None) -> Upcoming:
    """The scheduled versions effective within ``within`` (a duration, or its text: ``90d``) after ``start``
    (default today), each audited."""
    within = window(within) if isinstance(within, str) else within
    start = start or today()
    end = start + timedelta(days=-(-within // timedelta(days=1)))  # a part of a day counts as the day
    now = store.read(Focus(Reach.WHOLE, day=start))
    found = []
    for version in store.timeline().versions:
        if start < version.effective <= end:
            before = store.read(Focus(Reach.WHOLE, day=version.effective - timedelta(days=1)))
            after = store.read(Focus(Reach.WHOLE, day=version.effective))
            if after.version == version.number:  # not a load corrected by a later one of its day
                found.append(upcoming_in(before, after, version.effective))
    return Upcoming(start, end, within, tuple(found), now)


def upcoming_in(before: Org, after: Org, day: date) -> Scheduled:
    """What ``after`` (in force from ``day``) changes from ``before`` (in force the day before)."""
    old, new = audit_org(before, on=day), audit_org(after, on=day)
    known = {(f.kind, f.nodes) for f in old.findings}
    kept = {(f.kind, f.nodes) for f in new.findings}
    leavers, joiners = _comings_and_goings(before, after)
    return Scheduled(
        version=after.version,
        effective=day,
        before_version=before.version,
        leavers=leavers,
        joiners=joiners,
        new_findings=tuple(f for f in new.findings if (f.kind, f.nodes) not in known),
        resolved=sum(1 for f in old.findings if (f.kind, f.nodes) not in kept),
        chains=tuple(_chain_changes(before, after, day)),
        org=after,
    )


def _comings_and_goings(before: Org, after: Org) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
    here = {id for id, p in before.people.items() if p.status is not Status.LEFT}
    there = {id for id, p in after.people.items() if p.status is not Status.LEFT}
    leavers = tuple(after.people.get(id) or before.people[id] for id in sorted(here - there))
    joiners = tuple(after.people[id] for id in sorted(there - here))
    return leavers, joiners


def _chain_changes(before: Org, after: Org, day: date) -> list[ChainChange]:
    """The top-level chains that change length, of the accounts in both orgs."""
    changes = []
    tops = [i for i in taxonomy_order(after) if i.parent_id is None and i.id in before.issue_types]
    for account_id in sorted(before.accounts.keys() & after.accounts.keys()):
        old_account, new_account = before.accounts[account_id], after.accounts[account_id]
        for issue in tops:
            was = len(route_in(before, old_account, before.issue_types[issue.id], on=day).escalation)
            now = len(route_in(after, new_account, issue, on=day).escalation)
            if was != now:
                changes.append(ChainChange(new_account, issue, was, now))
    return changes


def _who(person: Person) -> str:
    return f"{person.name} ({person.title})" if person.title else person.name


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
