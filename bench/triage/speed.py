"""The triage speed benchmark: preparing an org's vocabulary, and reading one message, in process.

``python -m bench.triage.speed`` prints one row per org: the demo org (``seed/``) and seeded
synthetic taxonomies of 100 and 500 issue types, whose names and synonyms are drawn from the
lexicon's phrases in every language and from made-up product words (so that both the concept
index and the org's own terms grow). Each org reads every message of the demo evaluation set
``--rounds`` times; the table gives the median and the 99th percentile per message, and the time
to prepare the vocabulary (the lexicon itself is read once per process, before, and timed apart).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from buckstop import seed
from buckstop.graph.model import IssueType
from buckstop.queries.understand import Vocabulary
from buckstop.queries.understand.lexicon import lexicon

from bench.triage import HERE, issue_types, rows

__all__ = ["main", "synthetic"]

_MADE_UP = ["zento", "kivra", "plumo", "draxel", "vimba", "orlin", "quessa", "tarvo", "bexil", "nomra"]


def synthetic(count: int, seed_: int = 1) -> list[IssueType]:
    """``count`` issue types, about a third of them under a broader one, drawn with ``seed_``."""
    rng = random.Random(seed_)
    phrases = sorted({p.text for p in lexicon().index.phrases})
    types: list[IssueType] = []
    for i in range(count):
        name = f"{rng.choice(_MADE_UP).title()} {rng.choice(phrases)}"
        synonyms = tuple({*rng.sample(phrases, 3), f"{rng.choice(_MADE_UP)}{i}"})
        parent = rng.choice(types).id if types and rng.random() < 0.35 else None
        types.append(IssueType(f"it{i}", name, parent, tuple(sorted(synonyms))))
    return types


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.triage.speed", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="times each message is read (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="the seed of the synthetic taxonomies (default 1)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    lexicon()
    print(f"Lexicon read and indexed in {(time.perf_counter() - start) * 1000:.0f} ms (once per process).\n")
    messages = [r.message for r in rows(HERE / "demo.csv")]
    orgs = {
        "demo (seed/)": issue_types(seed.FOLDER),
        f"synthetic 100, seed {args.seed}": synthetic(100, args.seed),
        f"synthetic 500, seed {args.seed}": synthetic(500, args.seed),
    }
    print("| org | issue types | prepare ms | messages read | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, types in orgs.items():
        start = time.perf_counter()
        vocabulary = Vocabulary.of(types)
        prepare = time.perf_counter() - start
        samples = []
        for _ in range(args.rounds):
            for message in messages:
                start = time.perf_counter()
                vocabulary.classify(message)
                samples.append(time.perf_counter() - start)
        p50 = statistics.median(samples) * 1000
        p99 = statistics.quantiles(samples, n=100)[98] * 1000
        print(f"| {name} | {len(types)} | {prepare * 1000:.0f} | {len(samples)} | {p50:.3f} | {p99:.3f} |")


if __name__ == "__main__":
    main()
