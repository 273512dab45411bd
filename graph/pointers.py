"""Who points at a person: the records whose references name them.

Vocabulary:

- A record *points at* a person when one of its references names them: a rule
  by its ``target``, an account by its ``escalation_contact``, an agency by its
  ``contract_owner_id``, a department by its ``head_id``, a role by its
  ``holder_ids``.
- A rule's target or an account's contact may name a role or a department
  instead of a person; the record then points at the role's holders and the
  department's head *through* it (the pointer's ``via``). One step only: a
  department's parent and a role's department are not followed (that is
  routing's substitution, :mod:`queries.resolve`).

The audit (someone who left but is still named) and a load's diff (the routing
consequences of its leavers) both ask this; it is answered once, here.

>>> from buckstop.graph.model import Department, Person, Ref, Role, Rule
>>> org = Org([Person("p-ann", "Ann"), Department("d-x", "X", head_id="p-ann"),
...            Role("r-y", "Y", holder_ids=("p-ann",)), Rule("r-1", "refund", Ref(Kind.ROLE, "r-y"))])
>>> [(p.key, p.via) for p in pointers_to(org, {"p-ann"})]
[('rule:r-1', Ref(kind=<Kind.ROLE: 'role'>, id='r-y')), ('department:d-x', None), ('role:r-y', None)]
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass

from .model import Account, Agency, Department, Kind, Ref, Role, Rule, key
from .org import Org

__all__ = ["Pointer", "pointers_to"]


@dataclass(frozen=True, slots=True)
class Pointer:
    """``record`` names the person ``person_id``: directly, or ``via`` the role or department it names."""

    record: Rule | Account | Agency | Department | Role
    person_id: str
    via: Ref | None = None

    @property
    def key(self) -> str:
        """The key of the record that points (``rule:r-1``)."""
        return key(self.record.kind, self.record.id)


def pointers_to(org: Org, people: Container[str]) -> Iterator[Pointer]:
    """Every pointer at one of ``people``: rules, accounts, agencies, departments, then roles, each kind by id.

    A role's holders come in the role's order; so do they when a rule or account points through the role.
    """
    for rule in sorted(org.rules.values(), key=lambda r: r.id):
        yield from _through(org, rule, rule.target, people)
    for account in sorted(org.accounts.values(), key=lambda a: a.id):
        if account.escalation_contact is not None:
            yield from _through(org, account, account.escalation_contact, people)
    for agency in sorted(org.agencies.values(), key=lambda g: g.id):
        if agency.contract_owner_id is not None and agency.contract_owner_id in people:
            yield Pointer(agency, agency.contract_owner_id)
    for department in sorted(org.departments.values(), key=lambda d: d.id):
        if department.head_id is not None and department.head_id in people:
            yield Pointer(department, department.head_id)
    for role in sorted(org.roles.values(), key=lambda r: r.id):
        for holder in role.holder_ids:
            if holder in people:
                yield Pointer(role, holder)


def _through(org: Org, record: Rule | Account, ref: Ref, people: Container[str]) -> Iterator[Pointer]:
    """The pointers of a rule's target or an account's contact: the person it names, or those it names them through."""
    if ref.kind is Kind.PERSON:
        if ref.id in people:
            yield Pointer(record, ref.id)
    elif ref.kind is Kind.ROLE and ref.id in org.roles:
        for holder in org.roles[ref.id].holder_ids:
            if holder in people:
                yield Pointer(record, holder, ref)
    elif ref.kind is Kind.DEPARTMENT and ref.id in org.departments:
        head = org.departments[ref.id].head_id
        if head is not None and head in people:
            yield Pointer(record, head, ref)
