"""Parity on random orgs: the memory backend and Neo4j give identical answers, explanation included.

Orgs come from ``harness.synth`` (seeded: department depth and span, vacant roles,
absences with and without delegates, leavers, agency-run accounts, rules at every
scope), and the questions are drawn with a seeded generator, so a failure
names its seed and reproduces.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from buckstop.graph import MemoryStore
from buckstop.loaders import apply_bundle
from buckstop.queries import Routing, chain_of_command, route, search, top, who_is_in_charge

from harness.synth import DAY, synth, write_bundle

pytestmark = pytest.mark.neo4j

SEEDS = [1, 2, 3, 4]
QUESTIONS = 150


def answer(result: Routing) -> tuple[object, ...]:
    """The comparable part of a routing answer: everything but the org it was read from."""
    return (result.rule, result.fallback, result.handlers, result.escalation, result.top, result.explanation)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_orgs_get_identical_answers_on_both_backends(seed: int, tmp_path: Path, neo4j_server) -> None:
    org = synth(400, seed=seed)
    folder = write_bundle(org.records, tmp_path / "bundle")
    memory = MemoryStore(tmp_path / "org.db")
    apply_bundle(memory, folder)
    neo4j = neo4j_server.load(folder)
    rng = random.Random(seed)
    whole = memory.read()

    assert top(memory)[0] == top(neo4j)[0]
    for _ in range(QUESTIONS):
        account = rng.choice(org.accounts)
        issue = rng.choice(org.issue_types)
        asked = rng.choice([account, whole.accounts[account].handle])
        mine, theirs = route(memory, asked, issue, on=DAY), route(neo4j, asked, issue, on=DAY)
        assert answer(mine) == answer(theirs), f"seed {seed}: route({asked!r}, {issue!r})"
    people = sorted(whole.people)
    for person in rng.sample(people, 40):
        assert chain_of_command(memory, person).above == chain_of_command(neo4j, person).above, person
    names = [*rng.sample(sorted(whole.departments), 10), *org.accounts]
    for name in names:
        mine_in_charge, theirs_in_charge = who_is_in_charge(memory, name), who_is_in_charge(neo4j, name)
        assert (mine_in_charge.people, mine_in_charge.explanation) == (
            theirs_in_charge.people,
            theirs_in_charge.explanation,
        ), name
    for text in ("ada", "issue 2", "@acct1", "department 1", "role"):
        assert [h.id for h in search(memory, text, limit=50)[0]] == [h.id for h in search(neo4j, text, limit=50)[0]]
    memory.close()
