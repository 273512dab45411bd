"""An org: one immutable, complete version of the organisation.

Vocabulary:

- An *org* holds every record of every kind, indexed for the questions, and
  exposes the same data as a networkx graph (:attr:`Org.graph`) whose nodes
  are keyed ``kind:id`` and whose edges carry their :class:`EdgeKind` as key.
- A *change set* replaces whole kinds: the records of each kind it names
  become exactly the records it holds; kinds it does not name are kept.
  ``Org.merged(changes)`` is the org a change set would produce.
- A person's *effective manager* is the nearest person above them along
  ``REPORTS_TO`` who has not left; the *top* is the person (not left) with no
  effective manager who has the most people below them (ties: the smallest id).

An org is never mutated: a load builds a new one and the store swaps it in,
so a reader holding an org always sees one whole version.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import networkx as nx

from .model import (
    Absence,
    Account,
    Agency,
    Department,
    EdgeKind,
    IssueType,
    Kind,
    Person,
    Record,
    Role,
    Rule,
    Status,
    key,
)

if TYPE_CHECKING:
    from .names import NameIndex, PeopleIndex, SearchEntry

__all__ = ["ChangeSet", "Org", "handle_names", "names_of", "normalize"]

R = TypeVar("R", bound=Record)


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


@dataclass(frozen=True)
class ChangeSet:
    """Whole kinds of records to replace, all at once or not at all."""

    records: Mapping[Kind, tuple[Record, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Iterable[Record], kinds: Iterable[Kind] = ()) -> ChangeSet:
        """Group records by kind; ``kinds`` names kinds to replace even if empty."""
        grouped: dict[Kind, list[Record]] = {kind: [] for kind in kinds}
        for record in records:
            grouped.setdefault(record.kind, []).append(record)
        return cls({kind: tuple(items) for kind, items in grouped.items()})

    @property
    def kinds(self) -> frozenset[Kind]:
        return frozenset(self.records)

    def __len__(self) -> int:
        return sum(len(items) for items in self.records.values())


class Org:
    """One complete version of the organisation. Immutable; cheap to share."""

    def __init__(
        self, records: Iterable[Record] = (), *, version: int = 0, partial: bool = False, top_id: str | None = None
    ) -> None:
        """Index ``records``. A ``partial`` org (part of one) is told its ``top_id``: it cannot compute it."""
        by_kind: dict[Kind, dict[str, Any]] = {kind: {} for kind in Kind}
        for record in records:
            by_kind[record.kind][record.id] = record
        self.version = version
        self._by_kind = by_kind
        self.departments: Mapping[str, Department] = MappingProxyType(by_kind[Kind.DEPARTMENT])
        self.roles: Mapping[str, Role] = MappingProxyType(by_kind[Kind.ROLE])
        self.people: Mapping[str, Person] = MappingProxyType(by_kind[Kind.PERSON])
        self.accounts: Mapping[str, Account] = MappingProxyType(by_kind[Kind.ACCOUNT])
        self.agencies: Mapping[str, Agency] = MappingProxyType(by_kind[Kind.AGENCY])
        self.issue_types: Mapping[str, IssueType] = MappingProxyType(by_kind[Kind.ISSUE_TYPE])
        self.rules: Mapping[str, Rule] = MappingProxyType(by_kind[Kind.RULE])
        self.absences: Mapping[str, Absence] = MappingProxyType(by_kind[Kind.ABSENCE])
        #: Whether this is only the part of an org one question needs (see graph.store).
        self.partial = partial
        if partial:
            self.__dict__["top_id"] = top_id  # seeds the cached property below

    # -- building ---------------------------------------------------------

    def of_kind(self, kind: Kind) -> Mapping[str, Record]:
        return MappingProxyType(self._by_kind[kind])

    def records(self) -> Iterator[Record]:
        for kind in Kind:
            yield from self._by_kind[kind].values()

    def merged(self, changes: ChangeSet) -> Org:
        """The org ``changes`` would produce, with the next version number."""
        kept = (r for kind in Kind if kind not in changes.kinds for r in self._by_kind[kind].values())
        new = (r for items in changes.records.values() for r in items)
        return Org([*kept, *new], version=self.version + 1)

    def __len__(self) -> int:
        return sum(len(items) for items in self._by_kind.values())

    @property
    def empty(self) -> bool:
        return len(self) == 0

    # -- lookups the questions need ----------------------------------------

    def get(self, kind: Kind, id: str) -> Record | None:
        return self._by_kind[kind].get(id)

    def exists(self, kind: Kind, id: str) -> bool:
        return id in self._by_kind[kind]

    @cached_property
    def _account_names(self) -> Mapping[str, str]:
        """Normalised id, handle (with and without ``@``) and ``platform:handle`` → account id."""
        index: dict[str, str] = {}
        for account in self.accounts.values():
            for name in handle_names(account):
                index.setdefault(name, account.id)
        for account in self.accounts.values():  # an exact id always wins
            index[normalize(account.id)] = account.id
        return index

    @cached_property
    def _issue_names(self) -> Mapping[str, str]:
        """Normalised id, name and synonyms → issue type id."""
        index: dict[str, str] = {}
        for issue in self.issue_types.values():
            for name in (issue.name, *issue.synonyms):
                index.setdefault(normalize(name), issue.id)
        for issue in self.issue_types.values():
            index[normalize(issue.id)] = issue.id
        return index

    def find_account(self, text: str) -> Account | None:
        """An account by id, by handle (``@AcmeDeals`` or ``AcmeDeals``) or ``platform:handle``."""
        found = self._account_names.get(normalize(text))
        return self.accounts[found] if found else None

    def find_issue_type(self, text: str) -> IssueType | None:
        """An issue type by id, name or synonym, ignoring case and accents."""
        found = self._issue_names.get(normalize(text))
        return self.issue_types[found] if found else None

    def account_names(self) -> list[str]:
        """Every name an account can be asked by, for suggestions."""
        names = {a.handle for a in self.accounts.values()}
        names |= {a.id for a in self.accounts.values()}
        return sorted(names)

    def issue_type_names(self) -> list[str]:
        names = {i.name for i in self.issue_types.values()}
        names |= {s for i in self.issue_types.values() for s in i.synonyms}
        return sorted(names)

    # -- indexes of names, built by the first question that needs them (graph.names) ------------------
    # names.py builds on this module's normalize, hence the imports inside. cached_property builds each once.

    def warm(self) -> Org:
        """This org with every index of names built now, rather than by the first question that needs one.

        A server calls it before it freezes its long-lived objects out of the garbage collector's passes.
        """
        names = ("people_index", "account_index", "issue_type_index", "department_index", "search_entries")
        for index in (*names, "_reports"):  # and who reports to whom, for the chart
            getattr(self, index)
        return self

    @cached_property
    def people_index(self) -> PeopleIndex:
        """People by name, id and e-mail address, and the near names of them all."""
        from .names import PeopleIndex

        return PeopleIndex(self.people.values())

    @cached_property
    def account_index(self) -> NameIndex:
        """The near names of :meth:`account_names`."""
        from .names import NameIndex

        return NameIndex(self.account_names())

    @cached_property
    def issue_type_index(self) -> NameIndex:
        """The near names of :meth:`issue_type_names`."""
        from .names import NameIndex

        return NameIndex(self.issue_type_names())

    @cached_property
    def department_index(self) -> NameIndex:
        """The near names of the departments: names, then ids."""
        from .names import NameIndex

        return NameIndex([*(d.name for d in self.departments.values()), *self.departments])

    @cached_property
    def search_entries(self) -> Mapping[Kind, tuple[SearchEntry, ...]]:
        """Each kind's records with their names normalised for search (rules and absences have none)."""
        from .names import SearchEntry

        skipped = (Kind.RULE, Kind.ABSENCE)
        return {
            kind: tuple(SearchEntry.of(r) for r in self._by_kind[kind].values()) for kind in Kind if kind not in skipped
        }

    @cached_property
    def _rules_by_issue(self) -> Mapping[str, tuple[Rule, ...]]:
        grouped: dict[str, list[Rule]] = defaultdict(list)
        for rule in self.rules.values():
            grouped[rule.issue_type_id].append(rule)
        return {k: tuple(sorted(v, key=lambda r: r.id)) for k, v in grouped.items()}

    def rules_for(self, issue_type_id: str) -> tuple[Rule, ...]:
        return self._rules_by_issue.get(issue_type_id, ())

    @cached_property
    def _absences_by_person(self) -> Mapping[str, tuple[Absence, ...]]:
        grouped: dict[str, list[Absence]] = defaultdict(list)
        for absence in self.absences.values():
            grouped[absence.person_id].append(absence)
        return {k: tuple(sorted(v, key=lambda a: a.starts)) for k, v in grouped.items()}

    def absence_on(self, person_id: str, day: date) -> Absence | None:
        """The recorded absence covering ``day``, if any."""
        for absence in self._absences_by_person.get(person_id, ()):
            if absence.covers(day):
                return absence
        return None

    def is_absent(self, person: Person, day: date) -> bool:
        """Absent by status, or by a recorded absence covering ``day``."""
        if person.status is Status.ABSENT:
            return True
        return person.status is Status.ACTIVE and self.absence_on(person.id, day) is not None

    def ancestors(self, kind: Kind, id: str) -> list[str]:
        """Ids above ``id`` along ``parent_id`` (departments, issue types), nearest first."""
        table = self._by_kind[kind]
        seen = {id}
        chain: list[str] = []
        parent = getattr(table.get(id), "parent_id", None)
        while parent is not None and parent in table and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = table[parent].parent_id
        return chain

    def effective_manager(self, person_id: str) -> tuple[str | None, list[str]]:
        """The nearest manager who has not left, and the ids of leavers skipped on the way."""
        skipped: list[str] = []
        seen = {person_id}
        person = self.people.get(person_id)
        manager = person.manager_id if person else None
        while manager is not None and manager not in seen:
            boss = self.people.get(manager)
            if boss is None:
                return None, skipped
            if boss.status is not Status.LEFT:
                return manager, skipped
            skipped.append(manager)
            seen.add(manager)
            manager = boss.manager_id
        return None, skipped

    @cached_property
    def top_id(self) -> str | None:
        """The person at the top of the organisation (see the module vocabulary)."""
        root_of: dict[str, str] = {}

        def root(person_id: str) -> str:
            path: list[str] = []
            current = person_id
            while current not in root_of:
                path.append(current)
                manager, _ = self.effective_manager(current)
                if manager is None or manager in path:
                    found = current
                    break
                current = manager
            else:
                found = root_of[current]
            for member in path:
                root_of[member] = found
            return found

        counts: dict[str, int] = defaultdict(int)
        for person in self.people.values():
            if person.status is not Status.LEFT:
                counts[root(person.id)] += 1
        if not counts:
            return None
        return min(counts, key=lambda pid: (-counts[pid], pid))

    @cached_property
    def _reports(self) -> Mapping[str, tuple[str, ...]]:
        grouped: dict[str, list[Person]] = defaultdict(list)
        for person in self.people.values():
            if person.manager_id is not None:
                grouped[person.manager_id].append(person)
        return {k: tuple(p.id for p in sorted(v, key=lambda p: (p.name, p.id))) for k, v in grouped.items()}

    def reports_of(self, person_id: str) -> tuple[str, ...]:
        """The ids of the people whose recorded manager is ``person_id`` (leavers included), by name."""
        return self._reports.get(person_id, ())

    def tops(self) -> list[str]:
        """Every person (not left) with no effective manager, sorted by id."""
        return sorted(
            p.id
            for p in self.people.values()
            if p.status is not Status.LEFT and self.effective_manager(p.id)[0] is None
        )

    # -- the graph ----------------------------------------------------------

    @cached_property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The org as a networkx multigraph: nodes ``kind:id`` with ``record``; edges keyed by kind."""
        g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        for record in self.records():
            if record.kind is not Kind.ABSENCE:
                g.add_node(key(record.kind, record.id), record=record)
        for source, target, kind in self.edges():
            g.add_edge(source, target, key=kind)
        return g

    def edges(self) -> Iterator[tuple[str, str, EdgeKind]]:
        """Every edge of the design, derived from the records' references."""
        P, D = Kind.PERSON, Kind.DEPARTMENT
        for d in self.departments.values():
            if d.parent_id:
                yield key(D, d.id), key(D, d.parent_id), EdgeKind.PART_OF
            if d.head_id:
                yield key(P, d.head_id), key(D, d.id), EdgeKind.HEADS
        for p in self.people.values():
            if p.department_id:
                yield key(P, p.id), key(D, p.department_id), EdgeKind.MEMBER_OF
            if p.manager_id:
                yield key(P, p.id), key(P, p.manager_id), EdgeKind.REPORTS_TO
        for r in self.roles.values():
            if r.department_id:
                yield key(Kind.ROLE, r.id), key(D, r.department_id), EdgeKind.IN
            for holder in r.holder_ids:
                yield key(P, holder), key(Kind.ROLE, r.id), EdgeKind.HOLDS
        for g in self.agencies.values():
            if g.contract_owner_id:
                yield key(P, g.contract_owner_id), key(Kind.AGENCY, g.id), EdgeKind.CONTRACT_OWNER_OF
        for a in self.accounts.values():
            account = key(Kind.ACCOUNT, a.id)
            if a.owner_department_id:
                yield key(D, a.owner_department_id), account, EdgeKind.OWNS
            if a.operated_by:
                yield str(a.operated_by), account, EdgeKind.OPERATES
            if a.escalation_contact:
                yield account, str(a.escalation_contact), EdgeKind.ESCALATES_TO
        for i in self.issue_types.values():
            if i.parent_id:
                yield key(Kind.ISSUE_TYPE, i.id), key(Kind.ISSUE_TYPE, i.parent_id), EdgeKind.SUBTYPE_OF
        for rule in self.rules.values():
            node = key(Kind.RULE, rule.id)
            yield node, key(Kind.ISSUE_TYPE, rule.issue_type_id), EdgeKind.FOR
            if rule.scope:
                yield node, str(rule.scope), EdgeKind.APPLIES_TO
            yield node, str(rule.target), EdgeKind.ASSIGNS
        for absence in self.absences.values():
            if absence.delegate_id:
                yield key(P, absence.person_id), key(P, absence.delegate_id), EdgeKind.DELEGATES_TO
