"""The hostile benchmark: the costliest documents an anonymous caller can send, and whether the service stays up.

    python -m bench.hostile                       # 200,000 people, seed 1
    python -m bench.hostile --people 2000         # a smoke run of a few seconds

Vocabulary:

- the *org*: a seeded synthetic org (:mod:`harness.synth`, ``--people``, ``--seed``),
  loaded into a SQLite file that one real ``buckstop serve`` (one worker, no
  token: the public view, loopback only) answers from;
- a *question*: one GraphQL document asking one costly thing once (``orgHealth``,
  ``responsibilityMatrix``, a broad ``search``, a miss on a person's name); its
  *alone* time is the median of three, after one to warm the org's caches;
- an *attack*: what a caller sends to make that question cost the most:
  ``--aliases`` aliases of it in one document (distinct arguments where the field
  takes any, so that no answer can be shared), or a *flood*: ``--flood``
  distinct documents at once from as many connections;
- the *probe*: ``GET /healthz`` every 100 ms while an attack runs; its worst wait
  is the longest any one probe took.

Each row says what the service did (answered, or refused and with which codes),
the attack's time as a multiple of the question alone, and the probe's worst
wait. The goal (docs/security.md): each attack is refused or answered within
3x the question alone, and no probe waits over 1 s. Prints a Markdown table
(docs/performance.md records one) and exits 1 if a probe waited over 1 s or an
answer was a 500.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx

from harness.server import start_public, stop_server
from harness.synth import load_org

__all__ = ["ATTACKS", "Attack", "Outcome", "main", "outcome_of"]

#: How often the probe asks /healthz, and the longest wait the goal allows.
PROBE_EVERY = 0.1
PROBE_GOAL = 1.0
#: How many times slower than the question alone an answered attack may be.
RATIO_GOAL = 3.0

#: The codes of a refusal: the service declined to answer (any other code is an answer, such as an unknown name).
REFUSALS = frozenset({"TOO_COSTLY", "TIMEOUT", "BUSY", "PAYLOAD_TOO_LARGE", "GRAPHQL_VALIDATION_FAILED"})

#: Text of the broad searches: each matches a large part of any org (a letter of most names).
LETTERS = "aeinorlstudhcmgbykfjpvwxzq"


@dataclass(frozen=True)
class Attack:
    """A costly question, and the documents that ask it the costliest way."""

    name: str
    alone: str
    #: The attack's documents from the number of aliases (or of documents, for a flood).
    documents: Callable[[int], list[str]]
    flood: bool = False


def _aliased(field: Callable[[int], str]) -> Callable[[int], list[str]]:
    return lambda n: ["{ " + " ".join(f"a{i}: {field(i)}" for i in range(n)) + " }"]


def _letters(i: int) -> str:
    """A broad search text of its own for alias ``i``: a letter, padded with spaces the search ignores."""
    return LETTERS[i % len(LETTERS)] + " " * (i // len(LETTERS))


def _day(i: int) -> str:
    return (date(2026, 11, 23) + timedelta(days=i)).isoformat()


ATTACKS = [
    Attack(
        "orgHealth",
        "{ orgHealth { errorCount } }",
        _aliased(lambda i: f'orgHealth(on: "{_day(i)}") {{ errorCount }}'),
    ),
    Attack(
        "orgHealth, same arguments",
        "{ orgHealth { errorCount } }",
        _aliased(lambda i: "orgHealth { errorCount }"),
    ),
    Attack(
        "responsibilityMatrix",
        "{ responsibilityMatrix { fallbacks } }",
        _aliased(lambda i: f'responsibilityMatrix(on: "{_day(i)}") {{ fallbacks }}'),
    ),
    Attack(
        "search, broad",
        '{ search(text: "a", limit: 500) { id } }',
        _aliased(lambda i: f'search(text: "{_letters(i)}", limit: 500) {{ id }}'),
    ),
    Attack(
        "search, long text",
        '{ search(text: "' + "zq" * 500 + '") { id } }',
        _aliased(lambda i: f'search(text: "{"zq" * 500}{i}") {{ id }}'),
    ),
    Attack(
        "person, name miss",
        '{ person(id: "Zebulon Quux") { id } }',
        _aliased(lambda i: f'person(id: "Zebulon Quux {i}") {{ id }}'),
    ),
    Attack(
        "chainOfCommand, name miss",
        '{ chainOfCommand(person: "Zebulon Quux") { id } }',
        _aliased(lambda i: f'chainOfCommand(person: "Zebulon Quux {i}") {{ id }}'),
    ),
    Attack(
        "flood of distinct orgHealth",
        "{ orgHealth { errorCount } }",
        lambda n: [f'{{ orgHealth(on: "{_day(i)}") {{ errorCount }} }}' for i in range(n)],
        flood=True,
    ),
]


@dataclass
class Outcome:
    """What the service did with an attack's documents."""

    answered: int = 0
    #: The codes of the errors answers carried (an unknown name is an answer too).
    answer_codes: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    failures: int = 0  # 5xx other than a 503 with a code: a bug

    def describe(self) -> str:
        codes = f" ({', '.join(sorted(self.answer_codes))})" if self.answer_codes else ""
        parts = [f"answered {self.answered}{codes}"] if self.answered else []
        parts += [f"refused {count}: {code}" for code, count in sorted(self.refused.items())]
        parts += [f"500s {self.failures}"] if self.failures else []
        return ", ".join(parts)


def outcome_of(response: httpx.Response, outcome: Outcome) -> None:
    """Count one response: answered, refused (with the codes of :data:`REFUSALS`), or a failure (a 500)."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    codes = {str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or ()}
    if response.status_code >= 500 and not codes - {"INTERNAL_ERROR"}:
        outcome.failures += 1
    elif codes & REFUSALS:
        outcome.refused.update(codes & REFUSALS)
    else:
        outcome.answered += 1
        outcome.answer_codes.update(codes)


class Probe:
    """``GET /healthz`` every 100 ms in a thread; the worst wait of one probe."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.worst = 0.0
        self.count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with httpx.Client(timeout=120) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                client.get(f"{self.url}/healthz").raise_for_status()
                waited = time.perf_counter() - started
                self.worst, self.count = max(self.worst, waited), self.count + 1
                self._stop.wait(max(0.0, PROBE_EVERY - waited))


def ask(client: httpx.Client, url: str, document: str) -> httpx.Response:
    return client.post(f"{url}/graphql", json={"query": document})


def alone(url: str, document: str) -> tuple[float, Outcome]:
    """The median time of ``document`` asked alone, three times after one to warm the caches."""
    outcome = Outcome()
    times = []
    with httpx.Client(timeout=600) as client:
        ask(client, url, document)
        for _ in range(3):
            started = time.perf_counter()
            outcome_of(ask(client, url, document), outcome)
            times.append(time.perf_counter() - started)
    return statistics.median(times), outcome


def attack(url: str, documents: list[str]) -> tuple[float, Outcome, Probe]:
    """Send ``documents`` at once (one connection each) with the probe running; the time until all are answered."""
    outcome = Outcome()
    with Probe(url) as probe, ThreadPoolExecutor(len(documents)) as pool:
        clients = [httpx.Client(timeout=600) for _ in documents]
        started = time.perf_counter()
        responses = list(pool.map(lambda pair: ask(pair[0], url, pair[1]), zip(clients, documents, strict=True)))
        took = time.perf_counter() - started
        for client in clients:
            client.close()
    for response in responses:
        outcome_of(response, outcome)
    return took, outcome, probe


@dataclass
class Row:
    attack: str
    sent: str
    alone: float
    took: float
    outcome: Outcome
    probe_worst: float

    @property
    def ratio(self) -> float:
        return self.took / self.alone if self.alone else float("inf")

    @property
    def verdict(self) -> str:
        """ok: refused, or answered within the ratio; and the probe within its goal."""
        answered_ok = not self.outcome.answered or self.ratio <= RATIO_GOAL
        fine = answered_ok and self.probe_worst <= PROBE_GOAL and not self.outcome.failures
        return "ok" if fine else "over"


def table(rows: list[Row]) -> str:
    lines = [
        "| attack | sent | alone (s) | attack (s) | ratio | what the service did | worst /healthz (s) | goal |",
        "|---|---|---:|---:|---:|---|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.attack} | {r.sent} | {r.alone:.3f} | {r.took:.3f} | {r.ratio:.1f}x | {r.outcome.describe()}"
            f" | {r.probe_worst:.3f} | {r.verdict} |"
        )
    return "\n".join(lines)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200_000, help="people of the synthetic org (default 200000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic org (default 1)")
    parser.add_argument("--aliases", type=int, default=30, help="aliases per document (default 30, the alias limit)")
    parser.add_argument("--flood", type=int, default=32, help="distinct documents sent at once (default 32)")
    parser.add_argument("--only", nargs="*", help="only the attacks whose name starts with one of these")
    args = parser.parse_args(argv)
    if args.people < 100 or args.aliases < 1 or args.flood < 1:
        parser.error("--people must be at least 100, --aliases and --flood at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    chosen = [a for a in ATTACKS if not args.only or any(a.name.startswith(o) for o in args.only)]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"bench.hostile: building {args.people:,} people …", file=sys.stderr, flush=True)
        db, _, what = load_org("synth", args.people, args.seed, work)
        process, url = start_public(db, work / "serve.log")
        try:
            for each in chosen:
                print(f"bench.hostile: {each.name} …", file=sys.stderr, flush=True)
                took_alone, _ = alone(url, each.alone)
                documents = each.documents(args.flood if each.flood else args.aliases)
                took, outcome, probe = attack(url, documents)
                sent = f"{len(documents)} documents at once" if each.flood else f"{args.aliases} aliases"
                rows.append(Row(each.name, sent, took_alone, took, outcome, probe.worst))
        finally:
            stop_server(process)
        log = (work / "serve.log").read_text(errors="replace")
    print(f"bench.hostile on {date.today().isoformat()}: {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"org: {what}")
    print(
        f"server: buckstop serve, 1 worker, no token (the public view), 127.0.0.1; settings: {_settings()}; "
        f"probe: GET /healthz every {PROBE_EVERY * 1000:.0f} ms"
    )
    print()
    print(table(rows))
    failed = [r for r in rows if r.probe_worst > PROBE_GOAL or r.outcome.failures]
    if "Traceback" in log:
        print("\nthe server logged a traceback:\n" + log[-2000:], file=sys.stderr)
    return 1 if failed or "Traceback" in log else 0


def _settings() -> str:
    """The server's settings that bear on the result, as the environment gives them (else the defaults)."""
    from buckstop.api.settings import Settings

    settings = Settings()
    names = ("request_seconds", "question_threads", "max_pending_questions", "max_aliases")
    names += tuple(n for n in ("max_cost",) if n in Settings.model_fields)
    return ", ".join(f"{n} {getattr(settings, n)}" for n in names)


if __name__ == "__main__":
    sys.exit(main())
