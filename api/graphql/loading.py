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
from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from buckstop.graph.store import Store
from buckstop.graph.timeline import parse_day
from buckstop.loaders import Input, load

from .. import answers
from ..metrics import timed_load
from ..retention import retain
from .cost import Cost, priced
from .permissions import admin, principal_of, private

__all__ = ["ChangesBetween", "LoadResult", "Mutation", "is_upload", "needs_preflight"]

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


# The result types are made from the answer models of api.answers (field names, types and descriptions),
# so `loadPeople` and `buckstop load --json` give one shape from one builder (answers.load_answer).


@strawberry.experimental.pydantic.type(model=answers.PersonRef, description=answers.PersonRef.__doc__)
class PersonRef:
    id: strawberry.ID
    name: strawberry.auto
    title: strawberry.auto
    source: strawberry.auto = strawberry.field(extensions=private())


@strawberry.experimental.pydantic.type(model=answers.PersonChange, description=answers.PersonChange.__doc__)
class PersonChange:
    person: PersonRef
    field: strawberry.auto
    old: strawberry.auto
    new: strawberry.auto


@strawberry.experimental.pydantic.type(model=answers.RoutingConsequence, description=answers.RoutingConsequence.__doc__)
class RoutingConsequence:
    kind: strawberry.auto
    id: strawberry.ID
    leaver: PersonRef
    message: strawberry.auto


@strawberry.experimental.pydantic.type(model=answers.PeopleDiff, description=answers.PeopleDiff.__doc__)
class PeopleDiff:
    summary: strawberry.auto
    joiner_count: strawberry.auto
    leaver_count: strawberry.auto
    mover_count: strawberry.auto
    joiners: list[PersonRef]
    leavers: list[PersonRef]
    moves: list[PersonChange]
    title_changes: list[PersonChange]
    status_changes: list[PersonChange]
    other_changes: list[PersonChange]
    consequences: list[RoutingConsequence]


@strawberry.experimental.pydantic.type(model=answers.Handover, description=answers.Handover.__doc__)
class Handover:
    kind: strawberry.auto
    id: strawberry.ID
    field: strawberry.auto
    old: strawberry.auto
    new: strawberry.auto
    message: strawberry.auto


@strawberry.experimental.pydantic.type(model=answers.BetweenAnswer, description=answers.BetweenAnswer.__doc__)
class ChangesBetween:
    from_day: strawberry.auto
    to_day: strawberry.auto
    from_version: strawberry.auto
    from_effective: strawberry.auto
    to_version: strawberry.auto
    to_effective: strawberry.auto
    diff: PeopleDiff
    handover_count: strawberry.auto
    handovers: list[Handover]


@strawberry.experimental.pydantic.type(model=answers.LoadAnswer, description=answers.LoadAnswer.__doc__)
class LoadResult:
    applied: strawberry.auto
    version: strawberry.auto
    effective: strawberry.auto
    notes: strawberry.auto
    problem_count: strawberry.auto
    problems: strawberry.auto
    diff: PeopleDiff


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
        effective: Annotated[
            str | None,
            strawberry.argument(
                description="The day the load comes into force, YYYY-MM-DD (default today): a past day adds "
                "history, a future one is scheduled."
            ),
        ] = None,
    ) -> LoadResult:
        day = parse_day(effective, "effective")
        inputs = {"people.csv": await _input("people.csv", file)}
        if managers is not None:
            inputs["managers.csv"] = await _input("managers.csv", managers)
        if column_map is not None:
            inputs["columns.csv"] = await _input("columns.csv", column_map)
        store: Store = info.context["store"]
        # A load of a million rows takes a while: off the event loop, so other questions are answered meanwhile.
        actor = principal_of(info).name
        with timed_load(dry_run) as timing:
            done = await asyncio.to_thread(
                load, store, inputs, dry_run=dry_run, actor=actor, supply=ARGUMENTS, effective=day
            )
            if done.applied is not None:
                timing.outcome = "applied"
        dropped = await asyncio.to_thread(retain, store, info.context["settings"]) if done.applied else []
        answer = answers.load_answer(done, max(0, min(limit, 10_000)))
        return LoadResult.from_pydantic(answer.model_copy(update={"notes": [*answer.notes, *dropped]}))
