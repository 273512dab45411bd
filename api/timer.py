"""The timer of cases inside ``buckstop serve``: the sweep (:func:`queries.cases.sweep`), every few seconds.

Every worker and every replica runs it: the sweep writes each step by compare-and-set, so they
escalate each case once per deadline between them (docs/decisions.md). With a *retention* (days,
``BUCKSTOP_CASE_RETENTION_DAYS``) each tick also purges the resolved cases older than that
(:func:`queries.case_data.purge`; several workers purging at once erase each case once). A sweep
that fails (the store unavailable a moment) is logged and tried again at the next tick; it never
stops the server.
"""

from __future__ import annotations

import asyncio
import logging

from buckstop.graph.cases import TIMER
from buckstop.graph.store import Store
from buckstop.queries.case_data import purge
from buckstop.queries.cases import sweep, utc_now

__all__ = ["sweeping"]

log = logging.getLogger("buckstop")


async def sweeping(store: Store, every: float, retention_days: int | None = None) -> None:
    """Sweep ``store`` every ``every`` seconds until cancelled.

    Nothing for a store that keeps no cases, nor for a store file opened read-only: it cannot be moved.
    """
    if getattr(store, "cases", None) is None or getattr(store, "read_only", None):
        return
    while True:
        try:
            moved = await asyncio.to_thread(sweep, store, now=utc_now())
            for case_id, event in moved:
                log.info("case %s escalated to level %s (%s)", case_id, event.level, ", ".join(event.to_ids))
            if retention_days is not None:
                purged = await asyncio.to_thread(purge, store, days=retention_days, actor=TIMER, now=utc_now())
                if purged:
                    log.info("purged %s resolved cases older than %s days", purged, retention_days)
        except Exception as err:
            log.warning("the sweep of cases failed, trying again in %ss: %s", every, err)
        await asyncio.sleep(every)
