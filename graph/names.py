"""The names of records, and indexes of an org's names built once per version: finding by name and near names
without a scan.

Vocabulary:

- A name is *normalised* (:func:`normalize`) to compare as people read it; :func:`names_of` gives
  every name a record is searched by, :func:`match_keys` the keys it is asked by (one home for both
  backends), :func:`handle_names` an account handle's forms.

- A *name index* (:class:`NameIndex`) holds known names, normalised once
  (:func:`normalize`). Its :meth:`~NameIndex.near` names the known
  names nearest to an unknown one: first those difflib would call close
  (ratio 0.6 or more, best first), then names the asked text is a fragment of
  (``deals`` → ``@AcmeDeals``), in name order.
- *Close* is found in two steps so a miss costs about what a hit does:
  rapidfuzz (C++) shortlists the few names of highest similarity among them
  all, and difflib ranks that shortlist as it always ranked the whole list.
  rapidfuzz's ratio is never below difflib's for the same two names (it counts
  the longest common subsequence; difflib counts matching blocks, a common
  subsequence), so no name difflib would keep is lost to the cut-off, only
  to the shortlist's length, far more than the three offered.
- A *people index* (:class:`PeopleIndex`) finds people by their normalised
  name or id, and separately by e-mail address (which the public view may not
  match, see :mod:`queries.lookup`), with the name index of their names and ids.
- A *search entry* (:class:`SearchEntry`) is a record with every name it can
  be searched by, normalised once, and those names joined, so a search asks
  one ``in`` of each record.

The org keeps its indexes (:class:`~graph.org.Org`), so they are built by the
first question that needs them on each version and shared by the rest.
"""

from __future__ import annotations

import bisect
import difflib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .model import Account, Department, IssueType, Person, Record

__all__ = [
    "NameIndex",
    "PeopleIndex",
    "SearchEntry",
    "handle_names",
    "match_keys",
    "names_of",
    "normalize",
    "search_names",
]


def normalize(text: str) -> str:
    """Fold case, accents and spacing so that names compare as people read them.

    >>> normalize("  José  ÁLVAREZ ")
    'jose alvarez'
    """
    if text.isascii():  # nothing to decompose: the same answer, several times faster (indexes fold every name)
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def names_of(record: Record) -> Iterator[str]:
    """Every name a record can be searched by, its display name first."""
    yield from (getattr(record, "name", None) or getattr(record, "title", None) or record.id,)
    for attribute in ("handle", "title", "email", "id"):
        value = getattr(record, attribute, None)
        if value:
            yield value
    yield from getattr(record, "synonyms", ())


def handle_names(account: Account) -> tuple[str, ...]:
    """The normalised names an account's handle is asked by: with or without ``@`` and platform."""
    bare = normalize(account.handle).removeprefix("@")
    platform = normalize(account.platform)
    return (bare, f"@{bare}", f"{platform}:{bare}", f"{platform}:@{bare}")


def match_keys(record: Record) -> frozenset[str]:
    """The normalised keys a record is asked by; the one home of them, for both backends.

    Accounts by id and handle forms (:func:`handle_names`), issue types by id, name and synonyms,
    people by id, e-mail address and name, departments by id and name; other kinds by id.
    Neo4j stores them (``keys``); the focused reads of :mod:`graph.reach` match on them.

    >>> sorted(match_keys(Department("d-sup", "Customer  Support")))
    ['customer support', 'd-sup']
    """
    names: tuple[str | None, ...]
    if isinstance(record, Account):
        return frozenset((normalize(record.id), *handle_names(record)))
    if isinstance(record, IssueType):
        names = (record.id, record.name, *record.synonyms)
    elif isinstance(record, Person):
        names = (record.id, record.email, record.name)
    elif isinstance(record, Department):
        names = (record.id, record.name)
    else:
        names = (record.id,)
    return frozenset(normalize(n) for n in names if n)


def search_names(record: Record) -> frozenset[str]:
    """The normalised names a search looks in (:func:`names_of`, folded)."""
    return frozenset(normalize(n) for n in names_of(record))


#: How many names rapidfuzz hands to difflib: far more than the three suggestions offered.
SHORTLIST = 50

#: difflib's own cut-off for a close name (its ``get_close_matches`` default), as a rapidfuzz score.
CUTOFF = 0.6


class NameIndex:
    """Known names, normalised once, and the names nearest to an unknown one.

    >>> NameIndex(["Billing", "Refund", "Refunds"]).near("Refnud")
    ['Refund', 'Refunds']
    >>> NameIndex(["@AcmeDeals", "@AcmeHelp"]).near("deals")
    ['@AcmeDeals']
    """

    def __init__(self, names: Iterable[str]) -> None:
        by_norm: dict[str, str] = {}
        for name in names:
            by_norm.setdefault(normalize(name), name)
        self._by_norm = by_norm
        self._norms = list(by_norm)
        ordered = sorted(by_norm)
        # Every normalised name, in order, on one line each: one str.find over them all finds fragments.
        # A normalised name holds no line break (normalize folds all whitespace to single spaces).
        self._ordered = ordered
        self._joined = "\n".join(ordered)
        self._starts: list[int] = []
        at = 0
        for norm in ordered:
            self._starts.append(at)
            at += len(norm) + 1

    def __len__(self) -> int:
        return len(self._norms)

    def near(self, asked: str, n: int = 3) -> list[str]:
        """The known names nearest to ``asked``, best first, as written (at most ``n``)."""
        wanted = normalize(asked)
        shortlist = [
            norm
            for norm, _, _ in process.extract(
                wanted, self._norms, scorer=fuzz.ratio, limit=SHORTLIST, score_cutoff=CUTOFF * 100
            )
        ]
        close = difflib.get_close_matches(wanted, shortlist, n=n, cutoff=CUTOFF)
        if len(close) < n and wanted:
            close += self._fragments(wanted, n - len(close), set(close))
        return [self._by_norm[norm] for norm in close]

    def _fragments(self, wanted: str, most: int, taken: set[str]) -> list[str]:
        """Up to ``most`` normalised names holding ``wanted``, in name order, ``taken`` left out."""
        found: list[str] = []
        at = self._joined.find(wanted)
        while at != -1 and len(found) < most:
            i = bisect.bisect_right(self._starts, at) - 1
            norm = self._ordered[i]
            if norm not in taken:
                found.append(norm)
            after = self._starts[i + 1] if i + 1 < len(self._starts) else len(self._joined)
            at = self._joined.find(wanted, after)
        return found


class PeopleIndex:
    """People by normalised name or id, by normalised e-mail address, and the near names of them all."""

    def __init__(self, people: Iterable[Person]) -> None:
        by_name: dict[str, list[Person]] = defaultdict(list)
        by_email: dict[str, list[Person]] = defaultdict(list)
        names: list[str] = []
        ids: list[str] = []
        for person in people:
            for norm in {normalize(person.name), normalize(person.id)}:
                by_name[norm].append(person)
            if person.email:
                by_email[normalize(person.email)].append(person)
            names.append(person.name)
            ids.append(person.id)
        self._by_name: Mapping[str, list[Person]] = dict(by_name)
        self._by_email: Mapping[str, list[Person]] = dict(by_email)
        #: The names suggested for an unknown person: names, then ids (never an e-mail address).
        self.names = NameIndex([*names, *ids])

    def named(self, norm: str) -> list[Person]:
        """The people whose normalised name or id is ``norm``."""
        return list(self._by_name.get(norm, ()))

    def with_email(self, norm: str) -> list[Person]:
        """The people whose normalised e-mail address is ``norm`` (the caller decides who may match so)."""
        return list(self._by_email.get(norm, ()))


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """A record and its names as a search sees them: ``(normalised, as written)``, display name first."""

    record: Record
    names: tuple[tuple[str, str], ...]
    #: Every normalised name, joined: a search tests this once before it looks at the names one by one.
    text: str

    @classmethod
    def of(cls, record: Record) -> SearchEntry:
        names = tuple((normalize(name), name) for name in names_of(record))
        return cls(record, names, "\n".join(norm for norm, _ in names))
