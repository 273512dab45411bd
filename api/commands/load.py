"""``buckstop load PATH``: apply a bundle folder or one HR export whole, and say what changed.

PATH is a bundle folder, or one people file: our ``people.csv`` or an HR system's
export (BambooHR, Workday, Google Workspace, Rippling, Personio, Entra ID),
recognised by its header. The load prints its notes and its diff (joiners,
leavers, movers, title changes, routing consequences); ``--dry-run`` prints the
diff and every problem and applies nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from buckstop.graph.errors import BundleRefused
from buckstop.loaders import Input, Load, load

from ..output import emit_json
from ..progress import Bar
from ..settings import Settings
from ..stores import open_store
from ._common import add_store_arguments, cli_actor

NAME = "load"
HELP = "apply a bundle folder, or one HR people export, as one change (or nothing)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="a bundle folder, or one people file (an HR export)")
    parser.add_argument("--dry-run", action="store_true", help="show the changes and problems, apply nothing")
    parser.add_argument("--managers", help="a two-column file (person, manager) for an export with no managers")
    parser.add_argument("--columns", help="a column map (field,column) for an export of any other header")
    parser.add_argument("--limit", type=int, default=20, help="people shown per section of the diff (default 20)")
    add_store_arguments(parser)


def _source(args: argparse.Namespace) -> str | dict[str, Input]:
    path = Path(args.path)
    if not (args.managers or args.columns):
        return str(args.path)
    if not path.is_file():
        raise SystemExit("buckstop: --managers and --columns go with one people file; in a folder, add the file")
    inputs = {"people.csv": Input(path.name, path)}
    for name, given in (("managers.csv", args.managers), ("columns.csv", args.columns)):
        if given:
            inputs[name] = Input(Path(given).name, Path(given))
    return inputs


def run(args: argparse.Namespace) -> int:
    settings = Settings().with_overrides(db=args.db)
    store = open_store(settings)
    bar = Bar()
    try:
        done = load(store, _source(args), dry_run=args.dry_run, actor=cli_actor(), progress=bar)
    finally:
        bar.close()
        store.close()
    if args.json:
        emit_json(load_dict(done, args.limit))
        return 2 if done.problems else 0
    for note in done.notes:
        print(note)
    counts = ", ".join(f"{len(items):,} {kind.value}" for kind, items in sorted(done.bundle.changes.records.items()))
    if done.applied is None:
        verdict = "has problems" if done.problems else "is valid"
        print(f"dry run: the load {verdict} ({counts}); nothing was applied")
    else:
        print(f"loaded {args.path}: {counts}; the org is now version {done.applied.version} in {settings.db}")
    print("\n".join(done.diff.lines(args.limit)))
    if done.problems:
        print(f"buckstop: {BundleRefused(done.problems)}", file=sys.stderr)
        return 2
    return 0


def load_dict(done: Load, limit: int) -> dict[str, object]:
    """A load as JSON: notes, problems, and the diff (each list at most ``limit`` long)."""
    d = done.diff
    return {
        "applied": done.applied is not None,
        "version": done.applied.version if done.applied else None,
        "notes": done.notes,
        "problemCount": len(done.problems),
        "problems": [str(p) for p in BundleRefused(done.problems).problems[:limit]],
        "summary": d.summary(),
        "joiners": [p.id for p in d.joiners[:limit]],
        "leavers": [p.id for p in d.leavers[:limit]],
        "moves": [{"id": c.person.id, "field": c.field, "old": c.old, "new": c.new} for c in d.moves[:limit]],
        "titleChanges": [{"id": c.person.id, "old": c.old, "new": c.new} for c in d.title_changes[:limit]],
        "statusChanges": [{"id": c.person.id, "old": c.old, "new": c.new} for c in d.status_changes[:limit]],
        "consequences": [c.message for c in d.consequences[:limit]],
    }
