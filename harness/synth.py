"""Synthetic organisations: seeded, realistic in shape, any size.

Vocabulary:

- ``synth(people, seed)`` builds a whole org as records: a department tree
  (each department with 2-6 sub-departments, about ``people / 25``
  departments), people placed in departments with managers inside the
  department or its head (span about 6-8, depth growing with size), roles with
  vacancies, agencies and accounts (some agency-run, some with no escalation
  contact), an issue taxonomy three levels deep, and rules at every scope
  (organisation, department, account) so specificity matters; absences with and
  without delegates, and a few people who left.
- The same ``(people, seed)`` always gives the same org, so a failure or a
  benchmark figure reproduces.
- ``write_bundle(records, folder)`` writes the records as a bundle of CSV files;
  ``load_org(kind, people, seed, work)`` loads a synthetic org (or the demo org)
  into a store file and says what it holds.

Used by the benchmarks (``bench/``) and by the tests (parity, cost, faults, questions).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from buckstop import seed as demo
from buckstop.graph.codec import encode
from buckstop.graph.memory import MemoryStore
from buckstop.graph.model import (
    Absence,
    Account,
    Agency,
    Department,
    IssueType,
    Kind,
    Person,
    Record,
    Ref,
    Role,
    Rule,
    Status,
)
from buckstop.graph.org import Org
from buckstop.loaders import apply_bundle

__all__ = ["DAY", "Synth", "load_org", "synth", "write_bundle"]

#: The day the synthetic absences are placed around.
DAY = date(2026, 11, 23)

_FIRST = ("Ada", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea", "Mo", "Nia")
_LAST = ("Abe", "Bose", "Cruz", "Diaz", "Eng", "Fox", "Gao", "Hill", "Ito", "Jain", "Kim", "Lund", "Mora", "Ng")


@dataclass
class Synth:
    """A synthetic org: its records, and the names worth asking about."""

    records: list[Record]
    accounts: list[str]
    issue_types: list[str]

    def of(self, kind: Kind) -> list[Record]:
        return [r for r in self.records if r.kind is kind]


def synth(people: int, seed: int = 1) -> Synth:
    """A whole org of ``people`` people, the same for the same seed."""
    rng = random.Random(seed)
    departments = _departments(rng, max(1, people // 25))
    persons, heads = _people(rng, people, departments)
    departments = [
        Department(d.id, d.name, parent_id=d.parent_id, head_id=heads.get(d.id) if rng.random() > 0.03 else None)
        for d in departments
    ]
    departments[0] = Department(departments[0].id, departments[0].name, head_id=persons[0].id)
    roles = _roles(rng, departments, persons)
    agencies, accounts = _accounts(rng, departments, persons, roles)
    issues = _issue_types(rng)
    rules = _rules(rng, issues, departments, accounts, roles, persons)
    absences = _absences(rng, persons)
    records: list[Record] = [*departments, *persons, *roles, *agencies, *accounts, *issues, *rules, *absences]
    return Synth(records, [a.id for a in accounts], [i.id for i in issues])


def _departments(rng: random.Random, count: int) -> list[Department]:
    departments = [Department("d0", "Company")]
    frontier = [departments[0]]
    while len(departments) < count:
        parent = frontier.pop(0)
        for _ in range(rng.randint(2, 6)):
            if len(departments) >= count:
                break
            child = Department(f"d{len(departments)}", f"Department {len(departments)}", parent_id=parent.id)
            departments.append(child)
            frontier.append(child)
    return departments


def _people(rng: random.Random, count: int, departments: list[Department]) -> tuple[list[Person], dict[str, str]]:
    """People in departments: each department's head reports to the parent's head; others to a peer above."""
    persons: list[Person] = []
    heads: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for index in range(count):
        if index < len(departments):
            department = departments[index]  # the first people head the departments, in tree order
            manager = heads.get(department.parent_id or "")
            heads[department.id] = f"p{index}"
        else:
            department = departments[rng.randrange(len(departments))]
            pool = members.get(department.id) or [heads[department.id]]
            manager = pool[rng.randrange(min(len(pool), 1 + len(pool) // 7))] if rng.random() < 0.3 else pool[0]
        pid = f"p{index}"
        members.setdefault(department.id, []).append(pid)
        roll = rng.random()
        status = Status.LEFT if roll < 0.01 and index else Status.ABSENT if roll < 0.02 and index else Status.ACTIVE
        name = f"{_FIRST[rng.randrange(len(_FIRST))]} {_LAST[rng.randrange(len(_LAST))]} {index}"
        persons.append(
            Person(
                pid,
                name,
                email=f"{pid}@synth.example",
                title="Head" if pid == heads.get(department.id) else "Staff",
                department_id=department.id,
                manager_id=manager if index else None,
                status=status,
                public=pid == heads.get(department.id),
            )
        )
    return persons, heads


def _roles(rng: random.Random, departments: list[Department], persons: list[Person]) -> list[Role]:
    roles = []
    for index in range(max(3, len(departments) // 2)):
        department = departments[rng.randrange(len(departments))]
        holders = (
            ()
            if rng.random() < 0.15
            else tuple(sorted({persons[rng.randrange(len(persons))].id for _ in range(rng.randint(1, 3))}))
        )
        roles.append(Role(f"r{index}", f"Role {index}", department_id=department.id, holder_ids=holders))
    return roles


def _accounts(
    rng: random.Random, departments: list[Department], persons: list[Person], roles: list[Role]
) -> tuple[list[Agency], list[Account]]:
    agencies = [
        Agency(f"ag{i}", f"Agency {i}", contract_owner_id=persons[rng.randrange(len(persons))].id)
        for i in range(max(1, len(departments) // 20))
    ]
    platforms = ("twitter", "facebook", "instagram", "phone", "b2b")
    accounts = []
    for index in range(max(4, len(departments) // 4)):
        owner = departments[rng.randrange(len(departments))].id if rng.random() > 0.05 else None
        roll = rng.random()
        operator = (
            Ref(Kind.AGENCY, agencies[rng.randrange(len(agencies))].id)
            if roll < 0.3
            else Ref(Kind.DEPARTMENT, owner)
            if owner
            else None
        )
        contact_roll = rng.random()
        contact = (
            Ref(Kind.ROLE, roles[rng.randrange(len(roles))].id)
            if contact_roll < 0.4
            else Ref(Kind.PERSON, persons[rng.randrange(len(persons))].id)
            if contact_roll < 0.7
            else None
        )
        platform = platforms[index % len(platforms)]
        accounts.append(Account(f"a{index}", platform, f"@Acct{index}", f"Account {index}", owner, operator, contact))
    return agencies, accounts


def _issue_types(rng: random.Random) -> list[IssueType]:
    issues = []
    for top in range(4):
        issues.append(IssueType(f"i{top}", f"Issue {top}", synonyms=(f"topic {top}",)))
        for mid in range(3):
            mid_id = f"i{top}.{mid}"
            issues.append(IssueType(mid_id, f"Issue {top}.{mid}", parent_id=f"i{top}"))
            for leaf in range(rng.randint(0, 3)):
                issues.append(IssueType(f"{mid_id}.{leaf}", f"Issue {top}.{mid}.{leaf}", parent_id=mid_id))
    return issues


def _rules(
    rng: random.Random,
    issues: list[IssueType],
    departments: list[Department],
    accounts: list[Account],
    roles: list[Role],
    persons: list[Person],
) -> list[Rule]:
    rules: list[Rule] = []
    used: set[tuple[str, str]] = set()
    for issue in issues:
        for _ in range(rng.randint(0, 3)):
            roll = rng.random()
            scope = (
                None
                if roll < 0.35
                else Ref(Kind.DEPARTMENT, departments[rng.randrange(len(departments))].id)
                if roll < 0.75
                else Ref(Kind.ACCOUNT, accounts[rng.randrange(len(accounts))].id)
            )
            if (issue.id, str(scope)) in used:
                continue  # two rules in one slot would be ambiguous
            used.add((issue.id, str(scope)))
            pick = rng.random()
            target = (
                Ref(Kind.ROLE, roles[rng.randrange(len(roles))].id)
                if pick < 0.5
                else Ref(Kind.DEPARTMENT, departments[rng.randrange(len(departments))].id)
                if pick < 0.8
                else Ref(Kind.PERSON, persons[rng.randrange(len(persons))].id)
            )
            rules.append(Rule(f"rule{len(rules)}", issue.id, target, scope=scope))
    return rules


def _absences(rng: random.Random, persons: list[Person]) -> list[Absence]:
    absences = []
    for person in rng.sample(persons, k=max(1, len(persons) // 50)):
        starts = DAY - timedelta(days=rng.randint(0, 10))
        ends = DAY + timedelta(days=rng.randint(-2, 30))  # some ended just before DAY
        delegate = persons[rng.randrange(len(persons))].id if rng.random() < 0.7 else None
        if delegate == person.id:
            delegate = None
        absences.append(Absence(person.id, starts, max(starts, ends), delegate_id=delegate))
    return absences


# -- writing a bundle -----------------------------------------------------------------

_FILES: dict[Kind, tuple[str, tuple[str, ...]]] = {
    Kind.DEPARTMENT: ("departments.csv", ("id", "name", "parent_id", "head_id")),
    Kind.PERSON: (
        "people.csv",
        ("id", "name", "email", "title", "department_id", "manager_id", "status", "public", "phone", "location"),
    ),
    Kind.ROLE: ("roles.csv", ("id", "title", "department_id", "holder_ids")),
    Kind.AGENCY: ("agencies.csv", ("id", "name", "contract_owner_id")),
    Kind.ACCOUNT: (
        "accounts.csv",
        ("id", "platform", "handle", "name", "owner_department_id", "operated_by", "escalation_contact"),
    ),
    Kind.ISSUE_TYPE: ("issue_types.csv", ("id", "name", "parent_id", "synonyms")),
    Kind.RULE: ("routing.csv", ("id", "issue_type_id", "scope", "target")),
    Kind.ABSENCE: ("absences.csv", ("person_id", "delegate_id", "starts", "ends")),
}


def write_bundle(records: Iterable[Record], folder: Path) -> Path:
    """Write ``records`` as a bundle of the generic CSV files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    by_kind: dict[Kind, list[Record]] = {}
    for record in records:
        by_kind.setdefault(record.kind, []).append(record)
    for kind, rows in by_kind.items():
        name, columns = _FILES[kind]
        with (folder / name).open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            for record in rows:
                data = encode(record)
                if kind is Kind.RULE and "scope" not in data:
                    data["scope"] = "organization"
                writer.writerow([_cell(data.get(c)) for c in columns])
    return folder


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def load_org(kind: str, people: int, seed_: int, work: Path) -> tuple[Path, Org, str]:
    """The store file every server opens, its org, and a line that says what it is."""
    db = work / "org.db"
    if kind == "demo":
        folder, what = demo.FOLDER, "the demo org of seed/ (Corvid Electronics)"
    else:
        folder = write_bundle(synth(people, seed=seed_).records, work / "bundle")
        what = f"a synthetic org (harness.synth, --people {people}, seed {seed_})"
    store = MemoryStore(db)
    try:
        apply_bundle(store, folder)
        org = store.read()
    finally:
        store.close()
    kinds = {Kind.PERSON: "people", Kind.DEPARTMENT: "departments", Kind.ACCOUNT: "accounts"}
    kinds |= {Kind.ISSUE_TYPE: "issue types", Kind.RULE: "rules"}
    sizes = ", ".join(f"{len(org.of_kind(k)):,} {name}" for k, name in kinds.items())
    return db, org, f"{what}: {sizes}"
