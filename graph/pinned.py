"""One version of the org for a request that asks several questions.

Vocabulary:

- A *request* may ask several questions side by side (GraphQL's ``route`` and
  ``top`` in one document); each question reads the store. A load landing
  between two reads would make one answer of two versions of the org.
- A *pinned* store is the store as one request sees it. Its first read fixes
  the *version*. A whole org (the memory backend's) then answers every later
  read, so the request cannot see another version. A partial org (the Neo4j
  backend's) cannot: a later read of another version raises
  :class:`OrgChanged`, and the caller asks the whole request again on a fresh
  pin (:data:`ATTEMPTS`). Loads are minutes apart, so a second attempt is rare
  and a third rarer still.
- A request may ask about several days (``asOf``): the pin holds one version per
  day asked, so two questions about one day never see two versions.
- A write through the pin (``loadPeople``) unpins it: what follows in the
  request sees the new version, and a request that wrote is never asked again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .cases import CaseBook
from .errors import BuckstopError
from .org import ChangeSet, Org
from .store import WHOLE, Applied, Focus, Store, Summary, Wrapping
from .webhooks import WebhookBook

__all__ = ["ATTEMPTS", "OrgChanged", "Pinned"]

#: How many times a request is asked, at most, before :class:`OrgChanged` reaches the client.
ATTEMPTS = 3


class OrgChanged(BuckstopError):
    """The org changed between two questions of one request: ask the request again."""

    code = "ORG_CHANGED"

    def __init__(self, pinned: int, seen: int) -> None:
        self.pinned = pinned
        self.seen = seen
        super().__init__(f"the org changed from version {pinned} to {seen} while answering; ask again")


class Pinned(Wrapping):
    """``store`` as one request sees it: one version of the org throughout."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.wrote = False
        self._versions: dict[date | None, int] = {}
        self._wholes: dict[date | None, Org] = {}

    def read(self, focus: Focus = WHOLE) -> Org:
        whole = self._wholes.get(focus.day)
        if whole is not None:
            return whole
        org = self.store.read(focus)
        pinned = self._versions.setdefault(focus.day, org.version)
        if org.version != pinned:
            raise OrgChanged(pinned, org.version)
        if not org.partial:
            self._wholes[focus.day] = org
        return org

    def apply(
        self,
        changes: ChangeSet,
        *,
        actor: str = "",
        summary: Summary = "",
        effective: date | None = None,
        drop_later: bool = False,
    ) -> Applied:
        applied = super().apply(changes, actor=actor, summary=summary, effective=effective, drop_later=drop_later)
        self.wrote = True
        self._versions, self._wholes = {}, {}
        return applied

    def apply_versions(
        self,
        versions: Sequence[tuple[ChangeSet, date]],
        *,
        actor: str = "",
        summary: Summary = "",
        drop_later: bool = False,
    ) -> list[Applied]:
        applied = super().apply_versions(versions, actor=actor, summary=summary, drop_later=drop_later)
        self.wrote = True
        self._versions, self._wholes = {}, {}
        return applied

    @property
    def cases(self) -> CaseBook | None:
        """The store's case book (:mod:`graph.cases`). A request that reaches it may write a case, so it is
        never asked again (:data:`ATTEMPTS`): a case opened twice would be two cases."""
        self.wrote = True
        book: CaseBook | None = getattr(self.store, "cases", None)
        return book

    @property
    def webhooks(self) -> WebhookBook | None:
        """The store's hooks and outbox (:mod:`graph.webhooks`): a request that adds a hook is never asked again."""
        self.wrote = True
        book: WebhookBook | None = getattr(self.store, "webhooks", None)
        return book
