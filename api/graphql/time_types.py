"""GraphQL types of the upcoming audit (``upcomingFindings``), built from :mod:`queries.audit.upcoming`'s records.

The fields are those of :class:`api.answers_time.UpcomingAnswer`, so ``audit --upcoming --json``,
the MCP tool and GraphQL give one shape (tests/api/test_one_shape.py). People, accounts and issue
types are the graph's types, read from the scheduled version's org.
"""

from __future__ import annotations

import strawberry

from buckstop.graph.durations import format_duration
from buckstop.graph.store import Store
from buckstop.queries import Severity, Upcoming
from buckstop.queries.audit.upcoming import Scheduled

from .. import answers
from ..view import View
from .types import Account, Finding, IssueType, Person

__all__ = ["ChainChange", "ScheduledVersion", "UpcomingFindings"]


@strawberry.type(description="The escalation chain of one top-level issue type on one account, before and after.")
class ChainChange:
    account: Account
    issue_type: IssueType
    before: int = strawberry.field(description="Levels (the handler and everyone above) in the version before.")
    after: int = strawberry.field(description="Levels in the scheduled version.")


@strawberry.type(description="One scheduled version: who comes and goes, the findings it brings, the chains it moves.")
class ScheduledVersion:
    version: int
    effective: str = strawberry.field(description="The day it comes into force, YYYY-MM-DD.")
    before_version: int = strawberry.field(description="The version in force the day before (0: none).")
    summary: str = strawberry.field(description="One line: on that day, who leaves or joins, what it breaks.")
    leavers: list[Person]
    joiners: list[Person]
    new_findings: list[Finding] = strawberry.field(
        description="Findings the version before has not (by kind and nodes), worst first; both audited on its day."
    )
    resolved_count: int = strawberry.field(description="Findings of the version before that this one no longer has.")
    chains: list[ChainChange] = strawberry.field(description="Escalation chains that get shorter or longer.")

    @classmethod
    def of(cls, v: Scheduled, at_least: Severity, store: Store) -> ScheduledVersion:
        view = View(v.org, store)
        return cls(
            version=v.version,
            effective=v.effective.isoformat(),
            before_version=v.before_version,
            summary=v.summary(),
            leavers=[Person.of(p, view) for p in v.leavers],
            joiners=[Person.of(p, view) for p in v.joiners],
            new_findings=[Finding.of(f) for f in answers.severe(v.new_findings, at_least)],
            resolved_count=v.resolved,
            chains=[
                ChainChange(
                    account=Account.of(c.account, view),
                    issue_type=IssueType.of(c.issue_type, view),
                    before=c.before,
                    after=c.after,
                )
                for c in v.chains
            ],
        )


@strawberry.type(description="What the versions scheduled within a window will break, each on its day.")
class UpcomingFindings:
    from_day: str = strawberry.field(description="Today (or `asOf`): versions effective after it count.")
    to_day: str = strawberry.field(description="The last day of the window.")
    within: str = strawberry.field(description="The window, as a duration (90d).")
    versions: list[ScheduledVersion] = strawberry.field(description="The scheduled versions of the window, in order.")

    @classmethod
    def of(cls, result: Upcoming, at_least: Severity, store: Store) -> UpcomingFindings:
        return cls(
            from_day=result.start.isoformat(),
            to_day=result.end.isoformat(),
            within=format_duration(result.within),
            versions=[ScheduledVersion.of(v, at_least, store) for v in result.versions],
        )
