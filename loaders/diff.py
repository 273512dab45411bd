"""What a load changes about people, and what that does to routing.

Vocabulary:

- A *joiner* is a person in the new org (not left) who was not in the old one,
  or had left and is back. A *leaver* was in the old org, not left, and has left
  in the new one (a people export that no longer lists someone makes them leave).
- A *mover* changed department or manager; a *title change* is what it says;
  a *status change* is between active and absent; an *other change* is any
  other column of a person changing: the name, e-mail, phone, location, or
  whether they are public.
- A *routing consequence* is a rule, account, agency or department that now
  points at someone who has just left, as :mod:`graph.pointers` defines it: a
  rule's target or an account's escalation contact (a person, or the holders of
  the role, the head of the department it names), an agency's contract owner, a
  department's head. A role holding them is not one by itself. Routing goes
  around them (see queries.resolve), but someone should fix the record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields

from buckstop.graph.model import Account, Agency, Department, Kind, Person, Rule, Status
from buckstop.graph.org import Org
from buckstop.graph.pointers import pointers_to

__all__ = ["Change", "Consequence", "Diff", "diff"]


@dataclass(frozen=True, slots=True)
class Change:
    """One person's field changing from ``old`` to ``new`` (``field`` is ``department``, ``manager``…)."""

    person: Person
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class Consequence:
    """A record that now points at someone who has left."""

    kind: Kind  # rule, account, agency or department
    id: str
    leaver: Person
    message: str


@dataclass(frozen=True)
class Diff:
    """The people changes of one load, in id order, and their routing consequences."""

    joiners: tuple[Person, ...] = ()
    leavers: tuple[Person, ...] = ()
    moves: tuple[Change, ...] = ()  # department and manager changes
    title_changes: tuple[Change, ...] = ()
    status_changes: tuple[Change, ...] = ()
    consequences: tuple[Consequence, ...] = ()
    other_changes: tuple[Change, ...] = ()  # name, email, public, phone, location

    @property
    def movers(self) -> tuple[Person, ...]:
        """The people who changed department or manager, once each."""
        return tuple({c.person.id: c.person for c in self.moves}.values())

    @property
    def empty(self) -> bool:
        sections = (self.joiners, self.leavers, self.moves, self.title_changes, self.status_changes, self.other_changes)
        return not any(sections)

    def summary(self) -> str:
        """Every count: ``"3 joiners, 1 leaver, 2 movers, 0 title changes, 0 status changes, 0 other changes;
        1 routing consequence"``."""
        return ", ".join(self._parts()) + "; " + _count(len(self.consequences), "routing consequence")

    def brief(self) -> str:
        """The summary without its zeros, for the log of changes: ``"1 joiner, 2 other changes"``."""
        parts = [p for p in (*self._parts(), _count(len(self.consequences), "routing consequence")) if p[0] != "0"]
        return ", ".join(parts) or "no person changed"

    def _parts(self) -> list[str]:
        return [
            _count(len(self.joiners), "joiner"),
            _count(len(self.leavers), "leaver"),
            _count(len(self.movers), "mover"),
            _count(len(self.title_changes), "title change"),
            _count(len(self.status_changes), "status change"),
            _count(len(self.other_changes), "other change"),
        ]

    def lines(self, limit: int = 20) -> list[str]:
        """The diff as readable lines, at most ``limit`` per section (the rest counted)."""
        out = [self.summary()]
        sections = (
            ("Joiners", [_who(p) + (f", {p.title}" if p.title else "") for p in self.joiners]),
            ("Leavers", [_who(p) for p in self.leavers]),
            ("Movers", [f"{_who(c.person)}: {c.field} {_was(c)}" for c in self.moves]),
            ("Title changes", [f"{_who(c.person)}: {_was(c)}" for c in self.title_changes]),
            ("Status changes", [f"{_who(c.person)}: {_was(c)}" for c in self.status_changes]),
            ("Other changes", [f"{_who(c.person)}: {c.field} {_was(c)}" for c in self.other_changes]),
            ("Routing consequences", [c.message for c in self.consequences]),
        )
        for title, items in sections:
            if items:
                out.append(f"{title} ({len(items):,}):")
                out += [f"  {item}" for item in items[:limit]]
                if len(items) > limit:
                    out.append(f"  … and {len(items) - limit:,} more")
        return out


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _was(change: Change) -> str:
    return f"{change.old or '(none)'} → {change.new or '(none)'}"


def _who(person: Person) -> str:
    return f"{person.name} ({person.id})"


def diff(before: Org, after: Org) -> Diff:
    """The people changes from ``before`` to ``after``, and their routing consequences."""
    joiners: list[Person] = []
    leavers: list[Person] = []
    moves: list[Change] = []
    titles: list[Change] = []
    statuses: list[Change] = []
    others: list[Change] = []
    old_people = before.people
    left = Status.LEFT
    for id, new in after.people.items():
        old = old_people.get(id)
        if old is None or old.status is left:
            if new.status is not left:
                joiners.append(new)
            continue
        if old == new:
            continue
        if new.status is left:
            leavers.append(new)
            continue
        if old.department_id != new.department_id:
            moves.append(Change(new, "department", old.department_id, new.department_id))
        if old.manager_id != new.manager_id:
            moves.append(Change(new, "manager", old.manager_id, new.manager_id))
        if old.title != new.title:
            titles.append(Change(new, "title", old.title, new.title))
        if old.status is not new.status:
            statuses.append(Change(new, "status", old.status.value, new.status.value))
        others += _other_changes(old, new)
    by_id = _by_person_id
    leavers_by_id = {p.id: p for p in leavers}
    return Diff(
        tuple(sorted(joiners, key=by_id)),
        tuple(sorted(leavers, key=by_id)),
        tuple(sorted(moves, key=lambda c: (c.person.id, c.field))),
        tuple(sorted(titles, key=lambda c: c.person.id)),
        tuple(sorted(statuses, key=lambda c: c.person.id)),
        tuple(_consequences(after, leavers_by_id)) if leavers_by_id else (),
        tuple(sorted(others, key=lambda c: (c.person.id, _OTHER.index(c.field)))),
    )


#: The columns of a person whose changes are "other changes" (every column the sections above do not
#: show, so a column added to Person is never changed unseen), in the order of the record.
_OTHER = tuple(
    f.name
    for f in fields(Person)
    if f.compare and f.name not in ("id", "department_id", "manager_id", "title", "status")
)


def _other_changes(old: Person, new: Person) -> Iterator[Change]:
    for name in _OTHER:
        was, now = getattr(old, name), getattr(new, name)
        if was != now:
            yield Change(new, name, _text(was), _text(now))


def _text(value: object) -> str | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return None if value is None else str(value)


def _by_person_id(person: Person) -> str:
    return person.id


def _consequences(org: Org, leavers: dict[str, Person]) -> Iterator[Consequence]:
    for pointer in pointers_to(org, leavers):
        person = leavers[pointer.person_id]
        match pointer.record:
            case Rule() as rule:
                scope = str(rule.scope) if rule.scope else "the organisation"
                message = (
                    f"rule {rule.id} ({rule.issue_type_id} on {scope}) goes to {rule.target}: {_who(person)} has left"
                )
            case Account() as account:
                message = (
                    f"account {account.handle} ({account.id}) escalates to {account.escalation_contact}: "
                    f"{_who(person)} has left"
                )
            case Agency() as agency:
                message = f"agency {agency.name} ({agency.id}): contract owner {_who(person)} has left"
            case Department() as department:
                message = f"department {department.name} ({department.id}): head {_who(person)} has left"
            case _:  # a role's holder: a consequence only where a rule or an account names the role (above)
                continue
        yield Consequence(pointer.record.kind, pointer.record.id, person, message)
