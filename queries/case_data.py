"""The customer's personal data in cases: retention, export (access) and erasure (forget).

Vocabulary:

- A customer is known by the *handle* a case was opened with (``@jo``), matched exactly as kept.
- *Retention* (``days``): resolved cases whose newest event (their resolution) is older than that
  are *purged*, with their events (:func:`purge`); open and acknowledged cases are kept however old.
- An *export* is every case held on one customer, with every event (:func:`export`); *forgetting*
  erases them (:func:`forget`). Both, and every purge that erased something, are *logged*: a line of
  the case book's log (:meth:`graph.cases.CaseBook.log`), listed with the loads by
  :func:`changes_with_cases`. The line names the customer by a *reference* (:func:`customer_ref`), a
  digest of the handle, never the handle: an operator who is asked "did you erase @jo?" hashes the
  handle again to find the line, and the log itself holds nobody's handle.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from buckstop.graph.cases import Case, CaseStatus, Wipe
from buckstop.graph.errors import BuckstopError
from buckstop.graph.store import Change, Focus, Store

from .cases import book_of, find_cases

__all__ = ["BlankCustomer", "NoRetention", "changes_with_cases", "customer_ref", "export", "forget", "purge"]

#: How many cases an export reads at once.
_PAGE = 500


class BlankCustomer(BuckstopError):
    code = "BLANK_CUSTOMER"

    def __init__(self) -> None:
        super().__init__("name the customer by the handle their cases were opened with, e.g. @jo")


class NoRetention(BuckstopError):
    code = "NO_RETENTION"

    def __init__(self, days: int | None) -> None:
        super().__init__(
            "no retention is set: give the days, or set BUCKSTOP_CASE_RETENTION_DAYS"
            if days is None
            else f"the retention must be 1 day or more, not {days}"
        )


def customer_ref(customer: str) -> str:
    """The reference the log names a customer by: ``customer #`` and 12 hex digits of SHA-256 of the handle."""
    return "customer #" + hashlib.sha256(customer.strip().encode()).hexdigest()[:12]


def _handle(customer: str) -> str:
    if not customer.strip():
        raise BlankCustomer()
    return customer.strip()


def _cases(count: int) -> str:
    return f"{count} case{'' if count == 1 else 's'}"


def _version(store: Store) -> int:
    return store.read(Focus.kinds("account")).version


def export(
    store: Store,
    customer: str,
    *,
    actor: str,
    now: datetime,
    status: CaseStatus | None = None,
    overdue: bool = False,
    account: str | None = None,
    handler: str | None = None,
) -> list[Case]:
    """Every case held on ``customer`` (of the other filters, as :func:`find_cases` takes them), newest first,
    each with its whole history; logged."""
    handle = _handle(customer)
    book = book_of(store)
    found: list[Case] = []
    while page := find_cases(
        store,
        now=now,
        status=status,
        overdue=overdue,
        account=account,
        handler=handler,
        customer=handle,
        first=_PAGE,
        offset=len(found),
    ):
        found.extend(page)
        if len(page) < _PAGE:
            break
    summary = f"exported {_cases(len(found))} of {customer_ref(handle)}"
    book.log(Change(_version(store), now, actor, summary, len(found), kind="cases"))
    return found


def forget(store: Store, customer: str, *, actor: str, now: datetime) -> int:
    """Erase every case of ``customer`` with its events, and log it (even when there was none); the count."""
    handle = _handle(customer)
    version = _version(store)

    def logged(count: int) -> Change:
        return Change(version, now, actor, f"forgot {customer_ref(handle)}: {_cases(count)}", count, kind="cases")

    return book_of(store).wipe(Wipe(customer=handle), summary=logged)


def purge(store: Store, *, days: int, actor: str, now: datetime) -> int:
    """Erase the cases resolved more than ``days`` days before ``now``; logged when there were any. The count."""
    if days < 1:
        raise NoRetention(days)
    version = _version(store)

    def logged(count: int) -> Change | None:
        if not count:
            return None  # the timer purges every tick: a line only when something went
        summary = f"purged {_cases(count)} resolved more than {days} days ago (retention)"
        return Change(version, now, actor, summary, count, kind="cases")

    return book_of(store).wipe(Wipe(resolved_before=now - timedelta(days=days)), summary=logged)


def changes_with_cases(store: Store, limit: int = 100) -> list[Change]:
    """The newest ``limit`` changes: the loads and, for a store that keeps cases, the case log, newest first."""
    loads = store.changes(limit=limit)
    book = getattr(store, "cases", None)
    if book is None:
        return loads
    merged = sorted([*loads, *book.logged(limit)], key=lambda c: c.at, reverse=True)
    return merged[:limit]
