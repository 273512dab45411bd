"""Triage: which issue type a customer's message is about, and who handles it on the account.

Vocabulary:

- A *message* is the customer's own words, as free text.
- A *term* is a name or a synonym of an issue type (``Refund``, ``money back``).
- Words compare by their *stem*: case, accents and punctuation folded, and the
  common English inflections taken off by a few fixed rules (``refunds``,
  ``refunded``, ``refunding`` → ``refund``; ``deliveries`` → ``delivery``;
  ``shipped`` → ``ship``), so the same message always gives the same answer.
- A term *matches* when its stems occur in the message one after another. An
  issue type's *score* is the number of words of its matching terms plus those
  of its broader issue types (``refund`` and ``payment`` together favour Refund,
  a kind of Billing, over Billing).
- The *candidates* are the issue types with a matching term of their own, best
  first: higher score, then the one the message mentions first, then by id.
  A message is *ambiguous* when the best two candidates share the best score;
  the first is routed, and the others are offered.
- A message no term matches is *unclassified*: it goes to the account's
  fallback (its escalation contact, else its owning department's head), and
  the answer says so.

>>> stem("Refunded"), stem("deliveries"), stem("shipping")
('refund', 'delivery', 'ship')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from buckstop.graph.errors import BuckstopError
from buckstop.graph.model import Account, IssueType, Kind
from buckstop.graph.org import Org, normalize
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus, Store

from .lookup import find_account, label
from .routing import Routing, fallback_in, route

__all__ = ["BlankMessage", "Candidate", "Match", "Triage", "stem", "triage", "words"]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


class BlankMessage(BuckstopError):
    """Asked to triage a message with no words in it."""

    code = "BLANK_MESSAGE"

    def __init__(self) -> None:
        super().__init__("the message has no words to triage; pass the customer's message as they wrote it")


@dataclass(frozen=True, slots=True)
class Match:
    """One term found in the message."""

    issue_type_id: str
    term: str  # the name or synonym, as the taxonomy writes it
    words: str  # the words of the message that matched it, as the customer wrote them
    position: int  # the index of the first of those words in the message


@dataclass(frozen=True, slots=True)
class Candidate:
    """An issue type the message may be about, with the matches that speak for it."""

    issue_type: IssueType
    score: int
    matches: tuple[Match, ...]  # its own and its broader issue types', first mentioned first


@dataclass(frozen=True)
class Triage:
    """The issue type a message is about (if any), and its route: who handles it, and why.

    The route is the one answer to "who handles it": of the chosen issue type, or, for an
    unclassified message, the account's fallback (a route with no issue type).
    """

    message: str
    candidates: tuple[Candidate, ...]
    ambiguous: bool
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
    def explanation(self) -> tuple[str, ...]:
        """Why, in order: how the message was read, then why the route goes where it goes."""
        return (*self.notes, *self.routing.explanation)

    @property
    def org(self) -> Org:
        return self.routing.org

    @property
    def matched(self) -> tuple[Match, ...]:
        """The matches behind the chosen issue type (none when unclassified)."""
        return self.candidates[0].matches if self.candidates else ()


def stem(word: str) -> str:
    """A word folded and stripped of its common English inflection (see the module vocabulary)."""
    w = normalize(word).replace("'", "").replace("’", "")
    if len(w) <= 3:
        return w
    if w.endswith(("ies", "ied")) and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    elif w.endswith("ing") and len(w) > 5:
        w = _undouble(w[:-3])
    elif w.endswith("ed") and len(w) > 4:
        w = _undouble(w[:-2])
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def _undouble(w: str) -> str:
    """``shipp`` → ``ship``; ``recall`` and ``press`` keep theirs."""
    if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "aeiouylsz":
        return w[:-1]
    return w


def words(text: str) -> list[tuple[str, str]]:
    """The words of ``text``, each as written and as its stem."""
    return [(m.group(), stem(m.group())) for m in _WORD.finditer(text)]


def triage(store: Store, account: str, message: str, *, on: date | None = None, limit: int = 3) -> Triage:
    """Pick the issue type ``message`` is about and route it on ``account`` (id or handle).

    Raises UnknownAccount (with suggestions) and BlankMessage before any work.
    """
    found = words(message)
    if not found:
        raise BlankMessage()
    day = on or date.today()
    taxonomy = store.read(Focus.kinds("account", "issue_type"))
    the_account = find_account(taxonomy, account, store)
    candidates = _candidates(taxonomy, found)
    notes = _explain(taxonomy, candidates, found)
    if not candidates:
        # An unclassified message needs the account's fallback people, not a route's part of the org:
        # a question name no backend focuses on reads the whole org.
        org = store.read(Focus(Reach.TRIAGE, (the_account.id,)))
        return Triage(message, (), False, tuple(notes), fallback_in(org, org.accounts[the_account.id], on=day))
    chosen = candidates[0]
    routing = route(store, the_account.id, chosen.issue_type.id, on=day)
    ambiguous = len(candidates) > 1 and candidates[1].score == chosen.score
    return Triage(message, tuple(candidates[: max(limit, 1)]), ambiguous, tuple(notes), routing)


def _matches(org: Org, found: list[tuple[str, str]]) -> Iterator[Match]:
    stems = [s for _, s in found]
    for issue in sorted(org.issue_types.values(), key=lambda i: i.id):
        seen: set[tuple[str, ...]] = set()
        for term in (issue.name, *issue.synonyms):
            wanted = tuple(s for _, s in words(term))
            if not wanted or wanted in seen:
                continue
            seen.add(wanted)
            for start in range(len(stems) - len(wanted) + 1):
                if tuple(stems[start : start + len(wanted)]) == wanted:
                    said = " ".join(w for w, _ in found[start : start + len(wanted)])
                    yield Match(issue.id, term, said, start)
                    break


def _candidates(org: Org, found: list[tuple[str, str]]) -> list[Candidate]:
    own: dict[str, list[Match]] = {}
    for match in _matches(org, found):
        own.setdefault(match.issue_type_id, []).append(match)
    candidates: list[Candidate] = []
    for issue_id in own:
        lineage = [issue_id, *org.ancestors(Kind.ISSUE_TYPE, issue_id)]
        backing = sorted((m for i in lineage for m in own.get(i, ())), key=lambda m: (m.position, m.issue_type_id))
        score = sum(len(words(m.term)) for m in backing)
        candidates.append(Candidate(org.issue_types[issue_id], score, tuple(backing)))
    return sorted(candidates, key=lambda c: (-c.score, c.matches[0].position, c.issue_type.id))


def _explain(org: Org, candidates: list[Candidate], found: list[tuple[str, str]]) -> list[str]:
    if not candidates:
        return [f"No issue type's name or synonym occurs in the message ({len(found)} words read)."]
    own = sorted({m for c in candidates for m in c.matches}, key=lambda m: (m.position, m.issue_type_id))
    said = ", ".join(f"{m.words!r} for {label(org, Kind.ISSUE_TYPE, m.issue_type_id)} ({m.term!r})" for m in own)
    notes = [f"The message says {said}."]
    ranking = ", ".join(f"{label(org, Kind.ISSUE_TYPE, c.issue_type.id)} {c.score}" for c in candidates)
    notes.append(f"Scores (words matched, broader issue types included): {ranking}.")
    best = candidates[0]
    tied = [c for c in candidates if c.score == best.score]
    name = label(org, Kind.ISSUE_TYPE, best.issue_type.id)
    if len(tied) > 1:
        others = " and ".join(label(org, Kind.ISSUE_TYPE, c.issue_type.id) for c in tied[1:])
        notes.append(
            f"Ambiguous: {others} {'scores' if len(tied) == 2 else 'score'} the same as {name}; "
            f"taking {name}, which the message mentions first. "
            "Ask the customer, or route the other issue type by name."
        )
    else:
        notes.append(f"Triaged as {name}.")
    return notes
