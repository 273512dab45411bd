"""Triage: which issue type a customer's message is about, and who handles it on the account.

Vocabulary:

- A *message* is the customer's own words, as free text, in any of the engine's languages.
- The *verdict* is the engine's reading of it (:mod:`queries.understand`): the issue type, how
  sure (*confidence*, 0..1), the words that decided it (*evidence*), the *candidates* best first,
  the *language*, and whether it asks for the person in charge (the *boss question*).
- The org's *vocabulary* (its issue types read as concepts) is prepared once per store and org
  version (:func:`vocabulary_of`) and reused for every message until a load makes a new version.
- A message read below the engine's threshold is *unclassified*: it goes to the account's
  fallback (its escalation contact, else its owning department's head…), and the answer says
  why. It is *ambiguous* when some issue type was read, but not surely enough: ask the customer,
  or route one of the candidates by name.
- The boss question is answered on every org: the answer names the *top* of the organisation
  (name and title) first, then routes as the org's rules say (an executive complaint type when the
  org has one, else the account's fallback).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import date

from buckstop.graph.cases import CaseBook
from buckstop.graph.model import Account, IssueType, Person
from buckstop.graph.org import Org
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus, Store, Wrapping

from .chain import top as top_of
from .lookup import find_account
from .routing import Routing, fallback_in, route
from .understand import BlankMessage, Evidence, Verdict, Vocabulary
from .understand.text import words

__all__ = ["BlankMessage", "Candidate", "Learned", "Triage", "learned_examples", "triage", "vocabulary_of"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """An issue type the message may be about, and its score (the sum of its concepts' weights)."""

    issue_type: IssueType
    score: float


@dataclass(frozen=True)
class Triage:
    """The issue type a message is about (if any), and its route: who handles it, and why.

    The route is the one answer to "who handles it": of the chosen issue type, or, for an
    unclassified message, the account's fallback (a route with no issue type).
    """

    message: str
    verdict: Verdict
    candidates: tuple[Candidate, ...]  # best first, the chosen one included
    top: Person | None  # the top of the organisation, named when the message asks for the person in charge
    notes: tuple[str, ...]  # how the message was read; the route's own reasons follow in `explanation`
    routing: Routing

    @property
    def account(self) -> Account:
        return self.routing.account

    @property
    def issue_type(self) -> IssueType | None:
        """The issue type chosen; None when unclassified."""
        return self.routing.issue_type

    @property
    def unclassified(self) -> bool:
        return self.routing.issue_type is None

    @property
    def ambiguous(self) -> bool:
        """Unclassified, though some issue type was read: ask the customer, or route a candidate."""
        return self.unclassified and bool(self.candidates)

    @property
    def boss_question(self) -> bool:
        return self.verdict.boss_question

    @property
    def confidence(self) -> float:
        return self.verdict.confidence

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return self.verdict.evidence

    @property
    def language(self) -> str:
        return self.verdict.language

    @property
    def explanation(self) -> tuple[str, ...]:
        """Why, in order: the top (for the boss question), how the message was read, then the route's reasons."""
        return (*self.notes, *self.routing.explanation)

    @property
    def org(self) -> Org:
        return self.routing.org


#: Examples learned from corrections: ``(issue type id, phrases)``, in a stable order.
Learned = tuple[tuple[str, tuple[str, ...]], ...]

# The vocabularies of each store's org versions asked about (about 40 ms to build; a message then takes
# well under a millisecond): the newest few, so questions about today and about a past day (``asOf``)
# do not rebuild each other's. Keyed weakly by the store under its wrappers (a request's pin, a day's
# view), so a store that is closed and dropped takes its vocabularies with it. The issue types a
# vocabulary was built from are part of its key: a store that is cleared starts its versions again
# (Neo4jStore.clear), and version 1 of the next org must not be read with the last one's words; so are
# the examples learned from corrections, when triage learns.
_Key = tuple[int, frozenset[IssueType], Learned]
_VOCABULARIES: weakref.WeakKeyDictionary[object, dict[_Key, Vocabulary]] = weakref.WeakKeyDictionary()
#: How many versions' vocabularies a store keeps (each is small: its issue types' words).
KEPT_VOCABULARIES = 4
_BUILDING = threading.Lock()


def vocabulary_of(store: Store, taxonomy: Org, learned: Learned = ()) -> Vocabulary:
    """The vocabulary of ``taxonomy`` (an org read from ``store``) with the ``learned`` examples, built once
    per store, org version and learned examples."""
    home: object = store
    while isinstance(home, Wrapping):  # a request's pin or a day's view reads the store it wraps
        home = home.store
    key = (taxonomy.version, frozenset(taxonomy.issue_types.values()), learned)
    kept = _VOCABULARIES.get(home)
    if kept is not None and key in kept:
        return kept[key]
    with _BUILDING:  # questions run in a pool of threads: build each version once
        kept = _VOCABULARIES.setdefault(home, {})
        if key not in kept:
            kept[key] = Vocabulary.of(taxonomy.issue_types.values(), dict(learned))
            while len(kept) > KEPT_VOCABULARIES:
                del kept[next(iter(kept))]  # the oldest built
        return kept[key]


def learned_examples(store: Store, taxonomy: Org) -> Learned:
    """The messages of the cases handed off to an issue type, as examples of that type (of those ``taxonomy``
    still has); none for a store that keeps no cases."""
    book = _case_book(store)
    if book is None:
        return ()
    by_type: dict[str, dict[str, None]] = {}
    for issue_type_id, message in book.corrections():
        if issue_type_id in taxonomy.issue_types and message.strip():
            by_type.setdefault(issue_type_id, {})[message.strip()] = None  # each phrase once, first seen first
    return tuple(sorted((i, tuple(phrases)) for i, phrases in by_type.items()))


def _case_book(store: Store) -> CaseBook | None:
    seen: object = store
    while True:  # a day's view wraps the request's pin, which wraps the store: the first that has a book
        book: CaseBook | None = getattr(seen, "cases", None)
        if book is not None or not isinstance(seen, Wrapping):
            return book
        seen = seen.store


def triage(
    store: Store, account: str, message: str, *, on: date | None = None, limit: int = 3, learn: bool = False
) -> Triage:
    """Read ``message`` for its issue type and route it on ``account`` (id or handle).

    With ``learn``, the messages of cases handed off to another issue type are examples of that type too
    (the setting ``learn_from_hand_offs``). Raises BlankMessage, then UnknownAccount (with suggestions),
    before any routing.
    """
    if not words(message):
        raise BlankMessage()
    day = on or date.today()
    taxonomy = store.read(Focus.kinds("account", "issue_type"))
    the_account = find_account(taxonomy, account, store)
    learned = learned_examples(store, taxonomy) if learn else ()
    verdict = vocabulary_of(store, taxonomy, learned).classify(message)
    candidates = tuple(
        Candidate(taxonomy.issue_types[s.issue_type_id], s.score) for s in verdict.candidates[: max(limit, 1)]
    )
    notes: list[str] = []
    top: Person | None = None
    if verdict.boss_question:
        top, _ = top_of(store)
        notes.append(_top_line(top))
    notes.append(verdict.why)
    if verdict.issue_type_id is None:
        if candidates:
            notes.append("Ask the customer what it is about, or route one of the candidates by name.")
        # An unclassified message needs the account's fallback people, not a route's part of the org.
        org = store.read(Focus(Reach.TRIAGE, (the_account.id,)))
        routing = fallback_in(org, org.accounts[the_account.id], on=day)
    else:
        routing = route(store, the_account.id, verdict.issue_type_id, on=day)
    return Triage(message, verdict, candidates, top, tuple(notes), routing)


def _top_line(top: Person | None) -> str:
    if top is None:
        return "The message asks for the person in charge; the organisation has nobody at its top to name."
    title = f", {top.title}," if top.title else ""
    return f"The message asks for the person in charge: {top.name}{title} is the top of the organisation."
