"""Issue 14's story on the demo org, end to end: a customer's message on @CorvidHelp opens a case, nobody
acknowledges it, the sweep (the clock moved) climbs the real chain of command to Helena Marsh, each step an
event and a signed CloudEvent that a receiver on loopback verifies, and a hand-off to Sales keeps it all.

On both backends (``backend``: memory and neo4j), with the demo org loaded as a user loads it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from buckstop import seed
from buckstop.api.webhooks import Lanes, deliver
from buckstop.graph.cases import EventKind
from buckstop.queries.cases import hand_off, open_case, read_case, sweep
from buckstop.queries.webhooks import add_hook

from harness.receiver import Receiver, verify
from tests.conftest import BACKENDS, case_store

T0 = datetime.now(UTC).replace(microsecond=0)  # the signatures carry the wall clock; the deadlines are ours
CHAIN = ["Tomás Herrera", "Julia Novak", "Marcus Lindqvist", "Helena Marsh"]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    # Held as its own on Neo4j: the demo org, not the Acme the webhook tests hold.
    yield from case_store(request, request.param, seed.FOLDER, holds="case story", db=tmp_path / "org.db")


def delivered(store, now):
    async def run():
        async with Lanes(5) as lanes:
            return await deliver(store, lanes=lanes, now=now)

    return asyncio.run(run()).delivered


def test_a_message_nobody_answers_climbs_to_the_top_told_to_a_receiver_and_a_hand_off_keeps_the_story(store):
    receiver = Receiver()
    try:
        hook = add_hook(store, receiver.url, ["case.*"], actor="cli:ann", now=T0)
        case = open_case(
            store, "@CorvidHelp", "I want my money back for order 1182", actor="mcp", now=T0, customer="@jo"
        )
        people = store.read()
        name = {p.id: p.name for p in people.people.values()}
        assert [name[i] for i in case.chain_ids] == CHAIN and case.issue_type_id == "it-refund"
        assert case.respond_by is not None  # Refund ⊂ Billing ⊂ Support: 4h
        assert sweep(store, now=T0) == []  # not due yet
        now = T0
        for level in range(1, len(CHAIN)):
            now = read_case(store, case.id).respond_by  # the clock moved to the deadline, nobody having answered
            moved = sweep(store, now=now)
            assert [(c, e.kind, [name[i] for i in e.to_ids]) for c, e in moved] == [
                (case.id, EventKind.ESCALATED, [CHAIN[level]])
            ]
        at_top = read_case(store, case.id)
        assert at_top.level == len(CHAIN) - 1 and sweep(store, now=now + timedelta(days=30)) == []  # the top keeps it

        handed = hand_off(store, case.id, "sales enquiry", actor="cli:ann", now=now, note="they want to buy more")
        assert [e.kind for e in handed.events] == [
            EventKind.OPENED,
            *[EventKind.ESCALATED] * 3,
            EventKind.HANDED_OFF,
        ]
        assert handed.issue_type_id == "it-sales" and handed.level == 0
        assert handed.message == "I want my money back for order 1182" and handed.customer == "@jo"

        assert delivered(store, now) == 5
        got = receiver.delivered()
        assert all(verify(hook.secret, r) for r in got)
        assert [r.event["type"].rsplit(".", 1)[1] for r in got] == [
            "opened",
            "escalated",
            "escalated",
            "escalated",
            "handed_off",
        ]
        assert {r.event["subject"] for r in got} == {str(case.id)}
    finally:
        receiver.close()
