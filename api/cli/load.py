"""``buckstop load PATH``: apply a bundle folder or one HR export whole, and say what changed.

PATH is a bundle folder, or one people file: our ``people.csv`` or an HR system's
export (BambooHR, Workday, Google Workspace, Rippling, Personio, Entra ID),
recognised by its header. The load prints its notes and its diff (joiners,
leavers, movers, title changes, routing consequences); ``--dry-run`` prints the
diff and every problem and applies nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from buckstop.graph.errors import BuckstopError, BundleRefused
from buckstop.graph.memory import MemoryStore
from buckstop.graph.timeline import today
from buckstop.loaders import Input, Load, load

from ..answers import dump, load_answer
from ..retention import retain
from ..settings import Settings
from ..stores import open_store
from ._args import effective_day
from ._common import add_store_arguments, cli_actor
from .output import emit_json, refused, say
from .progress import Bar

NAME = "load"
HELP = "apply a bundle folder, or one HR people export, as one change (or nothing)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="a bundle folder, or one people file (an HR export)")
    parser.add_argument("--dry-run", action="store_true", help="show the changes and problems, apply nothing")
    parser.add_argument("--managers", help="a two-column file (person, manager) for an export with no managers")
    parser.add_argument("--columns", help="a column map (field,column) for an export of any other header")
    parser.add_argument(
        "--effective",
        type=effective_day,
        metavar="DATE",
        help="the day the load comes into force, YYYY-MM-DD (default today): a past day adds history, a future "
        "one is scheduled",
    )
    parser.add_argument("--limit", type=int, default=20, help="people shown per section of the diff (default 20)")
    add_store_arguments(parser)


#: How a one-file load is given its auxiliary files: the flags, for the loader's hints.
FLAGS = {"managers.csv": "--managers FILE", "columns.csv": "--columns FILE"}


def _source(args: argparse.Namespace) -> str | dict[str, Input]:
    """What to load, checked before any store is opened or made: every path named must exist."""
    if not args.path.strip():
        raise BuckstopError("PATH is empty; name a bundle folder or a people file")
    path = Path(args.path)
    if not path.exists():
        raise BuckstopError(f"no such file or folder {args.path!r}")
    for flag, given in (("--managers", args.managers), ("--columns", args.columns)):
        if given is not None and not Path(given).is_file():
            what = "is a folder, not a file" if Path(given).is_dir() else "no such file"
            raise BuckstopError(f"{flag} {given!r}: {what}")
    if not (args.managers or args.columns):
        return str(args.path)
    if not path.is_file():
        raise BuckstopError(
            f"--managers and --columns go with one people file, and {args.path!r} is a folder; "
            "put managers.csv or columns.csv in the folder instead"
        )
    inputs = {"people.csv": Input(path.name, path)}
    for name, given in (("managers.csv", args.managers), ("columns.csv", args.columns)):
        if given:
            inputs[name] = Input(Path(given).name, Path(given))
    return inputs


def run(args: argparse.Namespace) -> int:
    settings = Settings().with_overrides(db=args.db)
    source = _source(args)  # a missing file is refused before a store is made for it
    store = open_store(settings, create=True)  # a load may make its store (see api.stores)
    made = isinstance(store, MemoryStore) and store.made  # this load made its file
    bar = Bar()
    done: Load | None = None
    try:
        supply = FLAGS if isinstance(source, dict) or Path(source).is_file() else None
        done = load(
            store,
            source,
            dry_run=args.dry_run,
            actor=cli_actor(),
            progress=bar,
            supply=supply,
            effective=args.effective,
        )
        dropped = retain(store, settings) if done.applied is not None else []
    finally:
        bar.close()
        store.close()
        if made and (done is None or done.applied is None):
            _remove(settings.db)  # a load that applied nothing leaves no store behind
    assert done is not None  # load returned (it raises otherwise)
    if args.json:
        answer = load_answer(done, args.limit)
        emit_json(dump(answer.model_copy(update={"notes": [*answer.notes, *dropped]})))
        return 2 if done.problems else 0
    # Notes, counts, the diff and the problems all quote the bundle: every line is said (api.cli.output).
    for note in done.notes:
        say(note)
    counts = ", ".join(
        f"{len(items):,} {kind.value}" for kind, items in sorted(done.bundle.changes.records.items()) if items
    )
    if done.applied is None:
        problems = len(done.problems)
        verdict = f"has {problems:,} problem{'' if problems == 1 else 's'}" if problems else "is valid"
        say(f"dry run: the load {verdict} ({counts or 'no records read'}); nothing was applied")
    else:
        say(
            f"loaded {args.path}: {counts}; the org is now version {done.applied.version}, effective "
            f"{done.applied.effective}, in {settings.db}"
        )
        if done.applied.effective and done.applied.effective > today():
            say(f"scheduled: today's answers do not change until {done.applied.effective}")
    for line in done.diff.lines(args.limit):
        say(line)
    for line in dropped:
        say(line)
    if done.problems:
        refused(BundleRefused(done.problems))
        return 2
    return 0


def _remove(db: Path) -> None:
    """Remove a store file this command made, with SQLite's log and index beside it."""
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        path.unlink(missing_ok=True)
