"""Turning a rule's target (a person, role or department) into the people who act.

Vocabulary:

- A person is *available* on a day when their status is ``active`` and no
  recorded absence covers that day. People who have *left* never handle
  anything.
- An absent person is *covered* on a day when the delegate their absence
  names is available: :func:`available_delegate`.
- A *substitution* replaces someone unavailable: an absent person by their
  active delegate, else by their manager (resolved the same way); a vacant
  role by its department; a department without a head by its parent.
  Every substitution is written to the explanation.
"""

from __future__ import annotations

from datetime import date

from buckstop.graph.model import Kind, Person, Ref, Status
from buckstop.graph.org import Org

from .lookup import label

__all__ = ["Resolver", "available", "available_delegate", "delegate_of"]


def available(org: Org, person: Person, day: date) -> bool:
    """Whether ``person`` can act on ``day``: active, and no absence of theirs covers it."""
    return person.status is Status.ACTIVE and not org.is_absent(person, day)


def delegate_of(org: Org, person: Person, day: date) -> Person | None:
    """The delegate named by ``person``'s absence on ``day``, available or not; None without one."""
    absence = org.absence_on(person.id, day)
    if absence is None or absence.delegate_id is None:
        return None
    return org.people.get(absence.delegate_id)


def available_delegate(org: Org, person: Person, day: date) -> Person | None:
    """The delegate who covers ``person`` on ``day``: the one their absence names, if available."""
    delegate = delegate_of(org, person, day)
    return delegate if delegate is not None and available(org, delegate, day) else None


class Resolver:
    """Resolves targets against one org on one day, noting each step in ``notes``."""

    def __init__(self, org: Org, day: date) -> None:
        self.org = org
        self.day = day
        self.notes: list[str] = []

    def name(self, kind: Kind, id: str) -> str:
        return label(self.org, kind, id)

    def available(self, person: Person) -> bool:
        return available(self.org, person, self.day)

    def target(self, ref: Ref) -> list[str]:
        """The ids of the people who handle ``ref``, sorted."""
        if ref.kind is Kind.PERSON:
            return self.person(ref.id)
        if ref.kind is Kind.ROLE:
            return self.role(ref.id)
        if ref.kind is Kind.DEPARTMENT:
            return self.department(ref.id)
        return []

    def _why_absent(self, person: Person) -> str:
        absence = self.org.absence_on(person.id, self.day)
        if absence is not None:
            return f"is absent ({absence.starts} to {absence.ends})"
        return "is absent"

    def _delegate(self, person: Person) -> Person | None:
        delegate = delegate_of(self.org, person, self.day)
        if delegate is None:
            return None
        if not self.available(delegate):
            self.notes.append(f"Their delegate {self.name(Kind.PERSON, delegate.id)} is not available either.")
            return None
        return delegate

    def person(self, person_id: str, seen: frozenset[str] = frozenset()) -> list[str]:
        """The person if available; else their active delegate; else their manager, resolved alike."""
        person = self.org.people.get(person_id)
        if person is None or person_id in seen:
            return []
        who = self.name(Kind.PERSON, person_id)
        if self.available(person):
            return [person_id]
        if person.status is Status.LEFT:
            self.notes.append(f"{who} has left.")
        else:
            self.notes.append(f"{who} {self._why_absent(person)}.")
            delegate = self._delegate(person)
            if delegate is not None:
                self.notes.append(f"Their delegate {self.name(Kind.PERSON, delegate.id)} handles it.")
                return [delegate.id]
        if person.manager_id is None or person.manager_id not in self.org.people:
            if person.status is Status.LEFT:
                self.notes.append(f"Nobody is above {who} to take over.")
                return []
            self.notes.append(f"Nobody is above {who} to cover; it stays with them.")
            return [person_id]
        self.notes.append(f"Their manager {self.name(Kind.PERSON, person.manager_id)} is next in line.")
        return self.person(person.manager_id, seen | {person_id})

    def role(self, role_id: str) -> list[str]:
        """The role's available holders (absent ones by their delegates); if none, its department."""
        role = self.org.roles.get(role_id)
        if role is None:
            return []
        handlers: list[str] = []
        for holder_id in sorted(role.holder_ids):
            holder = self.org.people.get(holder_id)
            if holder is None:
                continue
            who = self.name(Kind.PERSON, holder_id)
            if self.available(holder):
                handlers.append(holder_id)
            elif holder.status is Status.LEFT:
                self.notes.append(f"{who} holds {self.name(Kind.ROLE, role_id)} but has left.")
            else:
                self.notes.append(f"{who} holds {self.name(Kind.ROLE, role_id)} but {self._why_absent(holder)}.")
                delegate = self._delegate(holder)
                if delegate is not None:
                    self.notes.append(f"Their delegate {self.name(Kind.PERSON, delegate.id)} handles it.")
                    handlers.append(delegate.id)
                else:
                    self.notes.append("They have no available delegate, so they are skipped.")
        if handlers:
            return sorted(set(handlers))
        vacancy = "is vacant" if not role.holder_ids else "has nobody available"
        if role.department_id is None:
            self.notes.append(f"{self.name(Kind.ROLE, role_id)} {vacancy} and belongs to no department.")
            return []
        self.notes.append(
            f"{self.name(Kind.ROLE, role_id)} {vacancy}; its department "
            f"{self.name(Kind.DEPARTMENT, role.department_id)} handles it."
        )
        return self.department(role.department_id)

    def department(self, department_id: str) -> list[str]:
        """The department's head, resolved as a person; a department with no head, its parent."""
        seen: set[str] = set()
        current: str | None = department_id
        while current is not None and current not in seen and current in self.org.departments:
            seen.add(current)
            department = self.org.departments[current]
            if department.head_id is not None and department.head_id in self.org.people:
                self.notes.append(
                    f"{self.name(Kind.DEPARTMENT, current)} is headed by {self.name(Kind.PERSON, department.head_id)}."
                )
                return self.person(department.head_id)
            parent = department.parent_id
            if parent is None:
                self.notes.append(f"{self.name(Kind.DEPARTMENT, current)} has no head and no parent department.")
                return []
            self.notes.append(
                f"{self.name(Kind.DEPARTMENT, current)} has no head; its parent "
                f"{self.name(Kind.DEPARTMENT, parent)} handles it."
            )
            current = parent
        return []
