"""Loading: read a bundle (or one people export), check it, apply it whole, and say what changed.

Vocabulary:

- A *load* reads its files against the store's current org, checks the change
  set the files make, applies it in one step (or nothing), and returns the
  :class:`~loaders.diff.Diff` between the org before and after.
- A *dry run* does everything but apply: it returns the diff the load would
  make and every problem, and changes nothing.
- A store that holds only the *demo org* (:func:`~graph.store.holds_demo`) is
  read as empty, and the load replaces every kind, not only its files' kinds:
  the demo goes whole, its people are not leavers of the new org, and nothing
  of it is matched against the new files (a "Sales" department of an HR export
  is not the demo's). The demo's versions effective after the load's day (its
  scheduled reorg) are dropped in the same transaction, so none comes into force
  over the new org. The load notes that it *replaced the demo org*.
- The change log's summary of a load names its files' records and its diff, so
  ``buckstop changes`` says what each load did.
- A *history* (a dated people file, :mod:`loaders.history`) is loaded as the versions it
  implies, each effective on its day, all or none (:meth:`~graph.store.Store.apply_versions`);
  its diff is from the org before its first day to its last version, and a note gives each
  version's own.
- Every load that is applied is followed by the store's *cases*: a case whose handler the load
  made a leaver, absent or no longer the route's answer moves (:func:`queries.case_moves.follow_load`),
  and the load notes how many. Every load passes here (the CLI, GraphQL, the demo's seeding).

>>> load(store, "exports/bamboohr.csv", dry_run=True).diff.summary()  # doctest: +SKIP
'2 joiners, 1 leaver, 0 movers, 1 title change, 0 status changes; 1 routing consequence'
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from buckstop.graph.errors import BundleRefused, Problem
from buckstop.graph.model import Kind
from buckstop.graph.org import ChangeSet, Org
from buckstop.graph.reach import Reach
from buckstop.graph.store import Applied, Focus, Store, holds_demo
from buckstop.graph.validate import check_changes, name_days
from buckstop.queries.case_moves import follow_load
from buckstop.queries.cases import utc_now

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
    #: Time spent per phase: read, then check (a dry run) or check, diff and apply.
    seconds: dict[str, float] = field(default_factory=dict)
    #: A history's versions as applied, by day (``applied`` is the last); empty otherwise.
    history: list[Applied] = field(default_factory=list)

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
    supply: Mapping[str, str] | None = None,
    effective: date | None = None,
) -> Load:
    """Load ``source`` (a bundle folder, a people export file, or named inputs) into ``store``.

    Raises :class:`~graph.errors.BundleRefused` with every problem (and changes nothing)
    unless ``dry_run``, which returns the problems with the diff instead. ``supply`` says
    how a user gives each auxiliary file of a one-file load (``{"managers.csv": "--managers FILE"}``).
    The load is a version in force from ``effective`` (default today): it is read and checked against
    the version in force on that day (graph.timeline).
    """
    started = time.perf_counter()
    current = store.read(Focus(Reach.WHOLE, day=effective))
    demo = not current.empty and holds_demo(store)
    base = Org() if demo else current  # what the files are read against, and the diff is from

    def org_on(day: date) -> Org:
        return Org() if demo else store.read(Focus(Reach.WHOLE, day=day))

    if isinstance(source, Mapping):
        bundle = read_files(source, base, folder=Path("upload"), progress=progress, supply=supply, org_on=org_on)
    else:
        bundle = read_bundle(source, base, progress=progress, supply=supply, org_on=org_on)
    if demo:
        bundle.changes = _every_kind(bundle.changes)
        if bundle.history:
            bundle.history[0] = (_every_kind(bundle.history[0][0]), bundle.history[0][1])
        note = f"the store holds the demo org ({len(current):,} records): a load replaces it whole, every kind"
        bundle.notes.insert(0, f"{note}, not only these files'")
    seconds = {"read": time.perf_counter() - started}
    if bundle.dated is not None:
        return _load_history(store, bundle, dry_run, actor, demo, effective, seconds, started)
    if bundle.problems or dry_run:
        _tick(progress, "checking")
        merged, whole = check_changes(current, bundle.changes)
        problems = bundle.problems + _in_own_columns(whole, bundle)
        if problems and not dry_run:
            raise BundleRefused(problems)
        seconds["check"] = time.perf_counter() - started - seconds["read"]
        return Load(bundle, diff(base, merged), problems, None, True, seconds)
    _tick(progress, "checking and writing")
    made: list[Diff] = []

    def summary(before: Org, after: Org) -> str:
        # Called by the store once the change is checked: the log then says what the load did.
        made[:] = [diff(Org() if demo else before, after)]
        return _summary(bundle, made[0], demo)

    try:
        # Replacing the demo drops its versions after this one's day too: none comes into force over ours.
        applied = store.apply(bundle.changes, actor=actor, summary=summary, effective=effective, drop_later=demo)
    except BundleRefused as err:
        raise BundleRefused(_in_own_columns(list(err.problems), bundle)) from err
    seconds["check, diff and apply"] = time.perf_counter() - started - seconds["read"]
    if applied.precedes is not None:
        bundle.notes.append(
            f"effective {applied.effective}, between two versions: the version effective {applied.precedes} "
            "stays as it was"
        )
    _follow_cases(store, bundle, seconds, started)
    return Load(bundle, made[0], [], applied, False, seconds)


def _follow_cases(store: Store, bundle: Bundle, seconds: dict[str, float], started: float) -> None:
    """Move the cases whose handler the load changed, and note how many."""
    moved = follow_load(store, now=utc_now())
    if moved:
        count = len(moved)
        bundle.notes.append(f"moved {count} case{'' if count == 1 else 's'} whose handler it changed (reassigned)")
    seconds["follow cases"] = time.perf_counter() - started - sum(seconds.values())


def _load_history(
    store: Store,
    bundle: Bundle,
    dry_run: bool,
    actor: str,
    demo: bool,
    effective: date | None,
    seconds: dict[str, float],
    started: float,
) -> Load:
    """Load a history: check each version on its day, then apply them all, or none (see the vocabulary)."""
    assert bundle.dated is not None
    file, column = bundle.dated
    if effective is not None and bundle.history:
        days = f"{bundle.history[0][1]} to {bundle.history[-1][1]}"
        bundle.problems.append(
            Problem(file, None, column, f"dates its own rows ({days}); load it without an effective date of its own")
        )
    # Checked first, each version against the one before it, so that a refusal names each version's days
    # (until the file's next); the store checks each again as it applies them.
    checked, problems = _check_history(store, bundle.history, demo)
    problems = bundle.problems + _in_own_columns(problems, bundle)
    if not bundle.history and not problems:
        problems = [Problem(file, None, column, "dates no row: there is no version to load")]
    if problems or dry_run:
        if problems and not dry_run:
            raise BundleRefused(problems)
        _note_versions(bundle, checked)
        whole = diff(checked[0][1], checked[-1][2]) if checked else diff(Org(), Org())
        seconds["check"] = time.perf_counter() - started - seconds["read"]
        return Load(bundle, whole, problems, None, True, seconds)
    made: list[tuple[date, Org, Org]] = []

    def summary(before: Org, after: Org) -> str:
        first = not made
        made.append((after.effective or date.min, Org() if demo and first else before, after))
        return _summary(bundle, diff(made[-1][1], after), demo and first, bundle.history[len(made) - 1][0])

    try:
        applied = store.apply_versions(bundle.history, actor=actor, summary=summary, drop_later=demo)
    except BundleRefused as err:
        raise BundleRefused(_in_own_columns(list(err.problems), bundle)) from err
    seconds["check, diff and apply"] = time.perf_counter() - started - seconds["read"]
    _note_versions(bundle, made)
    for each in applied:
        if each.precedes is not None:
            bundle.notes.append(
                f"effective {each.effective}, between two versions: the version effective {each.precedes} "
                "stays as it was"
            )
    _follow_cases(store, bundle, seconds, started)
    return Load(bundle, diff(made[0][1], made[-1][2]), [], applied[-1], False, seconds, applied)


def _check_history(
    store: Store, history: list[tuple[ChangeSet, date]], demo: bool
) -> tuple[list[tuple[date, Org, Org]], list[Problem]]:
    """Each version of ``history`` checked as the store would apply it, without applying it: (day, before, after)."""
    timeline = store.timeline()
    checked: list[tuple[date, Org, Org]] = []
    problems: list[Problem] = []
    days = [day for _, day in history]
    for at, (changes, day) in enumerate(history):
        stored = timeline.in_force(day)
        if checked and (stored is None or checked[-1][0] >= stored.effective):
            before = checked[-1][2]  # the version before it is the history's own
        else:
            before = Org() if demo else store.read(Focus(Reach.WHOLE, day=day))
        merged, found = check_changes(before, changes)
        stored_after = None if demo else timeline.after(day)  # the demo's later versions are dropped
        following = days[at + 1] if at + 1 < len(days) else (stored_after.effective if stored_after else None)
        problems += name_days(found, day, following)
        checked.append((day, before, merged))
    return checked, problems


def _note_versions(bundle: Bundle, versions: list[tuple[date, Org, Org]]) -> None:
    for day, before, after in versions:
        bundle.notes.append(f"version effective {day}: {diff(before, after).brief()}")


def apply_bundle(
    store: Store, folder: str | Path, *, dry_run: bool = False, actor: str = "", effective: date | None = None
) -> tuple[Bundle, Applied | None]:
    """Read ``folder`` and apply it to ``store`` whole, effective on ``effective``; raise BundleRefused.

    With ``dry_run`` everything is checked and nothing is applied.
    """
    done = load(store, folder, dry_run=dry_run, actor=actor, effective=effective)
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


def _every_kind(changes: ChangeSet) -> ChangeSet:
    """``changes`` replacing every kind: the kinds it lacks become empty."""
    return ChangeSet({kind: changes.records.get(kind, ()) for kind in Kind})


def _summary(bundle: Bundle, changes: Diff, demo: bool, records: ChangeSet | None = None) -> str:
    counts = ", ".join(
        f"{len(items)} {kind.value.replace('_', ' ')}"
        for kind, items in sorted((records or bundle.changes).records.items())
        if items
    )
    replaced = "; replaced the demo org" if demo else ""
    return f"bundle {bundle.folder.name}: {counts}{replaced}; {changes.brief()}"
