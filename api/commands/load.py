"""``buckstop load FOLDER``: apply a bundle whole, or list every problem and change nothing."""

from __future__ import annotations

import argparse

from loaders import apply_bundle

from ..settings import Settings
from ..stores import open_store
from ._common import add_store_arguments

NAME = "load"
HELP = "apply a bundle folder of CSV files as one change (or nothing)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", help="a folder of bundle CSV files (people.csv, routing.csv, …)")
    parser.add_argument("--dry-run", action="store_true", help="check everything, apply nothing")
    add_store_arguments(parser, json=False)


def run(args: argparse.Namespace) -> int:
    settings = Settings().with_overrides(db=args.db)
    store = open_store(settings)
    try:
        bundle, applied = apply_bundle(store, args.folder, dry_run=args.dry_run, actor="cli")
    finally:
        store.close()
    for note in bundle.notes:
        print(note)
    counts = ", ".join(f"{len(items)} {kind.value}" for kind, items in sorted(bundle.changes.records.items()))
    if applied is None:
        print(f"dry run: the bundle is valid ({counts}); nothing was applied")
    else:
        print(f"loaded {args.folder}: {counts}; the org is now version {applied.version} in {settings.db}")
    return 0
