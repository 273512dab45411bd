"""The webhook benchmark: delivering 1,000 case events to a receiver on loopback.

The demo org in a new SQLite store, one hook wanting ``case.*`` on a :class:`harness.receiver.Receiver`
(a real HTTP server, in its own process so that it does not share this one's interpreter), and
``--cases`` cases of ``--events`` events each (opened, then noted) written first: the outbox
holds cases × events deliveries. Then one
:func:`api.webhooks.deliver` posts them all (what ``buckstop webhook deliver`` and the worker in
``buckstop serve`` do), and the time is what it took, from the first claim to the last outcome
written. A case's events go in order, one round each, so the rounds are the events per case.

    python -m bench.webhooks                       # 200 cases × 5 events: 1,000 deliveries
    python -m bench.webhooks --cases 1000 --events 1

Prints a Markdown table (docs/performance.md records one), with the CPU seconds the sender and the
receiver spent (on a loaded machine the wall time says more about the neighbours than about us). The
goal is 1,000 events in ≤ 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from buckstop.api.stores import seed_if_empty
from buckstop.api.webhooks import Lanes, deliver
from buckstop.graph.memory import MemoryStore
from buckstop.graph.webhooks import DeliveryState
from buckstop.queries.cases import add_note, open_case, utc_now
from buckstop.queries.webhooks import add_hook, deliveries

from harness.server import free_port

HEADER = (
    "| deliveries | cases × events | deliver (s) | deliveries/s | sender CPU (s) | receiver CPU (s) |\n"
    "|---|---|---|---|---|---|"
)


def _cpu(pid: int) -> float:
    """The CPU seconds (user and system) process ``pid`` has spent so far (Linux's /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(cases: int, events: int) -> tuple[int, float, float, float]:
    receiver = subprocess.Popen(
        [sys.executable, "-m", "harness.receiver", str(free_port())], stdout=subprocess.PIPE, text=True
    )
    assert receiver.stdout is not None
    url = receiver.stdout.readline().strip()
    with tempfile.TemporaryDirectory() as folder:
        store = MemoryStore(Path(folder) / "bench.db")
        try:
            seed_if_empty(store)
            now = utc_now()
            add_hook(store, url, ["case.*"], actor="bench", now=now)
            for i in range(cases):
                case = open_case(store, "@CorvidHelp", f"I want my money back for order {i}", actor="bench", now=now)
                for n in range(events - 1):
                    add_note(store, case.id, f"note {n}", actor="bench", now=now)

            async def send() -> int:
                async with Lanes(5) as lanes:
                    return (await deliver(store, lanes=lanes, now=now)).delivered

            received = _cpu(receiver.pid)
            start, sent = time.perf_counter(), time.process_time()
            delivered = asyncio.run(send())
            took, sent = time.perf_counter() - start, time.process_time() - sent
            received = _cpu(receiver.pid) - received
            states = {d.state for d in deliveries(store, first=cases * events)}
        finally:
            store.close()
            receiver.terminate()
            receiver.wait()
    assert delivered == cases * events and states == {DeliveryState.DELIVERED}, (delivered, states)
    return delivered, took, sent, received


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--events", type=int, default=5, help="events per case: opened, then notes")
    args = parser.parse_args()
    delivered, took, sent, received = run(args.cases, args.events)
    print(HEADER)
    row = f"| {delivered:,} | {args.cases} × {args.events} | {took:.2f} | {delivered / took:,.0f} |"
    print(f"{row} {sent:.2f} | {received:.2f} |")


if __name__ == "__main__":
    main()
