"""Loading: read a bundle (or one people export), check it, apply it whole, and say what changed.

Vocabulary:

- A *load* reads its files against the store's current org, checks the change
  set the files make, applies it in one step (or nothing), and returns the
  :class:`~loaders.diff.Diff` between the org before and after.
- A *dry run* does everything but apply: it returns the diff the load would
  make and every problem, and changes nothing.

>>> load(store, "exports/bamboohr.csv", dry_run=True).diff.summary()  # doctest: +SKIP
'2 joiners, 1 leaver, 0 movers, 1 title change, 0 status changes; 1 routing consequence'
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from buckstop.graph.errors import BundleRefused, Problem
from buckstop.graph.store import WHOLE, Applied, Store
from buckstop.graph.validate import check_changes

from .bundle import Bundle, Input, Progress, read_bundle, read_files
from .diff import Diff, diff

__all__ = ["Load", "apply_bundle", "load"]


@dataclass
class Load:
    """What a load did (or, dry, would do)."""

    bundle: Bundle
    diff: Diff
    problems: list[Problem]
    applied: Applied | None
    dry_run: bool
    seconds: dict[str, float] = field(default_factory=dict)  # time spent per phase: read, check and apply, diff

    @property
    def notes(self) -> list[str]:
        return self.bundle.notes


def load(
    store: Store,
    source: str | Path | Mapping[str, Input],
    *,
    dry_run: bool = False,
    actor: str = "",
    progress: Progress | None = None,
) -> Load:
    """Load ``source`` (a bundle folder, a people export file, or named inputs) into ``store``.

    Raises :class:`~graph.errors.BundleRefused` with every problem (and changes nothing)
    unless ``dry_run``, which returns the problems with the diff instead.
    """
    started = time.perf_counter()
    current = store.read(WHOLE)
    if isinstance(source, Mapping):
        bundle = read_files(source, current, folder=Path("upload"), progress=progress)
    else:
        bundle = read_bundle(source, current, progress=progress)
    seconds = {"read": time.perf_counter() - started}
    if bundle.problems or dry_run:
        _tick(progress, "checking")
        merged, whole = check_changes(current, bundle.changes)
        problems = bundle.problems + _in_own_columns(whole, bundle)
        if problems and not dry_run:
            raise BundleRefused(problems)
        seconds["check"] = time.perf_counter() - started - seconds["read"]
        return Load(bundle, diff(current, merged), problems, None, True, seconds)
    _tick(progress, "checking and writing")
    try:
        applied = store.apply(bundle.changes, actor=actor, summary=_summary(bundle))
    except BundleRefused as err:
        raise BundleRefused(_in_own_columns(list(err.problems), bundle)) from err
    seconds["check and apply"] = time.perf_counter() - started - seconds["read"]
    changes = diff(applied.before, applied.after)
    seconds["diff"] = time.perf_counter() - started - sum(seconds.values())
    return Load(bundle, changes, [], applied, False, seconds)


def apply_bundle(
    store: Store, folder: str | Path, *, dry_run: bool = False, actor: str = ""
) -> tuple[Bundle, Applied | None]:
    """Read ``folder`` and apply it to ``store`` whole; raise BundleRefused with every problem.

    With ``dry_run`` everything is checked and nothing is applied.
    """
    done = load(store, folder, dry_run=dry_run, actor=actor)
    if done.problems:
        raise BundleRefused(done.problems)
    return done.bundle, done.applied


def _in_own_columns(problems: list[Problem], bundle: Bundle) -> list[Problem]:
    """Whole-org problems, each naming the column as its file does (``supervisor`` rather than ``manager_id``)."""
    columns = bundle.columns
    return [
        replace(p, column=columns[p.file].get(p.column, p.column)) if p.file in columns and p.column else p
        for p in problems
    ]


def _tick(progress: Progress | None, phase: str) -> None:
    if progress is not None:
        progress(phase, 0, 0)


def _summary(bundle: Bundle) -> str:
    counts = ", ".join(
        f"{len(items)} {kind.value.replace('_', ' ')}" for kind, items in sorted(bundle.changes.records.items())
    )
    return f"bundle {bundle.folder.name}: {counts}"
