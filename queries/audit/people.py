"""Audit findings about people: leavers still named, several tops, absences nobody covers, heads sitting elsewhere.

Vocabulary: see :mod:`queries.audit`. Who a leaver is still named by is
:func:`graph.pointers.pointers_to`; who covers an absence is
:func:`queries.resolve.available_delegate`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from buckstop.graph.model import Kind, Status, key
from buckstop.graph.org import Org
from buckstop.graph.pointers import pointers_to

from ..lookup import label
from ..resolve import available_delegate, delegate_of
from .core import Finding, Severity, label_keys, rely

__all__ = ["absence_findings", "head_findings", "leaver_findings", "top_findings"]


def leaver_findings(org: Org) -> Iterator[Finding]:
    left = {p.id for p in org.people.values() if p.status is Status.LEFT}
    named: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))  # person → what → keys
    run_by = {a.operated_by.id for a in org.accounts.values() if a.operated_by and a.operated_by.kind is Kind.AGENCY}
    for pointer in pointers_to(org, left):
        if pointer.via is not None:  # through a role or department: the finding names that role or department
            continue
        what = _NAMED_AS[pointer.record.kind]
        if what == "agencies" and pointer.record.id in run_by:  # contract-owner-left names them
            continue
        named[pointer.person_id][what].append(pointer.key)
    for person_id in sorted(named):
        person = org.people[person_id]
        heads, uses = named[person_id]["heads"], named[person_id]["uses"]
        agencies, roles = named[person_id]["agencies"], named[person_id]["roles"]
        serious = heads + uses + agencies
        who = label(org, Kind.PERSON, person.id)
        parts = []
        if heads:
            parts.append(f"heads {label_keys(org, heads)}")
        if uses:
            parts.append(f"is named by {label_keys(org, uses)}")
        if agencies:
            parts.append(f"is the contract owner of {label_keys(org, agencies)}")
        if roles:
            parts.append(f"holds {label_keys(org, roles)}")
        yield Finding(
            "left-but-responsible",
            Severity.ERROR if serious else Severity.WARNING,
            (key(Kind.PERSON, person.id), *serious, *roles),
            f"{who} has left but still {'; '.join(parts)}.",
            "Routing steps around people who left, to their manager or their department's parent, so questions "
            "reach someone who was never named for them; who is in charge of a department they head is wrong.",
            "Name their successor wherever they appear (head_id in departments.csv, target in routing.csv, "
            "escalation_contact in accounts.csv, contract_owner_id in agencies.csv, holder_ids in roles.csv).",
        )


#: How each kind of record names a leaver, as the finding words it.
_NAMED_AS = {
    Kind.DEPARTMENT: "heads",
    Kind.RULE: "uses",
    Kind.ACCOUNT: "uses",
    Kind.AGENCY: "agencies",
    Kind.ROLE: "roles",
}


def top_findings(org: Org) -> Iterator[Finding]:
    tops = org.tops()
    if len(tops) < 2 or org.top_id is None:
        return
    size = _tree_sizes(org)
    main = label(org, Kind.PERSON, org.top_id)
    for person_id in tops:
        if person_id == org.top_id:
            continue
        person = org.people[person_id]
        who = label(org, Kind.PERSON, person_id)
        if person.manager_id is None:
            cause = "has no manager"
            fix = f"Set manager_id of {person_id} in people.csv (HR exports often leave it empty for contractors)."
        else:
            cause = f"reports to {label(org, Kind.PERSON, person.manager_id)}, who has left, with nobody above"
            fix = f"Set manager_id of {person_id} in people.csv to their current manager."
        below = size.get(person_id, 1) - 1
        yield Finding(
            "several-tops",
            Severity.ERROR,
            (key(Kind.PERSON, person_id), key(Kind.PERSON, org.top_id)),
            f"{who} {cause}: a second top of the organisation beside {main}, with {_count(below)} below them.",
            f"Chains of command through them stop at them and never reach {main}: "
            "an escalation there has nowhere to go, and 'who is in charge' has two answers.",
            fix,
        )


def _count(people: int) -> str:
    return "nobody" if people == 0 else "1 person" if people == 1 else f"{people} people"


def _tree_sizes(org: Org) -> dict[str, int]:
    """How many people (not left) have each top at the end of their chain, themselves included."""
    sizes: dict[str, int] = defaultdict(int)
    for person in org.people.values():
        if person.status is Status.LEFT:
            continue
        current, seen = person.id, {person.id}
        while True:
            manager, _ = org.effective_manager(current)
            if manager is None or manager in seen:
                break
            seen.add(manager)
            current = manager
        sizes[current] += 1
    return sizes


def absence_findings(org: Org, day: date) -> Iterator[Finding]:
    responsible: dict[str, list[str]] = defaultdict(list)  # person id → what they answer for
    for rule in sorted(org.rules.values(), key=lambda r: r.id):
        if rule.target.kind is Kind.PERSON:
            responsible[rule.target.id].append(key(Kind.RULE, rule.id))
        elif rule.target.kind is Kind.DEPARTMENT:
            head = getattr(org.departments.get(rule.target.id), "head_id", None)
            if head:
                responsible[head].append(key(Kind.RULE, rule.id))
    for account in sorted(org.accounts.values(), key=lambda a: a.id):
        contact = account.escalation_contact
        if contact is not None and contact.kind is Kind.PERSON:
            responsible[contact.id].append(key(Kind.ACCOUNT, account.id))
        owner = org.departments.get(account.owner_department_id or "")
        if owner is not None and owner.head_id:
            responsible[owner.head_id].append(key(Kind.ACCOUNT, account.id))
    for person_id in sorted(responsible):
        person = org.people.get(person_id)
        if person is None or person.status is Status.LEFT or not org.is_absent(person, day):
            continue
        if available_delegate(org, person, day) is not None:
            continue
        absence, delegate = org.absence_on(person_id, day), delegate_of(org, person, day)
        who = label(org, Kind.PERSON, person_id)
        since = f" ({absence.starts} to {absence.ends})" if absence else ""
        if delegate is not None:
            cover = f"their delegate {label(org, Kind.PERSON, delegate.id)} is not available either"
        else:
            cover = "nobody is named to cover"
        manager, _ = org.effective_manager(person_id)
        instead = f"their manager {label(org, Kind.PERSON, manager)}" if manager else "nobody: they stay with them"
        uses = list(dict.fromkeys(responsible[person_id]))
        fix = (
            f"Add delegate_id to the row of {person_id} in absences.csv"
            if absence
            else f"Add a row for {person_id} to absences.csv with a delegate_id and the dates"
        )
        yield Finding(
            "absent-without-delegate",
            Severity.WARNING,
            (key(Kind.PERSON, person_id), *uses),
            f"{who} is absent on {day}{since} and {cover}; {rely(org, uses)} on them.",
            f"Their questions go to {instead}, who was not named for them and may not know the cases.",
            fix + " (someone who can act for them until they are back).",
        )


def head_findings(org: Org) -> Iterator[Finding]:
    for department in sorted(org.departments.values(), key=lambda d: d.id):
        head = org.people.get(department.head_id or "")
        if head is None or head.status is Status.LEFT:
            continue
        sits = head.department_id
        if sits == department.id or (sits and department.id in org.ancestors(Kind.DEPARTMENT, sits)):
            continue
        where = label(org, Kind.DEPARTMENT, sits) if sits else "no department"
        nodes = [key(Kind.PERSON, head.id), key(Kind.DEPARTMENT, department.id)]
        if sits:
            nodes.append(key(Kind.DEPARTMENT, sits))
        yield Finding(
            "head-outside-department",
            Severity.WARNING,
            tuple(nodes),
            f"{label(org, Kind.PERSON, head.id)} heads {label(org, Kind.DEPARTMENT, department.id)} "
            f"but sits in {where}.",
            "The org chart and the responsibilities disagree: people looking for the department's head do not "
            "find them in it, and the head's chain of command runs through another line.",
            f"Set department_id of {head.id} in people.csv to {department.id}, "
            f"or head_id of {department.id} in departments.csv to someone who sits there.",
        )
