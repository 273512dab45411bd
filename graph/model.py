"""The org model: node and edge kinds, and one frozen record per node.

Vocabulary:

- A *node* is one thing in the organisation: a department, role, person,
  account, agency, issue type or routing rule. Each has an ``id`` unique
  within its kind; its *key* is ``kind:id`` (``person:p-ceo``), unique in the
  whole graph.
- A *reference* names another node: a plain id where the kind is fixed by the
  column (``manager_id``), or a :class:`Ref` (``role:billing``) where the kind
  is open (a rule's target, an account's escalation contact).
- An *edge* is a typed relation between two nodes (``REPORTS_TO``, ``OWNS``…).
  Records carry their outgoing references as fields; the edges of the graph are
  derived from those fields, so a record and its edges can never disagree.
- A *source* says where a record came from (file and row), so every refusal
  and every answer can point back at the line HR has to fix.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = [
    "ORGANIZATION",
    "Absence",
    "Account",
    "Agency",
    "Department",
    "EdgeKind",
    "IssueType",
    "Kind",
    "Person",
    "Record",
    "Ref",
    "Role",
    "Rule",
    "Source",
    "Status",
    "key",
]


class Kind(enum.StrEnum):
    """The kinds of node. The value is the prefix used in references and keys."""

    DEPARTMENT = "department"
    ROLE = "role"
    PERSON = "person"
    ACCOUNT = "account"
    AGENCY = "agency"
    ISSUE_TYPE = "issue_type"
    RULE = "rule"
    ABSENCE = "absence"


class EdgeKind(enum.StrEnum):
    """The kinds of edge, named as in the design (from → to)."""

    PART_OF = "PART_OF"  # Department → Department
    MEMBER_OF = "MEMBER_OF"  # Person → Department
    REPORTS_TO = "REPORTS_TO"  # Person → Person
    HEADS = "HEADS"  # Person → Department
    HOLDS = "HOLDS"  # Person → Role
    IN = "IN"  # Role → Department
    OWNS = "OWNS"  # Department → Account
    OPERATES = "OPERATES"  # Agency/Department → Account
    CONTRACT_OWNER_OF = "CONTRACT_OWNER_OF"  # Person → Agency
    ESCALATES_TO = "ESCALATES_TO"  # Account → Person/Role
    SUBTYPE_OF = "SUBTYPE_OF"  # IssueType → IssueType
    FOR = "FOR"  # Rule → IssueType
    APPLIES_TO = "APPLIES_TO"  # Rule → Account/Department (none: the organisation)
    ASSIGNS = "ASSIGNS"  # Rule → Role/Department/Person
    DELEGATES_TO = "DELEGATES_TO"  # Person → Person, while absent


class Status(enum.StrEnum):
    """A person's employment status as recorded by HR."""

    ACTIVE = "active"
    ABSENT = "absent"
    LEFT = "left"


def key(kind: Kind | str, id: str) -> str:
    """The graph-wide key of a node: ``key(Kind.PERSON, "p1") == "person:p1"``."""
    return f"{kind}:{id}"


@dataclass(frozen=True, slots=True, order=True)
class Ref:
    """A reference to a node of an open kind, written ``kind:id`` in a bundle."""

    kind: Kind
    id: str

    def __str__(self) -> str:
        return key(self.kind, self.id)


#: The scope of a rule that applies to the whole organisation.
ORGANIZATION = "organization"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from: a file and its 1-based row (the header is row 1)."""

    file: str
    row: int

    def __str__(self) -> str:
        return f"{self.file}:{self.row}"


_NO_SOURCE = Source("", 0)


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    name: str
    parent_id: str | None = None
    head_id: str | None = None
    source: Source = field(default=_NO_SOURCE, compare=False)

    kind = Kind.DEPARTMENT


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    title: str
    department_id: str | None = None
    holder_ids: tuple[str, ...] = ()
    source: Source = field(default=_NO_SOURCE, compare=False)

    kind = Kind.ROLE


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    email: str | None = None
    title: str | None = None
    department_id: str | None = None
    manager_id: str | None = None
    status: Status = Status.ACTIVE
    public: bool = False
    phone: str | None = None
    location: str | None = None
    source: Source = field(default=_NO_SOURCE, compare=False)

    kind = Kind.PERSON


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name: str
    contract_owner_id: str | None = None
    source: Source = field(default=_NO_SOURCE, compare=False)

    kind = Kind.AGENCY


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    platform: str
    handle: str
    name: str
    owner_department_id: str | None = None
    operated_by: Ref | None = None  # agency:ID or department:ID
    escalation_contact: Ref | None = None  # person:ID or role:ID
    source: Source = field(default=_NO_SOURCE, compare=False)

    kind = Kind.ACCOUNT


@dataclass(frozen=True, slots=True)
class IssueType:
    id: str
    name: str
    parent_id: str | None = None
    synonyms: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()  # phrases customers use for it; triage reads them (docs/triage.md)
    # How long a case of this type may wait for an answer, and each escalation level after it
    # (docs/cases.md); None here means "as the parent type says" (:func:`queries.cases.deadlines_of`).
    respond_within: timedelta | None = None
    escalate_every: timedelta | None = None
    source: Source = field(default=_NO_SOURCE, compare=False)

    kind = Kind.ISSUE_TYPE


@dataclass(frozen=True, slots=True)
class Rule:
    """A routing rule: issues of ``issue_type_id`` within ``scope`` go to ``target``.

    ``scope`` is ``None`` for the whole organisation, else an account or
    department reference.
    """

    id: str
    issue_type_id: str
    target: Ref
    scope: Ref | None = None
    source: Source = field(default=_NO_SOURCE, compare=False)

    kind = Kind.RULE


@dataclass(frozen=True, slots=True)
class Absence:
    """A person away on the days ``starts``..``ends`` inclusive, covered by a delegate."""

    person_id: str
    starts: date
    ends: date
    delegate_id: str | None = None
    source: Source = field(default=_NO_SOURCE, compare=False)

    kind = Kind.ABSENCE

    @property
    def id(self) -> str:
        return f"{self.person_id}@{self.starts.isoformat()}"

    def covers(self, day: date) -> bool:
        return self.starts <= day <= self.ends


Record = Department | Role | Person | Agency | Account | IssueType | Rule | Absence
