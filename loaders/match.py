"""Resolving the references of a people file: managers and departments, as HR writes them.

Vocabulary:

- A *manager reference* is whatever the file's manager column holds: an id,
  an email or a full name. It is matched against the people of the same file,
  by id, then by email (or another key the format names), then by full name
  (case, accents and spacing ignored; ``Lee, Ann`` is also ``Ann Lee``). A name
  two people share is *ambiguous*; a reference nobody matches is *unmatched*:
  both are problems that name the row and the candidates. People kept from
  earlier loads (the leavers) are tried last, so a report of someone who left
  still finds them.
- A *department reference* is an id or a name. A name no department has
  becomes a new department (flat: no parent, no head) when the format allows
  it, and a note says so.
- A *managers file* (two columns: person, manager) gives managers to an export
  that has none (an Entra ID download); each side is matched the same way.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from buckstop.graph.errors import Problem
from buckstop.graph.model import Department, Person, Source
from buckstop.graph.org import normalize

from .entry import Entry
from .people import PeopleFormat
from .table import Table

__all__ = ["Matched", "match_people"]

#: Suggestions are looked for only for the first unmatched references: each costs a scan.
_SUGGESTED = 50


@dataclass
class Matched:
    """The people with references resolved, the departments made for unknown names, and what went wrong."""

    people: list[Person]
    new_departments: list[Department] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Index:
    """People by id, by email or key, and (built on first need) by normalised full name."""

    def __init__(self, people: Iterable[tuple[Person, Sequence[str]]]) -> None:
        # One id per key, and the few keys several people share aside: a million lists would cost memory.
        self.by_id: dict[str, Person] = {}
        self.by_key: dict[str, str] = {}
        self.shared_keys: dict[str, set[str]] = defaultdict(set)
        for person, keys in people:
            self.by_id.setdefault(person.id, person)
            if person.email:
                self._add(self.by_key, self.shared_keys, person.email.casefold(), person.id)
            for key in keys:
                self._add(self.by_key, self.shared_keys, key.casefold(), person.id)
        self._by_name: dict[str, str] | None = None
        self.shared_names: dict[str, set[str]] = defaultdict(set)

    @staticmethod
    def _add(index: dict[str, str], shared: dict[str, set[str]], key: str, id: str) -> None:
        first = index.setdefault(key, id)
        if first != id:
            shared[key].update((first, id))

    @property
    def by_name(self) -> dict[str, str]:
        if self._by_name is None:
            self._by_name = {}
            for person in self.by_id.values():
                self._add(self._by_name, self.shared_names, normalize(person.name), person.id)
        return self._by_name

    def find(self, reference: str) -> list[str]:
        """The ids ``reference`` may mean: one, several (ambiguous) or none."""
        if reference in self.by_id:
            return [reference]
        key = reference.casefold()
        if key in self.by_key:
            return sorted(self.shared_keys.get(key) or [self.by_key[key]])
        names = [normalize(reference)]
        if "," in reference:  # "Lee, Ann" as some systems write a name
            last, _, first = reference.partition(",")
            names.append(normalize(f"{first} {last}"))
        found: set[str] = set()
        for name in names:
            if name in self.by_name:
                found |= self.shared_names.get(name) or {self.by_name[name]}
        return sorted(found)

    def ids_named(self, name: str) -> list[str]:
        return sorted(self.shared_names.get(name) or [self.by_name[name]])


def match_people(
    entries: list[Entry],
    fmt: PeopleFormat,
    file: str,
    departments: Mapping[str, Department],
    leavers: Sequence[Person] = (),
    managers: Table | None = None,
) -> Matched:
    """Resolve each entry's manager and department; see the module vocabulary."""
    matched = Matched([])
    index = _Index((e.person, e.keys) for e in entries)
    kept = _Index((p, ()) for p in leavers)
    given = _managers_file(managers, index, matched) if managers is not None else {}
    resolve_department = _Departments(departments, fmt.creates_departments, matched)
    unmatched = 0
    for entry in entries:
        person = entry.person
        reference = given.get(person.id, person.manager_id)
        manager = reference
        if reference is not None:
            manager, found = _manager(reference, index, kept)
            if not found and fmt.name != "generic":  # our own file's unknown ids are reported by the checks
                unmatched += 1
                _unmatched(entry, reference, index, matched, suggest=unmatched <= _SUGGESTED)
                manager = None
            elif len(found) > 1:
                _ambiguous(entry, reference, found, index, kept, matched)
                manager = None
        department = resolve_department(person.department_id, person.source)
        if manager != person.manager_id or department != person.department_id:
            person = _with(person, manager, department)
        matched.people.append(person)
    resolve_department.report(file)
    return matched


def _with(p: Person, manager_id: str | None, department_id: str | None) -> Person:
    """``p`` with these references (positional: three times faster than dataclasses.replace)."""
    return Person(
        p.id, p.name, p.email, p.title, department_id, manager_id, p.status, p.public, p.phone, p.location, p.source
    )


def _manager(reference: str, index: _Index, kept: _Index) -> tuple[str | None, list[str]]:
    found = index.find(reference) or kept.find(reference)
    return (found[0] if len(found) == 1 else reference), found


def _describe(pid: str, index: _Index, kept: _Index) -> str:
    person = index.by_id.get(pid) or kept.by_id.get(pid)
    if person is None:
        return repr(pid)
    where = f"row {person.source.row}" if person.source.row else "kept from an earlier load"
    return f"{person.name} ({pid}, {where})"


def _ambiguous(entry: Entry, reference: str, found: list[str], index: _Index, kept: _Index, out: Matched) -> None:
    candidates = "; ".join(_describe(pid, index, kept) for pid in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    out.problems.append(
        Problem(
            entry.person.source.file,
            entry.person.source.row,
            entry.manager_column,
            f"manager {reference!r} is ambiguous: it names {candidates}{more}; write their id or email instead",
        )
    )


def _unmatched(entry: Entry, reference: str, index: _Index, out: Matched, *, suggest: bool) -> None:
    message = f"manager {reference!r} matches no one's id, email or full name in this file"
    near = _near(reference, index) if suggest else []
    if near:
        message += "; did you mean " + " or ".join(_describe(pid, index, _Index(())) for pid in near) + "?"
    source = entry.person.source
    out.problems.append(Problem(source.file, source.row, entry.manager_column, message))


def _near(reference: str, index: _Index) -> list[str]:
    """Up to three people whose name (or email) is close to ``reference``: same first letter, then difflib."""
    wanted = normalize(reference)
    if "," in reference and "@" not in reference:  # "Park, Susan" is compared as "Susan Park"
        last, _, first = reference.partition(",")
        wanted = normalize(f"{first} {last}")
    pool = [n for n in index.by_name if n[:1] == wanted[:1]] or list(index.by_name)
    close = difflib.get_close_matches(wanted, pool, n=3, cutoff=0.75)
    if not close and "@" in reference:
        emails = [k for k in index.by_key if k[:1] == wanted[:1]]
        return [index.by_key[k] for k in difflib.get_close_matches(wanted, emails, n=3, cutoff=0.75)]
    return [index.ids_named(name)[0] for name in close]


def _managers_file(table: Table, index: _Index, out: Matched) -> dict[str, str | None]:
    """Person id → the manager reference the managers file gives (first two columns: person, manager)."""
    given: dict[str, str | None] = {}
    if len(table.columns) < 2:
        out.problems.append(Problem(table.name, 1, None, "a managers file has two columns: person, manager"))
        table.close()
        return given
    person_column, manager_column = table.columns[:2]
    for row in table.iter_rows():
        who = row.text(person_column)
        if who is None:
            continue
        found = index.find(who)
        if len(found) != 1:
            what = "is ambiguous" if found else "matches no one in the people file"
            row.fail(person_column, f"{who!r} {what}; write their id or email")
            continue
        given[found[0]] = row.text(manager_column)
    out.problems += table.problems
    out.notes.append(f"{table.name}: managers for {len(given)} people")
    return given


class _Departments:
    """Resolves department references by id, then by name; makes departments for unknown names."""

    def __init__(self, departments: Mapping[str, Department], creates: bool, out: Matched) -> None:
        self.departments = departments
        self.creates = creates
        self.out = out
        self.by_name: dict[str, str] = {}
        for department in sorted(departments.values(), key=lambda d: d.id):
            self.by_name.setdefault(normalize(department.name), department.id)
        self.cache: dict[str, str] = {}
        self.taken: set[str] = set()

    def __call__(self, reference: str | None, source: Source) -> str | None:
        if reference is None or reference in self.departments:
            return reference
        known = self.cache.get(reference)
        if known is not None:
            return known
        name = normalize(reference)
        found = self.by_name.get(name)
        if found is None and self.creates:
            found = self._create(reference, name, source)
        self.cache[reference] = found or reference
        return found or reference

    def _create(self, reference: str, name: str, source: Source) -> str:
        base = "dept-" + (re.sub(r"[^a-z0-9]+", "-", name).strip("-") or "unnamed")
        id, n = base, 1
        while id in self.departments or id in self.taken:
            n += 1
            id = f"{base}-{n}"
        self.taken.add(id)
        # Its source is the first row that names it: where to look if the name is a typo.
        self.out.new_departments.append(Department(id, " ".join(reference.split()), source=source))
        self.by_name[name] = id
        return id

    def report(self, file: str) -> None:
        made = self.out.new_departments
        if made:
            shown = ", ".join(f"{d.name!r} ({d.id})" for d in made[:10])
            more = f" and {len(made) - 10:,} more" if len(made) > 10 else ""
            self.out.notes.append(
                f"{file}: {len(made):,} department names matched no department and became new departments "
                f"(no parent, no head): {shown}{more}; add them to departments.csv to place them"
            )
