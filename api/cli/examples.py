"""``buckstop examples``: the issue types as ``issue_types.csv``, with the examples learned from hand-offs.

A case handed off to another issue type is a correction: its message is an example of that type
(docs/triage.md). With the setting ``learn_from_hand_offs`` triage reads them at once; with or
without it, this command shows them for review: it writes the ``issue_types.csv`` of the version in
force, each type's ``examples`` column holding its own examples and then the learned ones. Keep the
good ones, drop the rest, and load the bundle with the file: reviewed examples then belong to the
org, whatever happens to the cases.
"""

from __future__ import annotations

import argparse
import sys

from buckstop.graph.durations import format_duration
from buckstop.graph.store import Focus
from buckstop.queries.triage import learned_examples

from ._common import add_store_arguments, store_for_questions
from .output import say, write_csv

NAME = "examples"
HELP = "the issue types as issue_types.csv, with the examples triage learned from hand-offs, to review"
EXAMPLE = """\
examples:
  buckstop examples > issue_types.csv     # review, then load the bundle with it
  buckstop examples --learned             # only the types with learned examples
"""

COLUMNS = ("id", "name", "parent_id", "synonyms", "examples", "respond_within", "escalate_every")
#: What separates the phrases of a cell in a bundle (docs/bundle.md); a message's own becomes a comma.
JOINER = ";"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--learned", action="store_true", help="only the issue types with learned examples")
    add_store_arguments(parser, json=False, as_of=True)


def run(args: argparse.Namespace) -> int:
    store = store_for_questions(args)
    org = store.read(Focus.kinds("issue_type"))
    learned = dict(learned_examples(store, org))
    rows = []
    for t in sorted(org.issue_types.values(), key=lambda t: t.id):
        new = [p for p in (_phrase(m) for m in learned.get(t.id, ())) if p and p not in t.examples]
        if args.learned and not new:
            continue
        rows.append(
            (
                t.id,
                t.name,
                t.parent_id or "",
                JOINER.join(t.synonyms),
                JOINER.join((*t.examples, *new)),
                format_duration(t.respond_within) if t.respond_within else "",
                format_duration(t.escalate_every) if t.escalate_every else "",
            )
        )
    write_csv(sys.stdout, COLUMNS, rows)
    count = sum(len(v) for v in learned.values())
    say(f"{count} example(s) learned from hand-offs, on {len(learned)} issue type(s)", stream=sys.stderr)
    return 0


def _phrase(message: str) -> str:
    """A message as one phrase of a cell: one line, and no separator of its own."""
    return " ".join(message.replace(JOINER, ",").split())
