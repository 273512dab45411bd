"""Webhooks delivered over real HTTP to a receiver on loopback that verifies each signature itself.

The delivery runs in process (:func:`api.webhooks.deliver`, with the clock moved to a retry's
time) on both backends; then as ``buckstop webhook`` subprocesses, and inside a real
``buckstop serve`` whose GraphQL adds the hook and opens the case.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from buckstop.api.webhooks import LANES, Lanes, deliver
from buckstop.graph.webhooks import DeliveryState
from buckstop.queries.cases import escalate, open_case, resolve
from buckstop.queries.webhooks import add_hook, deliveries

from harness.receiver import Receiver, verify
from harness.server import Server, demo_store, free_port, make_token, start_server, stop_server
from tests.conftest import BACKENDS, case_store
from tests.orgs import acme

T0 = datetime.now(UTC).replace(microsecond=0)  # the signatures carry the wall clock; the schedule is ours
LATER = timedelta(minutes=5)  # past any first retry's wait


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    folder = acme().write(tmp_path / "bundle")
    yield from case_store(request, request.param, folder, holds="webhooks", db=tmp_path / "org.db")


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def send(store, now):
    async def run():
        async with Lanes(5) as lanes:
            return await deliver(store, lanes=lanes, now=now)

    return asyncio.run(run())


def opened(store, at=T0):
    return open_case(store, "@AcmeHelp", "I want my money back", actor="cli:ann", now=at, customer="@jo")


def test_each_event_arrives_as_a_signed_cloudevent(store, receiver):
    hook = add_hook(store, receiver.url, ["case.*"], actor="cli:ann", now=T0)
    case = opened(store)
    escalate(store, case.id, actor="cli:ann", now=T0, note="needs a manager")
    assert send(store, T0).delivered == 2
    first, second = receiver.delivered()
    assert all(verify(hook.secret, r) for r in (first, second))
    assert not verify("whsec_" + "A" * 32, first)  # the check can fail
    assert first.headers["content-type"] == "application/cloudevents+json"
    assert first.headers["webhook-id"] == f"msg_{hook.id}_{case.id}_0"
    assert abs(int(first.headers["webhook-timestamp"]) - time.time()) < 60
    event = second.event
    assert {k: event[k] for k in ("specversion", "id", "source", "type", "subject", "datacontenttype")} == {
        "specversion": "1.0",
        "id": f"{case.id}-1",
        "source": "urn:buckstop:cases",
        "type": "org.buckstop.case.escalated",
        "subject": str(case.id),
        "datacontenttype": "application/json",
    }
    assert datetime.fromisoformat(event["time"]) == T0
    data = event["data"]
    assert data["event"]["kind"] == "ESCALATED" and data["event"]["note"] == "needs a manager"
    assert data["case"]["id"] == str(case.id) and data["case"]["level"] == 1 and data["case"]["customer"] == "@jo"
    assert [e["kind"] for e in data["case"]["events"]] == ["OPENED", "ESCALATED"]  # the case as it stood then


def test_many_cases_go_along_the_lanes_each_in_order_over_connections_kept_alive(store, receiver):
    hook = add_hook(store, receiver.url, ["case.*"], actor="cli:ann", now=T0)
    cases = [opened(store) for _ in range(3 * LANES)]
    for case in cases:
        escalate(store, case.id, actor="cli:ann", now=T0)
        resolve(store, case.id, actor="cli:ann", now=T0)
    assert send(store, T0).delivered == 3 * len(cases)
    got = receiver.delivered()
    assert len({r.headers["webhook-id"] for r in got}) == len(got) and all(verify(hook.secret, r) for r in got)
    for case in cases:
        types = [r.event["type"].rsplit(".", 1)[1] for r in got if r.event["subject"] == str(case.id)]
        assert types == ["opened", "escalated", "resolved"]
    assert len({r.peer for r in got}) == LANES  # one connection a lane, kept alive from round to round


def test_a_receiver_down_for_a_while_gets_the_events_later_in_order(store):
    port = free_port()  # nobody listens there yet
    hook = add_hook(store, f"http://127.0.0.1:{port}/in", ["case.*"], actor="cli:ann", now=T0)
    case = opened(store)
    resolve(store, case.id, actor="cli:ann", now=T0)
    tried = send(store, T0)
    assert (tried.delivered, tried.retrying) == (0, 1)  # the first event failed; the second waits behind it
    (waiting, failed) = deliveries(store)
    assert (failed.seq, failed.attempt, failed.status) == (0, 1, None) and "ConnectError" in failed.error
    assert failed.next_try is not None and T0 < failed.next_try <= T0 + timedelta(seconds=2)
    assert (waiting.seq, waiting.attempt) == (1, 0)
    receiver = Receiver(port)
    try:
        assert send(store, T0 + LATER).delivered == 2
        got = receiver.delivered()
        assert [r.event["type"] for r in got] == ["org.buckstop.case.opened", "org.buckstop.case.resolved"]
        assert all(verify(hook.secret, r) for r in got)
    finally:
        receiver.close()
    assert {d.state for d in deliveries(store)} == {DeliveryState.DELIVERED}


def test_a_500_is_tried_again_with_the_same_webhook_id_and_later_events_wait(store):
    receiver = Receiver(answers=(500,))
    try:
        add_hook(store, receiver.url, ["case.*"], actor="cli:ann", now=T0)
        case = opened(store)
        for step in range(3):
            escalate(store, case.id, actor="cli:ann", now=T0) if step < 2 else resolve(
                store, case.id, actor="cli:ann", now=T0
            )
        assert send(store, T0).delivered == 0  # its first event gets the 500; the later ones wait behind it
        other = opened(store)  # another case is not held up by the first (whose retry is not due yet)
        assert send(store, T0).delivered == 1
        assert [r.event["subject"] for r in receiver.delivered()] == [str(other.id)]
        assert send(store, T0 + LATER).delivered == 4
        failed, *rest = [r for r in receiver.received if r.event["subject"] == str(case.id)]
        assert failed.answered == 500 and rest[0].answered == 204
        assert failed.headers["webhook-id"] == rest[0].headers["webhook-id"]  # a duplicate a receiver can drop
        assert failed.event["id"] == rest[0].event["id"]
        assert [r.event["id"] for r in rest] == [f"{case.id}-{i}" for i in range(4)]  # in order
        log = {d.seq: d for d in deliveries(store) if d.case_id == case.id}
        assert (log[0].attempt, log[0].status, log[1].attempt) == (2, 204, 1)
    finally:
        receiver.close()


def test_a_day_of_failures_marks_a_delivery_failed(store, receiver):
    receiver.answers.extend([503] * 100)
    add_hook(store, receiver.url, ["case.opened"], actor="cli:ann", now=T0)
    opened(store)
    now, attempts = T0, 0
    while (found := deliveries(store)[0]).state is DeliveryState.PENDING:
        assert found.next_try is not None and found.next_try <= T0 + timedelta(days=1)
        now = max(now, found.next_try)
        send(store, now)
        attempts += 1
        assert attempts < 100, "a day of retries, an hour apart at most, is fewer than 100 attempts"
    assert found.state is DeliveryState.FAILED and found.status == 503 and found.next_try is None
    assert found.last_try == T0 + timedelta(days=1)


# -- the command line and the server ----------------------------------------------------------


def buckstop(*args, db, env=None):
    return subprocess.run(
        [sys.executable, "-m", "buckstop.api.cli", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow
def test_the_commands_add_deliver_and_log(tmp_path, receiver):
    db = tmp_path / "buckstop.db"
    demo_store(db)
    bad = buckstop("webhook", "add", "http://localhost:8000/hooks", db=db)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("buckstop: error: cannot post webhooks to 'http://localhost:8000/hooks': it is this")
    assert len(bad.stderr.splitlines()) == 1
    added = buckstop("webhook", "add", receiver.url, "--events", "case.opened,case.escalated", db=db)
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip()
    assert secret.startswith("whsec_") and "shown once" in added.stderr
    assert secret not in buckstop("webhook", "list", "--json", db=db).stdout
    assert buckstop("case", "open", "@CorvidHelp", "I want my money back", db=db).returncode == 0
    sent = buckstop("webhook", "deliver", "--json", db=db)
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout) == {"delivered": 1, "retrying": 0, "failed": 0}, sent.stderr
    (got,) = receiver.delivered()
    assert verify(secret, got) and got.event["data"]["case"]["account"]["name"] == "Corvid Help"
    (logged,) = json.loads(buckstop("webhook", "deliveries", "1", "--json", db=db).stdout)
    assert (logged["id"], logged["state"], logged["status"], logged["attempts"]) == ("msg_1_1_0", "DELIVERED", 204, 1)
    assert buckstop("webhook", "remove", "1", db=db).returncode == 0
    assert json.loads(buckstop("webhook", "list", "--json", db=db).stdout) == []


@pytest.mark.slow
def test_the_server_delivers_what_its_graphql_does(tmp_path, receiver):
    db = tmp_path / "buckstop.db"
    demo_store(db)
    admin, cases = make_token(db, "ops", "admin"), make_token(db, "agent", "cases")
    process, url = start_server(
        db, default_store=True, env={"BUCKSTOP_WEBHOOK_SECONDS": "0.2", "BUCKSTOP_SWEEP_SECONDS": "0"}
    )
    as_admin, as_agent = Server(url, db, admin), Server(url, db, cases)
    try:
        refused = as_agent.query('mutation { addWebhook(url: "http://127.0.0.1:9/x", events: ["case.*"]) { secret } }')
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        own = as_admin.query(f'mutation {{ addWebhook(url: "{url}/hooks", events: ["case.*"]) {{ secret }} }}')
        assert (
            own["errors"][0]["extensions"]["code"] == "BAD_WEBHOOK_URL"
            and "this server itself" in own["errors"][0]["message"]
        )
        added = as_admin.query(
            'mutation($url: String!) { addWebhook(url: $url, events: ["case.*"]) { secret webhook { id url } } }',
            url=receiver.url,
        )["data"]["addWebhook"]
        assert as_admin.query("{ webhooks { id events } }")["data"]["webhooks"] == [
            {"id": added["webhook"]["id"], "events": ["case.*"]}
        ]
        opened = as_agent.query('mutation { openCase(account: "@CorvidHelp", message: "money back") { id } }')
        case_id = opened["data"]["openCase"]["id"]
        as_agent.query(f'mutation {{ escalateCase(id: "{case_id}", note: "up") {{ level }} }}')
        deadline = time.monotonic() + 30
        while len(receiver.delivered()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        got = receiver.delivered()
        assert [r.event["type"] for r in got] == ["org.buckstop.case.opened", "org.buckstop.case.escalated"]
        assert all(verify(added["secret"], r) for r in got)
        assert got[1].event["data"]["event"]["actor"] == "agent"
    finally:
        as_admin.client.close()
        as_agent.client.close()
        stop_server(process)
