"""The store interface: one consistent read, one atomic write.

Vocabulary:

- A *store* holds the current org of one deployment.
- :meth:`Store.read` returns an :class:`~graph.org.Org` that is one whole
  version: a question asked of it never sees half a load. The memory backend
  returns its whole org; a remote backend may return just the part of the org
  that a question needs (its *focus*), fetched with one query. Such a
  *partial* org has ``partial`` set; whatever a question finds missing in it
  (near names for a suggestion, a record a client asks for next) it reads
  again with a narrower focus. A focus declares its reach (:class:`~graph.reach.Reach`),
  and a partial org raises :class:`~graph.errors.IncompleteRead` on a record its
  records name but the read did not fetch (:mod:`graph.fetched`).
- :meth:`Store.apply` checks a change set against the current org and applies
  it whole, or raises :class:`~graph.errors.BundleRefused` and changes nothing,
  and logs the change (:meth:`Store.changes`): who (the *actor*) and what (the
  *summary*, which may be made from the orgs before and after, so that the log
  says what the change did).
- Every apply makes a *version* with an effective date, and every read answers
  with the version in force on its focus's ``day`` (:mod:`graph.timeline`).
  :meth:`Store.apply_versions` applies several, each on its day, all or none: a
  people export whose rows are dated is the history of the people it lists.
- The *demo org* is the org a store holds when its newest change is the demo's
  load, by the actor :data:`DEMO_ACTOR`; the change log is the mark, so both
  backends keep it alike and a load that follows can replace the demo whole
  (:func:`holds_demo`).
- Beside the org a store keeps the API tokens (:mod:`graph.tokens`), so that
  every replica sharing a store accepts the same tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple, Protocol

from .org import ChangeSet, Org
from .reach import Reach
from .timeline import Timeline, Version
from .tokens import Token

__all__ = [
    "DEMO_ACTOR",
    "WHOLE",
    "Applied",
    "Change",
    "Focus",
    "OneVersion",
    "Store",
    "Summary",
    "Wrapping",
    "holds_demo",
]

#: The actor of the change that loads the demo org (``buckstop serve`` on an empty default store).
DEMO_ACTOR = "seed"

#: What a change log entry says: a text, or made from the org before and after the change.
Summary = str | Callable[[Org, Org], str]


class Focus(NamedTuple):
    """What a question is about, so a remote store can fetch only that part of the org.

    ``reach`` declares what the question reads (:mod:`graph.reach`), ``names``
    the values it was asked with and ``day`` the day it is asked about. ``WHOLE`` asks for everything.
    A tuple, not a dataclass: every question makes one, and a tuple is made in a fifth of the time.
    """

    reach: Reach
    names: tuple[str, ...] = ()
    #: The day asked about: the version in force then answers (graph.timeline); None is today.
    day: date | None = None

    @classmethod
    def kinds(cls, *kinds: str) -> Focus:
        """Every record of these kinds (``"account"``, ``"department"``…)."""
        return cls(Reach.KINDS, kinds)

    @classmethod
    def nodes(cls, *keys: str) -> Focus:
        """These records, by key (``"person:p-ann"``)."""
        return cls(Reach.NODES, keys)


#: The focus of a question about the whole org (an export, the audit).
WHOLE = Focus(Reach.WHOLE)


@dataclass(frozen=True, slots=True)
class Change:
    """One applied change set: the org version it made, when, who, what (one line), how many records it carried.

    Who is the token's name, or ``cli:<user>`` for a command run on the server. A change of *kind*
    ``cases`` is a line of the case book's log (personal data purged, exported, forgotten): its
    version is the org version then, and ``records`` the number of cases.
    """

    version: int
    at: datetime
    actor: str
    summary: str
    records: int
    #: The day the version this change made comes into force; None for a load from before versions had one.
    effective: date | None = None
    #: ``load`` (a version of the org) or ``cases`` (a line of the case book's log).
    kind: str = "load"


@dataclass(frozen=True, slots=True)
class Applied:
    """What a successful apply did."""

    version: int
    records: int
    before: Org
    after: Org
    #: The day the new version comes into force.
    effective: date | None = None
    #: The effective date of the version the new one was loaded before (it stays as it was), or None.
    precedes: date | None = None


class Store(Protocol):
    """Where the org lives. Both backends honour exactly this contract."""

    name: str

    def read(self, focus: Focus = ...) -> Org:
        """A consistent org (or the focused part of one) for one question."""
        ...

    def apply(
        self,
        changes: ChangeSet,
        *,
        actor: str = "",
        summary: Summary = "",
        effective: date | None = None,
        drop_later: bool = False,
    ) -> Applied:
        """Check and apply ``changes`` whole as a version effective on ``effective`` (default today).

        The change set is applied to the version in force on that day; versions after it stay as
        they were (graph.timeline), unless ``drop_later``: then they are dropped first, in the same
        transaction, with their lines of the log (a load replacing the demo org drops the demo's
        scheduled versions); their numbers are never given again. Raise BundleRefused and change
        nothing. A callable ``summary`` is called with the org before and after, once the change is checked.
        """
        ...

    def apply_versions(
        self,
        versions: Sequence[tuple[ChangeSet, date]],
        *,
        actor: str = "",
        summary: Summary = "",
        drop_later: bool = False,
    ) -> list[Applied]:
        """Apply each change set as a version effective on its day, in order, in one transaction: all or none.

        Each is checked against the version in force on its day once those before it are applied,
        as :meth:`apply` checks one; a refusal of any raises BundleRefused and changes nothing.
        ``drop_later`` drops the versions effective after the first one's day first, as :meth:`apply`'s.
        """
        ...

    def changes(self, limit: int = 100) -> list[Change]:
        """The newest ``limit`` applied changes, newest first."""
        ...

    def timeline(self) -> Timeline:
        """The versions this store holds, in force order (graph.timeline)."""
        ...

    def drop_versions(self, cutoff: date, why: str) -> list[Version]:
        """Drop the versions whose successor came into force before ``cutoff`` (:meth:`Timeline.expired`), in one
        transaction: the oldest version kept holds their records, folded in; their lines in the log stay, with
        no effective date and :func:`~graph.timeline.dropped_note` (``why``) added. The versions dropped, oldest
        first."""
        ...

    def tokens(self) -> list[Token]:
        """Every token, revoked ones included, by name then creation."""
        ...

    def token(self, digest: str) -> Token | None:
        """The token with this digest, revoked or not; ``None`` if there is none."""
        ...

    def add_token(self, token: Token) -> None:
        """Keep ``token``; raise TokenExists if an active token has its name."""
        ...

    def revoke_token(self, name: str) -> Token:
        """Revoke the active token named ``name`` and return it; raise UnknownToken if there is none."""
        ...

    def ready(self) -> bool:
        """Whether the store can answer right now."""
        ...

    def close(self) -> None: ...


class OneVersion(Store):
    """A backend's :meth:`Store.apply`: one version of its ``apply_versions``, on ``effective`` or its clock's today."""

    clock: Callable[[], date]

    def apply(
        self,
        changes: ChangeSet,
        *,
        actor: str = "",
        summary: Summary = "",
        effective: date | None = None,
        drop_later: bool = False,
    ) -> Applied:
        """Check ``changes`` against the version in force on ``effective`` (default today) and commit them whole."""
        day = effective or self.clock()
        return self.apply_versions([(changes, day)], actor=actor, summary=summary, drop_later=drop_later)[0]


class Wrapping:
    """A store seen through another: reads are the wrapper's own; writes, the log and tokens go to ``store``.

    The wrappers (:class:`~graph.pinned.Pinned`, :class:`~graph.dated.Dated`, the tests'
    :class:`~graph.focused.FocusedStore`) override :meth:`read`, and what else they see differently.
    Closing one closes nothing: the wrapped store is closed by whoever opened it.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.name = store.name

    def read(self, focus: Focus = WHOLE) -> Org:
        return self.store.read(focus)

    def apply(
        self,
        changes: ChangeSet,
        *,
        actor: str = "",
        summary: Summary = "",
        effective: date | None = None,
        drop_later: bool = False,
    ) -> Applied:
        return self.store.apply(changes, actor=actor, summary=summary, effective=effective, drop_later=drop_later)

    def apply_versions(
        self,
        versions: Sequence[tuple[ChangeSet, date]],
        *,
        actor: str = "",
        summary: Summary = "",
        drop_later: bool = False,
    ) -> list[Applied]:
        return self.store.apply_versions(versions, actor=actor, summary=summary, drop_later=drop_later)

    def changes(self, limit: int = 100) -> list[Change]:
        return self.store.changes(limit)

    def timeline(self) -> Timeline:
        return self.store.timeline()

    def drop_versions(self, cutoff: date, why: str) -> list[Version]:
        return self.store.drop_versions(cutoff, why)

    def tokens(self) -> list[Token]:
        return self.store.tokens()

    def token(self, digest: str) -> Token | None:
        return self.store.token(digest)

    def add_token(self, token: Token) -> None:
        self.store.add_token(token)

    def revoke_token(self, name: str) -> Token:
        return self.store.revoke_token(name)

    def ready(self) -> bool:
        return self.store.ready()

    def close(self) -> None:
        """Nothing: the wrapped store is closed by whoever opened it."""


def holds_demo(store: Store) -> bool:
    """Whether ``store`` holds the demo org and nothing since: its newest change is the demo's load."""
    newest = store.changes(limit=1)
    return bool(newest) and newest[0].actor == DEMO_ACTOR
