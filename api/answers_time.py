"""The answer of the upcoming audit (``audit --upcoming``, ``upcomingFindings``, the MCP tool) as JSON with a schema.

The same shape as :mod:`api.answers` (camelCase, ``explanation``, ``provenance``,
``orgVersion``: the version in force on the first day of the window), in a module of its
own. People, accounts and issue types are nested as ``{id, name}``; findings as the audit's.
"""

from __future__ import annotations

from pydantic import Field

from buckstop.graph.durations import format_duration
from buckstop.queries import Severity, Upcoming
from buckstop.queries.audit.upcoming import ChainChange as ChainRecord
from buckstop.queries.audit.upcoming import Scheduled

from .answers import Answer, Finding, Ref, Shape, effective_of, finding, provenance, severe

__all__ = ["ChainChange", "ScheduledVersion", "UpcomingAnswer", "upcoming_answer"]


class ChainChange(Shape):
    """The escalation chain of one top-level issue type on one account: its levels before and after."""

    account: Ref
    issue_type: Ref
    before: int = Field(description="Levels (the handler and everyone above) in the version before.")
    after: int = Field(description="Levels in the scheduled version.")


class ScheduledVersion(Shape):
    """One scheduled version: who comes and goes, the findings it brings, the escalation chains it moves."""

    version: int
    effective: str = Field(description="The day it comes into force, YYYY-MM-DD.")
    before_version: int = Field(description="The version in force the day before (0: none).")
    summary: str = Field(description="One line: on that day, who leaves or joins, what it breaks.")
    leavers: list[Ref]
    joiners: list[Ref]
    new_findings: list[Finding] = Field(
        description="Findings the version before has not (by kind and nodes), worst first; both audited on its day."
    )
    resolved_count: int = Field(description="Findings of the version before that this one no longer has.")
    chains: list[ChainChange] = Field(description="Escalation chains that get shorter or longer, by account.")


class UpcomingAnswer(Answer):
    from_day: str = Field(description="Today (or the day asked from): versions effective after it count.")
    to_day: str = Field(description="The last day of the window.")
    within: str = Field(description="The window, as a duration (90d).")
    versions: list[ScheduledVersion] = Field(description="The scheduled versions of the window, in force order.")


def upcoming_answer(result: Upcoming, *, at_least: Severity = Severity.INFO) -> UpcomingAnswer:
    """The scheduled versions of ``result``, with their new findings of severity ``at_least`` or worse."""
    versions = [_version(v, at_least) for v in result.versions]
    found = sum(len(v.new_findings) for v in result.versions)
    words = f"{len(versions)} scheduled version{'' if len(versions) == 1 else 's'}"
    explanation = [
        f"{words} effective after {result.start} and by {result.end}, {found} new finding{'' if found == 1 else 's'}."
    ]
    explanation += [v.summary() for v in result.versions]
    nodes = [n for v in result.versions for f in severe(v.new_findings, at_least) for n in f.nodes]
    return UpcomingAnswer(
        from_day=result.start.isoformat(),
        to_day=result.end.isoformat(),
        within=format_duration(result.within),
        versions=versions,
        explanation=explanation,
        provenance=provenance(result.org, nodes),
        org_version=result.org.version,
        org_effective=effective_of(result.org),
    )


def _version(v: Scheduled, at_least: Severity) -> ScheduledVersion:
    return ScheduledVersion(
        version=v.version,
        effective=v.effective.isoformat(),
        before_version=v.before_version,
        summary=v.summary(),
        leavers=[Ref(id=p.id, name=p.name) for p in v.leavers],
        joiners=[Ref(id=p.id, name=p.name) for p in v.joiners],
        new_findings=[finding(f) for f in severe(v.new_findings, at_least)],
        resolved_count=v.resolved,
        chains=[_chain(c) for c in v.chains],
    )


def _chain(c: ChainRecord) -> ChainChange:
    return ChainChange(
        account=Ref(id=c.account.id, name=c.account.name),
        issue_type=Ref(id=c.issue_type.id, name=c.issue_type.name),
        before=c.before,
        after=c.after,
    )
