"""The triage evaluation: how often the engine picks the issue type a good human triager would.

``python -m bench.triage`` reads two labelled sets of customer messages and prints, for each,
the accuracy overall and per language, the boss question's, the unclassified rate and the
confusion pairs (expected → read as, with a count):

- ``demo.csv`` over the demo org (``seed/issue_types.csv``): the set the engine is tuned on.
- ``utility.csv`` over a utility's org (``utility/issue_types.csv``, names and synonyms only):
  held out, written before the engine was tuned; its words were never added to the lexicon
  (docs/triage.md says what its first run taught the method).
- ``hotel.csv`` over a hotel group's org (``hotel/issue_types.csv``, with an executive complaint
  type): written after the tuning as a held-out set; its first figure (47.2 %) showed the lexicon
  knew no hotel trade, and the lexicon then learnt the common trades (travel, hospitality,
  telecoms, insurance, banking), so it is no longer held out.
- ``telecom.csv`` over a telecom operator's org (``telecom/issue_types.csv``, names and synonyms
  only): held out, written after the lexicon learnt the common trades, its misses not read
  before its figure was recorded. Its figure is the honest one for an org nobody has tuned on.

Each row is ``message,language,expected,boss``: ``expected`` is the issue type id a human would
pick, empty for "no type covers it" (unclassified is then right); ``boss`` is 1 when the message
asks for the person in charge. A row is right when the verdict's issue type is the expected one
and its boss flag is the expected one.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from buckstop import seed
from buckstop.graph.model import IssueType, Kind
from buckstop.loaders.bundle import read_bundle
from buckstop.queries.understand import Verdict, Vocabulary

__all__ = ["HERE", "SETS", "Report", "Row", "evaluate", "issue_types", "rows"]

HERE = Path(__file__).parent

#: The sets: name -> (messages file, the bundle folder of the org they are about).
SETS: dict[str, tuple[Path, Path]] = {
    "demo": (HERE / "demo.csv", Path(seed.FOLDER)),
    "utility (held out)": (HERE / "utility.csv", HERE / "utility"),
    "hotel (seen)": (HERE / "hotel.csv", HERE / "hotel"),
    "telecom (held out)": (HERE / "telecom.csv", HERE / "telecom"),
}


@dataclass(frozen=True)
class Row:
    message: str
    language: str
    expected: str | None
    boss: bool


@dataclass
class Report:
    """The figures of one set."""

    name: str
    total: int = 0
    right: int = 0
    by_language: dict[str, list[int]] = field(default_factory=dict)  # language -> [right, total]
    boss: list[int] = field(default_factory=lambda: [0, 0])  # boss rows: [right, total]
    unclassified: int = 0
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[tuple[Row, Verdict]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total

    def language_accuracy(self, language: str) -> float:
        right, total = self.by_language[language]
        return right / total

    @property
    def boss_accuracy(self) -> float:
        return self.boss[0] / self.boss[1]


def issue_types(folder: Path) -> list[IssueType]:
    """The issue types of a bundle folder, read by buckstop's own loader."""
    bundle = read_bundle(folder)
    if bundle.problems:
        raise SystemExit(f"{folder}: {bundle.problems[0]}")
    return [r for r in bundle.changes.records[Kind.ISSUE_TYPE] if isinstance(r, IssueType)]


def rows(path: Path) -> list[Row]:
    """The labelled messages of ``path``."""
    with path.open(encoding="utf-8", newline="") as f:
        return [Row(r["message"], r["language"], r["expected"] or None, r["boss"] == "1") for r in csv.DictReader(f)]


def evaluate(name: str, vocabulary: Vocabulary | None = None) -> Report:
    """Classify every message of the set ``name`` and count."""
    messages, folder = SETS[name]
    vocabulary = vocabulary or Vocabulary.of(issue_types(folder))
    report = Report(name)
    for row in rows(messages):
        verdict = vocabulary.classify(row.message)
        ok = verdict.issue_type_id == row.expected and verdict.boss_question == row.boss
        report.total += 1
        report.right += ok
        tally = report.by_language.setdefault(row.language, [0, 0])
        tally[0] += ok
        tally[1] += 1
        if row.boss:
            report.boss[0] += ok
            report.boss[1] += 1
        report.unclassified += verdict.issue_type_id is None
        if not ok:
            got = (verdict.issue_type_id or "unclassified") + (" +boss" if verdict.boss_question else "")
            want = (row.expected or "unclassified") + (" +boss" if row.boss else "")
            report.confusions[(want, got)] += 1
            report.misses.append((row, verdict))
    return report


def render(report: Report, *, misses: bool = False) -> str:
    """The report as Markdown."""
    lines = [f"### {report.name}: {report.accuracy:.1%} right of {report.total} messages", ""]
    lines += ["| language | messages | right |", "|---|---:|---:|"]
    for language in sorted(report.by_language):
        lines.append(f"| {language} | {report.by_language[language][1]} | {report.language_accuracy(language):.1%} |")
    lines.append(f"| the boss question | {report.boss[1]} | {report.boss_accuracy:.1%} |")
    lines += ["", f"Unclassified: {report.unclassified / report.total:.1%} of the messages.", ""]
    if report.confusions:
        lines.append(
            "Confusions (expected → read as): "
            + "; ".join(f"{want} → {got} ×{n}" for (want, got), n in report.confusions.most_common())
        )
    if misses:
        lines += ["", *(f"- {row.message!r}: {verdict.why}" for row, verdict in report.misses)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.triage", description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong verdict with its reason")
    args = parser.parse_args(argv)
    for name in SETS:
        print(render(evaluate(name), misses=args.misses))
        print()
