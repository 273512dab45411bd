"""The ``loadPeople`` mutation: an HR export uploaded over GraphQL, loaded as ``buckstop load`` loads it.

The file comes as a GraphQL multipart upload (the GraphQL multipart request
spec: ``curl -F operations=… -F map=… -F file=@export.csv``), so its bytes
reach the loader untouched and its encoding is detected exactly as for a file
on disk (see docs/decisions.md). Browsers may send multipart forms across
sites without asking, so a multipart request must carry a header a plain form
cannot set (``Apollo-Require-Preflight`` or ``X-Buckstop-Upload``); see
:func:`needs_preflight`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from buckstop.graph.errors import BundleRefused
from buckstop.graph.store import Store
from buckstop.loaders import Input, Load, load
from buckstop.loaders.diff import Change, Consequence

from ..metrics import timed_load
from .cost import Cost, priced
from .permissions import admin, principal_of, private

__all__ = ["LoadResult", "Mutation", "is_upload", "needs_preflight"]

#: How an upload gives its auxiliary files: the mutation's arguments, for the loader's hints.
ARGUMENTS = {"managers.csv": "the `managers` upload", "columns.csv": "the `columnMap` upload"}

#: Headers a cross-site form cannot send; one of them must come with a multipart request.
PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-buckstop-upload")


def is_upload(headers: Any) -> bool:
    """Whether a request is a multipart upload: only ``loadPeople`` takes one, so only an admin may send it."""
    return bool(headers.get("content-type", "").lower().startswith("multipart/"))


def needs_preflight(headers: Any) -> bool:
    """Whether a request is a multipart upload without a header only a script can set."""
    content_type = headers.get("content-type", "")
    return content_type.startswith("multipart/form-data") and not any(h in headers for h in PREFLIGHT_HEADERS)


@strawberry.type(description="A person in a diff: who, and where they come from in the file.")
class PersonRef:
    id: strawberry.ID
    name: str
    title: str | None
    source: str | None = strawberry.field(description="file:row of the export.", extensions=private())


def _ref(person: Any) -> PersonRef:
    return PersonRef(
        id=strawberry.ID(person.id),
        name=person.name,
        title=person.title,
        source=str(person.source) if person.source.file else None,
    )


@strawberry.type(description="One field of one person, before and after.")
class PersonChange:
    person: PersonRef
    field: str = strawberry.field(
        description="`department`, `manager`, `title`, `status`, or another column: `name`, `email`, `public`, "
        "`phone`, `location`."
    )
    old: str | None
    new: str | None

    @classmethod
    def of(cls, change: Change) -> PersonChange:
        return cls(person=_ref(change.person), field=change.field, old=change.old, new=change.new)


@strawberry.type(description="A rule, account, agency or department that now points at someone who has left.")
class RoutingConsequence:
    kind: str
    id: strawberry.ID
    leaver: PersonRef
    message: str

    @classmethod
    def of(cls, consequence: Consequence) -> RoutingConsequence:
        return cls(
            kind=consequence.kind.value,
            id=strawberry.ID(consequence.id),
            leaver=_ref(consequence.leaver),
            message=consequence.message,
        )


@strawberry.type(description="What a load changes about people. Each list holds at most `limit` entries.")
class PeopleDiff:
    summary: str
    joiner_count: int
    leaver_count: int
    mover_count: int
    joiners: list[PersonRef]
    leavers: list[PersonRef]
    moves: list[PersonChange] = strawberry.field(description="Department and manager changes.")
    title_changes: list[PersonChange]
    status_changes: list[PersonChange]
    other_changes: list[PersonChange] = strawberry.field(
        description="Every other column that changed: name, email, public, phone, location."
    )
    consequences: list[RoutingConsequence]


@strawberry.type(description="The outcome of a load (or, with dryRun, of what it would do).")
class LoadResult:
    applied: bool
    version: int | None = strawberry.field(description="The org's version after the load; null on a dry run.")
    notes: list[str] = strawberry.field(description="How the file was read: its format, encoding, what was made.")
    problem_count: int
    problems: list[str] = strawberry.field(description="The first `limit` problems, as file:row [column]: message.")
    diff: PeopleDiff

    @classmethod
    def of(cls, done: Load, limit: int) -> LoadResult:
        d = done.diff
        return cls(
            applied=done.applied is not None,
            version=done.applied.version if done.applied else None,
            notes=list(done.notes),
            problem_count=len(done.problems),
            problems=[str(p) for p in BundleRefused(done.problems).problems[:limit]],
            diff=PeopleDiff(
                summary=d.summary(),
                joiner_count=len(d.joiners),
                leaver_count=len(d.leavers),
                mover_count=len(d.movers),
                joiners=[_ref(p) for p in d.joiners[:limit]],
                leavers=[_ref(p) for p in d.leavers[:limit]],
                moves=[PersonChange.of(c) for c in d.moves[:limit]],
                title_changes=[PersonChange.of(c) for c in d.title_changes[:limit]],
                status_changes=[PersonChange.of(c) for c in d.status_changes[:limit]],
                other_changes=[PersonChange.of(c) for c in d.other_changes[:limit]],
                consequences=[RoutingConsequence.of(c) for c in d.consequences[:limit]],
            ),
        )


async def _input(name: str, upload: Any) -> Input:
    data = await upload.read()
    return Input(getattr(upload, "filename", None) or name, data=bytes(data))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=admin(),
        # Admin only, and bounded by max_upload_bytes rather than by the org: a load is not priced by its size.
        metadata=priced(Cost(1)),
        description="Load a people export (ours, or BambooHR, Workday, Google Workspace, Rippling, Personio, "
        "Entra ID; recognised by header) as a snapshot of the whole company. People it lacks become `left`. "
        "Refused whole (error BUNDLE_REFUSED with every problem) unless `dryRun`, which applies nothing and "
        "returns the problems and the diff.",
    )
    async def load_people(
        self,
        info: Info,
        file: Upload,
        managers: Upload | None = None,
        column_map: Upload | None = None,
        dry_run: bool = False,
        limit: int = 100,
    ) -> LoadResult:
        inputs = {"people.csv": await _input("people.csv", file)}
        if managers is not None:
            inputs["managers.csv"] = await _input("managers.csv", managers)
        if column_map is not None:
            inputs["columns.csv"] = await _input("columns.csv", column_map)
        store: Store = info.context["store"]
        # A load of a million rows takes a while: off the event loop, so other questions are answered meanwhile.
        actor = principal_of(info).name
        with timed_load(dry_run) as timing:
            done = await asyncio.to_thread(load, store, inputs, dry_run=dry_run, actor=actor, supply=ARGUMENTS)
            if done.applied is not None:
                timing.outcome = "applied"
        return LoadResult.of(done, max(0, min(limit, 10_000)))
