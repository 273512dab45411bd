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

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import Any, TypeVar

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
from .names import (  # the names of records, and their indexes; normalize and friends are re-exported here
    NameIndex,
    PeopleIndex,
    SearchEntry,
    handle_names,
    match_keys,
    names_of,
    normalize,
    search_names,
)

__all__ = ["ChangeSet", "Org", "edges_of", "handle_names", "match_keys", "names_of", "normalize", "search_names"]

R = TypeVar("R", bound=Record)
T = TypeVar("T")


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
        self,
        records: Iterable[Record] = (),
        *,
        version: int = 0,
        effective: date | None = None,
        partial: bool = False,
        top_id: str | None = None,
        reach: str = "partial",
        complete: frozenset[Kind] = frozenset(),
        by_kind: dict[Kind, dict[str, Any]] | None = None,
    ) -> None:
        """Index ``records``. A ``partial`` org (part of one) is told its ``top_id``: it cannot compute it.

        ``reach`` names what a partial org is the part of (``route``…), for IncompleteRead's message;
        ``complete``, the kinds it holds every record of (graph.fetched). ``by_kind``: the records
        already grouped by kind and id (a packed version, graph.packed), taken as they are, not copied.
        """
        if by_kind is None:
            by_kind = {kind: {} for kind in Kind}
            for record in records:
                by_kind[record.kind][record.id] = record
        self.version = version
        #: The day this version came into force (graph.timeline); None for an org of no stored version.
        self.effective = effective
        self._by_kind = by_kind
        views: dict[Kind, Mapping[str, Any]]
        if partial:  # a miss of a record it was told exists raises (graph.fetched)
            from .fetched import Fetched, Told

            told = Told(reach, by_kind, top_id)
            views = {kind: Fetched(by_kind[kind], kind, told, complete=kind in complete) for kind in Kind}
        else:
            views = {kind: MappingProxyType(by_kind[kind]) for kind in Kind}
        self._views = views
        # What lookups read: a whole org's plain dicts (a dict's get is quicker than its read-only view's, and
        # routing looks up tens of records per answer), a partial org's views that raise (graph.fetched).
        self._lookup: Mapping[Kind, Mapping[str, Any]] = views if partial else by_kind
        self._people: Mapping[str, Person] = self._lookup[Kind.PERSON]
        self.departments: Mapping[str, Department] = views[Kind.DEPARTMENT]
        self.roles: Mapping[str, Role] = views[Kind.ROLE]
        self.people: Mapping[str, Person] = views[Kind.PERSON]
        self.accounts: Mapping[str, Account] = views[Kind.ACCOUNT]
        self.agencies: Mapping[str, Agency] = views[Kind.AGENCY]
        self.issue_types: Mapping[str, IssueType] = views[Kind.ISSUE_TYPE]
        self.rules: Mapping[str, Rule] = views[Kind.RULE]
        self.absences: Mapping[str, Absence] = views[Kind.ABSENCE]
        #: Whether this is only the part of an org one question needs (see graph.store).
        self.partial = partial
        self._indexes: dict[str, dict[Any, Any]] = {}  # see index()
        if partial:
            self.__dict__["top_id"] = top_id  # seeds the cached property below

    # -- building ---------------------------------------------------------

    def of_kind(self, kind: Kind) -> Mapping[str, Record]:
        return self._views[kind]

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

    def _held(self, kind: Kind) -> Iterable[Any]:
        """The records of ``kind`` this org holds, for its own indexes: what a lookup on a partial org may see.

        (Iterating a partial org's public mappings raises unless its reach fetched the kind whole.)
        """
        return self._by_kind[kind].values()

    def get(self, kind: Kind, id: str) -> Record | None:
        """The record, or None; on a partial org, IncompleteRead for one it was told exists but lacks."""
        return self._lookup[kind].get(id)

    def exists(self, kind: Kind, id: str) -> bool:
        return id in self._lookup[kind]

    def fetched(self, kind: Kind, id: str) -> Record | None:
        """The record if this org holds it, else None, never raising: for a reader that reads what is missing."""
        return self._by_kind[kind].get(id)

    @cached_property
    def _account_names(self) -> Mapping[str, str]:
        """Normalised id, handle (with and without ``@``) and ``platform:handle`` → account id."""
        index: dict[str, str] = {}
        for account in self._held(Kind.ACCOUNT):
            for name in match_keys(account):
                index.setdefault(name, account.id)
        for account in self._held(Kind.ACCOUNT):  # an exact id always wins
            index[normalize(account.id)] = account.id
        return index

    @cached_property
    def _issue_names(self) -> Mapping[str, str]:
        """Normalised id, name and synonyms → issue type id."""
        index: dict[str, str] = {}
        for issue in self._held(Kind.ISSUE_TYPE):
            for name in match_keys(issue):
                index.setdefault(name, issue.id)
        for issue in self._held(Kind.ISSUE_TYPE):
            index[normalize(issue.id)] = issue.id
        return index

    @cached_property
    def _department_names(self) -> Mapping[str, str]:
        """Normalised name and id → department id; the first by id wins."""
        index: dict[str, str] = {}
        for department in sorted(self._held(Kind.DEPARTMENT), key=lambda d: d.id):
            for name in match_keys(department):
                index.setdefault(name, department.id)
        return index

    def find_department(self, text: str) -> Department | None:
        """A department by id (as written, else ignoring case and accents) or name; the first by id of several."""
        found = self.departments.get(text.strip())
        if found is not None:
            return found
        wanted = self._department_names.get(normalize(text))
        return self.departments[wanted] if wanted else None

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
        # and who reports to whom, for the chart; and who is at the top (a walk over everyone: a second at 100k)
        for index in (*names, "_reports", "top_id"):
            getattr(self, index)
        return self

    @cached_property
    def people_index(self) -> PeopleIndex:
        """People by name, id and e-mail address, and the near names of them all."""

        return PeopleIndex(self._held(Kind.PERSON))

    @cached_property
    def account_index(self) -> NameIndex:
        """The near names of :meth:`account_names`."""

        return NameIndex(self.account_names())

    @cached_property
    def issue_type_index(self) -> NameIndex:
        """The near names of :meth:`issue_type_names`."""

        return NameIndex(self.issue_type_names())

    @cached_property
    def department_index(self) -> NameIndex:
        """The near names of the departments: names, then ids."""

        return NameIndex([*(d.name for d in self.departments.values()), *self.departments])

    @cached_property
    def search_entries(self) -> Mapping[Kind, tuple[SearchEntry, ...]]:
        """Each kind's records with their names normalised for search (rules and absences have none)."""

        skipped = (Kind.RULE, Kind.ABSENCE)
        return {
            kind: tuple(SearchEntry.of(r) for r in self._by_kind[kind].values()) for kind in Kind if kind not in skipped
        }

    def index(self, name: str) -> dict[Any, Any]:
        """A per-version index the questions fill as they go, by ``name`` (``"route plans"``…): what they
        work out from this org holds for as long as the org, which never changes. Its owner bounds it."""
        index = self._indexes.get(name)
        return index if index is not None else self._indexes.setdefault(name, {})

    def remember(self, name: str, key: Hashable, make: Callable[[], T], bound: int) -> T:
        """The entry ``key`` of the index ``name``, made by ``make`` the first time; past ``bound`` entries the
        index starts again (a bound, not a cache policy: what is asked again is soon back)."""
        index: dict[Hashable, T] = self.index(name)
        try:  # one lookup, and safe from another thread's clear between a test and a read
            return index[key]
        except KeyError:
            pass
        found = make()
        if len(index) >= bound:
            index.clear()
        index[key] = found
        return found

    @cached_property
    def _rules_by_issue(self) -> Mapping[str, tuple[Rule, ...]]:
        grouped: dict[str, list[Rule]] = defaultdict(list)
        for rule in self._held(Kind.RULE):
            grouped[rule.issue_type_id].append(rule)
        return {k: tuple(sorted(v, key=lambda r: r.id)) for k, v in grouped.items()}

    def rules_for(self, issue_type_id: str) -> tuple[Rule, ...]:
        return self._rules_by_issue.get(issue_type_id, ())

    @cached_property
    def _absences_by_person(self) -> Mapping[str, tuple[Absence, ...]]:
        grouped: dict[str, list[Absence]] = defaultdict(list)
        for absence in self._held(Kind.ABSENCE):
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
        table = self._lookup[kind]
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
        person = self._people.get(person_id)
        manager = person.manager_id if person else None
        while manager is not None and manager not in seen:
            boss = self._people.get(manager)
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
        for person in self._held(Kind.PERSON):
            if person.status is not Status.LEFT:
                counts[root(person.id)] += 1
        if not counts:
            return None
        return min(counts, key=lambda pid: (-counts[pid], pid))

    @cached_property
    def _reports(self) -> Mapping[str, tuple[str, ...]]:
        # On a partial org, whole for the people whose reports its reach fetched (Reach.REPORTS).
        grouped: dict[str, list[Person]] = defaultdict(list)
        for person in self._held(Kind.PERSON):
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
        for record in self.records():
            yield from edges_of(record)

    @cached_property
    def links(self) -> nx.Graph[str]:
        """Which nodes are linked, in either direction: keys only, for paths over the whole org.

        The :attr:`graph` carries every record and every edge's kind; at 200,000 people it
        takes about 320 MB and 6 s to build, this one about 170 MB and 3 s. A path found here
        is explained from the records at its ends (:func:`edges_of`). Absences are not nodes,
        and the delegations they carry are not links: they hold for some days only.
        """
        g: nx.Graph[str] = nx.Graph()
        for record in self.records():
            if record.kind is not Kind.ABSENCE:
                g.add_node(key(record.kind, record.id))
                g.add_edges_from((source, target) for source, target, _ in edges_of(record))
        return g


def edges_of(record: Record) -> Iterator[tuple[str, str, EdgeKind]]:
    """The edges ``record`` carries: one for each reference it holds, from → to as the design names them.

    >>> list(edges_of(Person("p-ann", "Ann Lee", department_id="d-support", manager_id="p-sue")))
    [('person:p-ann', 'department:d-support', <EdgeKind.MEMBER_OF: 'MEMBER_OF'>), \
('person:p-ann', 'person:p-sue', <EdgeKind.REPORTS_TO: 'REPORTS_TO'>)]
    """
    P, D = Kind.PERSON, Kind.DEPARTMENT
    match record:
        case Department() as d:
            if d.parent_id:
                yield key(D, d.id), key(D, d.parent_id), EdgeKind.PART_OF
            if d.head_id:
                yield key(P, d.head_id), key(D, d.id), EdgeKind.HEADS
        case Person() as p:
            if p.department_id:
                yield key(P, p.id), key(D, p.department_id), EdgeKind.MEMBER_OF
            if p.manager_id:
                yield key(P, p.id), key(P, p.manager_id), EdgeKind.REPORTS_TO
        case Role() as r:
            if r.department_id:
                yield key(Kind.ROLE, r.id), key(D, r.department_id), EdgeKind.IN
            for holder in r.holder_ids:
                yield key(P, holder), key(Kind.ROLE, r.id), EdgeKind.HOLDS
        case Agency() as g:
            if g.contract_owner_id:
                yield key(P, g.contract_owner_id), key(Kind.AGENCY, g.id), EdgeKind.CONTRACT_OWNER_OF
        case Account() as a:
            account = key(Kind.ACCOUNT, a.id)
            if a.owner_department_id:
                yield key(D, a.owner_department_id), account, EdgeKind.OWNS
            if a.operated_by:
                yield str(a.operated_by), account, EdgeKind.OPERATES
            if a.escalation_contact:
                yield account, str(a.escalation_contact), EdgeKind.ESCALATES_TO
        case IssueType() as i:
            if i.parent_id:
                yield key(Kind.ISSUE_TYPE, i.id), key(Kind.ISSUE_TYPE, i.parent_id), EdgeKind.SUBTYPE_OF
        case Rule() as rule:
            node = key(Kind.RULE, rule.id)
            yield node, key(Kind.ISSUE_TYPE, rule.issue_type_id), EdgeKind.FOR
            if rule.scope:
                yield node, str(rule.scope), EdgeKind.APPLIES_TO
            yield node, str(rule.target), EdgeKind.ASSIGNS
        case Absence() as absence:
            if absence.delegate_id:
                yield key(P, absence.person_id), key(P, absence.delegate_id), EdgeKind.DELEGATES_TO
