"""The chain-of-command audit: where the org will fail a customer, found before a customer finds it.

Vocabulary:

- A *finding* is one defect of one *kind* (``dead-end``, ``several-tops``…; see
  :data:`KINDS`), with a *severity*: ``error`` when the chain of command is
  broken (something has nobody answerable, or someone gone is still answerable),
  ``warning`` when answers exist but are worse than they should be, ``info``
  when it is worth knowing and harmless today.
- A finding names the *nodes* involved (keys ``kind:id``, the one to fix first),
  says *why* it matters and *how to fix* it, and points at the bundle rows
  (``file:row``) to edit.
- *Dead ends* and rules that are never *used* are as :mod:`queries.coverage`
  defines them; a dead end is reported once per issue type and cause, naming
  every account, and a narrower issue type that dead-ends because its broader
  one does is named in the broader one's finding.
- A *responsible* person is one routing can hand an issue to directly: a rule's
  target, an account's escalation contact, or the head of a department that a
  rule targets or that owns an account.
- Absences count on one day (``on``, default today), as in routing.
- Names that do not read as they look (*hidden characters*, *look-alike*
  words) are as :mod:`queries.text` defines them; every name the public view
  shows is checked (ids, names, titles, handles, synonyms).

>>> audit(store, on=date(2026, 11, 23)).errors  # doctest: +SKIP
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from buckstop.graph.model import Account, Kind, Person, Record, Ref, Status, key
from buckstop.graph.org import Org
from buckstop.graph.store import WHOLE, Store

from .coverage import Coverage
from .lookup import label
from .resolve import Resolver
from .routing import fallback_handlers
from .text import describe, hidden_characters, mixed_scripts

__all__ = ["KINDS", "Audit", "Finding", "Severity", "audit", "audit_org"]


class Severity(enum.StrEnum):
    """How bad a finding is; ``buckstop audit --strict`` fails on ``error``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


#: Every kind of finding, in the order they are reported, with what it means.
KINDS: dict[str, str] = {
    "account-without-owner": "an account no department owns",
    "agency-without-contract-owner": "an account run by an agency that nobody inside answers for",
    "contract-owner-left": "an account run by an agency whose contract owner has left",
    "left-but-responsible": "someone who left but still heads a department, is a contact or a rule's target",
    "several-tops": "more than one person at the top of the organisation",
    "dead-end": "issue types that reach only a fallback on some accounts",
    "account-without-escalation-contact": "an account with nobody to escalate to when no rule applies",
    "role-without-active-holder": "a role nobody available holds",
    "absent-without-delegate": "a responsible person away with nobody covering",
    "head-outside-department": "a department head who sits in another department",
    "rule-never-matches": "a routing rule that no account and issue type ever reaches",
    "hidden-characters-in-name": "a name holding control characters, escape sequences or bidi controls",
    "look-alike-name": "a name with a word that mixes look-alike alphabets (a Cyrillic а in a Latin name)",
    # Of the org's shape, read as a graph (queries/structure.py):
    "not-connected-to-top": "a part of the org that nothing links to the top",
    "span-of-control-outlier": "a person with far more direct reports than the org's norm",
    "depth-outlier": "a person far more levels below the top than the org's norm",
    "single-point-of-failure": "a person every escalation path of many accounts passes through",
}

_ORDER = {severity: i for i, severity in enumerate(Severity)}
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One defect: what is wrong, with which nodes, why it matters, how to fix it, where."""

    kind: str
    severity: Severity
    nodes: tuple[str, ...]  # keys, the one to fix first
    message: str
    why: str
    fix: str
    where: tuple[str, ...] = ()  # bundle rows of the nodes, file:row


@dataclass(frozen=True)
class Audit:
    """Every finding of one org on one day, worst first."""

    findings: tuple[Finding, ...]
    day: date
    org: Org = field(compare=False, repr=False)  # the org the audit was read from

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def clean(self) -> bool:
        return not self.findings


def audit(store: Store, *, on: date | None = None) -> Audit:
    """Audit the whole org held by ``store`` on day ``on`` (default: today)."""
    return audit_org(store.read(WHOLE), on=on or date.today())


def audit_org(org: Org, *, on: date) -> Audit:
    """Audit an org already read whole."""
    from .structure import structural_findings  # it builds on this module's Finding

    coverage = Coverage(org, on)
    found = [
        *_accounts(org, on),
        *_leavers(org),
        *_tops(org),
        *_dead_ends(org, coverage),
        *_roles(org, on),
        *_absent(org, on),
        *_heads(org),
        *_rules(org, coverage),
        *_deceptive_names(org),
    ]
    found += structural_findings(org, coverage, found)
    located = [_located(org, f) for f in found]
    located.sort(key=lambda f: (_ORDER[f.severity], _KIND_ORDER[f.kind], f.nodes))
    return Audit(tuple(located), on, org)


# -- helpers ------------------------------------------------------------------------


def _name(org: Org, ref: str) -> str:
    kind, _, id = ref.partition(":")
    return label(org, Kind(kind), id)


def _names(org: Org, refs: list[str]) -> str:
    return ", ".join(_name(org, r) for r in refs)


def _rely(org: Org, refs: list[str]) -> str:
    """``rule r-1 relies`` / ``rule r-1, @Acme (twitter) rely``."""
    return f"{_names(org, refs)} {'relies' if len(refs) == 1 else 'rely'}"


def _located(org: Org, finding: Finding) -> Finding:
    rows: list[str] = []
    for node in finding.nodes:
        kind, _, id = node.partition(":")
        record = org.get(Kind(kind), id)
        if record is not None and record.source.file and str(record.source) not in rows:
            rows.append(str(record.source))
    return replace(finding, where=tuple(rows))


def _available(org: Org, person: Person, day: date) -> bool:
    return person.status is Status.ACTIVE and not org.is_absent(person, day)


def _users(org: Org, ref: Ref) -> list[str]:
    """The rules that target ``ref`` and the accounts that escalate to it, as keys."""
    rules = [key(Kind.RULE, r.id) for r in sorted(org.rules.values(), key=lambda r: r.id) if r.target == ref]
    accounts = [
        key(Kind.ACCOUNT, a.id)
        for a in sorted(org.accounts.values(), key=lambda a: a.id)
        if a.escalation_contact == ref
    ]
    return rules + accounts


# -- accounts -------------------------------------------------------------------------


def _accounts(org: Org, day: date) -> Iterator[Finding]:
    for account in sorted(org.accounts.values(), key=lambda a: a.id):
        node = key(Kind.ACCOUNT, account.id)
        name = label(org, Kind.ACCOUNT, account.id)
        if account.owner_department_id is None:
            yield Finding(
                "account-without-owner",
                Severity.ERROR,
                (node,),
                f"{name} is owned by no department.",
                "Nobody inside the company is answerable for it: rules scoped to a department never reach it, "
                "and questions no rule covers go to its escalation contact, whoever runs it, or the top.",
                f"Set owner_department_id of {account.id} in accounts.csv to the department that answers for it.",
            )
        yield from _agency(org, account)
        if account.escalation_contact is None:
            handlers = fallback_handlers(org, account, Resolver(org, day))
            instead = _names(org, [key(Kind.PERSON, h) for h in sorted(set(handlers))]) or "nobody"
            yield Finding(
                "account-without-escalation-contact",
                Severity.WARNING,
                (node,),
                f"{name} has no escalation contact.",
                f"Questions no rule covers go to {instead} by default, rather than to someone who watches the account.",
                f"Set escalation_contact of {account.id} in accounts.csv (person:ID or role:ID).",
            )


def _agency(org: Org, account: Account) -> Iterator[Finding]:
    operator = account.operated_by
    if operator is None or operator.kind is not Kind.AGENCY or operator.id not in org.agencies:
        return
    agency = org.agencies[operator.id]
    nodes = (key(Kind.ACCOUNT, account.id), key(Kind.AGENCY, agency.id))
    name, runner = label(org, Kind.ACCOUNT, account.id), label(org, Kind.AGENCY, agency.id)
    owner = org.people.get(agency.contract_owner_id or "")
    if owner is None:
        yield Finding(
            "agency-without-contract-owner",
            Severity.ERROR,
            nodes,
            f"{name} is run by {runner}, which has no contract owner.",
            "Nobody inside answers for the agency: when it mishandles a customer, nobody can be asked to act.",
            f"Set contract_owner_id of {agency.id} in agencies.csv to the employee who manages the agency.",
        )
    elif owner.status is Status.LEFT:
        yield Finding(
            "contract-owner-left",
            Severity.ERROR,
            (*nodes, key(Kind.PERSON, owner.id)),
            f"{name} is run by {runner}, whose contract owner {label(org, Kind.PERSON, owner.id)} has left.",
            "The agency answers to someone who is gone: its work goes unchecked and its escalations reach nobody.",
            f"Set contract_owner_id of {agency.id} in agencies.csv to a current employee.",
        )


# -- people ---------------------------------------------------------------------------


def _leavers(org: Org) -> Iterator[Finding]:
    left = {p.id for p in org.people.values() if p.status is Status.LEFT}
    named: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))  # person → what → keys
    run_by = {a.operated_by.id for a in org.accounts.values() if a.operated_by and a.operated_by.kind is Kind.AGENCY}
    for d in sorted(org.departments.values(), key=lambda d: d.id):
        if d.head_id in left:
            named[d.head_id]["heads"].append(key(Kind.DEPARTMENT, d.id))
    for rule in sorted(org.rules.values(), key=lambda r: r.id):
        if rule.target.kind is Kind.PERSON and rule.target.id in left:
            named[rule.target.id]["uses"].append(key(Kind.RULE, rule.id))
    for account in sorted(org.accounts.values(), key=lambda a: a.id):
        contact = account.escalation_contact
        if contact is not None and contact.kind is Kind.PERSON and contact.id in left:
            named[contact.id]["uses"].append(key(Kind.ACCOUNT, account.id))
    for g in sorted(org.agencies.values(), key=lambda g: g.id):
        if g.contract_owner_id in left and g.id not in run_by:  # else: contract-owner-left names them
            named[g.contract_owner_id]["agencies"].append(key(Kind.AGENCY, g.id))
    for r in sorted(org.roles.values(), key=lambda r: r.id):
        for holder in r.holder_ids:
            if holder in left:
                named[holder]["roles"].append(key(Kind.ROLE, r.id))
    for person_id in sorted(named):
        person = org.people[person_id]
        heads, uses = named[person_id]["heads"], named[person_id]["uses"]
        agencies, roles = named[person_id]["agencies"], named[person_id]["roles"]
        serious = heads + uses + agencies
        who = label(org, Kind.PERSON, person.id)
        parts = []
        if heads:
            parts.append(f"heads {_names(org, heads)}")
        if uses:
            parts.append(f"is named by {_names(org, uses)}")
        if agencies:
            parts.append(f"is the contract owner of {_names(org, agencies)}")
        if roles:
            parts.append(f"holds {_names(org, roles)}")
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


def _tops(org: Org) -> Iterator[Finding]:
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


def _absent(org: Org, day: date) -> Iterator[Finding]:
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
        absence = org.absence_on(person_id, day)
        delegate = org.people.get(absence.delegate_id or "") if absence else None
        if delegate is not None and _available(org, delegate, day):
            continue
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
            f"{who} is absent on {day}{since} and {cover}; {_rely(org, uses)} on them.",
            f"Their questions go to {instead}, who was not named for them and may not know the cases.",
            fix + " (someone who can act for them until they are back).",
        )


def _heads(org: Org) -> Iterator[Finding]:
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


# -- roles and rules ----------------------------------------------------------------------


def _roles(org: Org, day: date) -> Iterator[Finding]:
    for role in sorted(org.roles.values(), key=lambda r: r.id):
        holders = [org.people[h] for h in sorted(role.holder_ids) if h in org.people]
        if any(_available(org, p, day) for p in holders):
            continue
        uses = _users(org, Ref(Kind.ROLE, role.id))
        covered = [p for p in holders if _delegated(org, p, day)]
        name = label(org, Kind.ROLE, role.id)
        if holders:
            states = ", ".join(f"{p.name} ({'left' if p.status is Status.LEFT else 'absent'})" for p in holders)
            what = f"{name} has no holder available on {day}: {states}."
        else:
            what = f"{name} has no holder."
        dept = label(org, Kind.DEPARTMENT, role.department_id) if role.department_id else None
        if not uses:
            why = "Nothing routes to it today, so nothing is lost yet; a rule that names it would fall through."
        elif covered:
            why = f"{_rely(org, uses)} on it; the delegates of its absent holders cover it for now."
        else:
            instead = f"the head of {dept}" if dept else "the fallback"
            why = f"{_rely(org, uses)} on it; with nobody in it, the questions go to {instead} instead."
        yield Finding(
            "role-without-active-holder",
            Severity.WARNING if uses and not covered else Severity.INFO,
            (key(Kind.ROLE, role.id), *uses),
            what,
            why,
            f"Name who holds it in holder_ids of {role.id} in roles.csv, or point what relies on it elsewhere.",
        )


def _delegated(org: Org, person: Person, day: date) -> bool:
    absence = org.absence_on(person.id, day)
    delegate = org.people.get(absence.delegate_id or "") if absence else None
    return delegate is not None and _available(org, delegate, day)


def _dead_ends(org: Org, coverage: Coverage) -> Iterator[Finding]:
    for dead in coverage.dead_ends():
        issue = label(org, Kind.ISSUE_TYPE, dead.issue_type_id)
        reaching = "; ".join(
            f"{label(org, Kind.ACCOUNT, a)} → "
            + (", ".join(p.name for p in coverage.route(a, dead.issue_type_id).handlers) or "nobody")
            for a in dead.account_ids
        )
        message = f"{issue} reaches only a fallback on {len(dead.account_ids)} of {len(coverage.accounts)} accounts: "
        message += f"{reaching}."
        if dead.narrower:
            message += (
                f" So do its narrower issue types {_names(org, [key(Kind.ISSUE_TYPE, n) for n in dead.narrower])}."
            )
        accounts = tuple(key(Kind.ACCOUNT, a) for a in dead.account_ids)
        if dead.rule_id is None:
            why = (
                f"No rule routes {issue} on these accounts: it lands with whoever watches the account, who may not "
                "be able to act on it ('I only do marketing'), and waits there while the customer waits too."
            )
            fix = (
                f"Add a row to routing.csv for {dead.issue_type_id} naming who acts on it: scope organization for "
                "every account, or department:ID / account:ID for these. If the fallback is intended, this can stay."
            )
            nodes = (key(Kind.ISSUE_TYPE, dead.issue_type_id), *accounts)
        else:
            why = f"Rule {dead.rule_id} applies, but nobody it names is available on {coverage.day}, so it falls back."
            fix = f"Give the target of {dead.rule_id} an available holder or a delegate, or point it at someone who is."
            nodes = (key(Kind.RULE, dead.rule_id), key(Kind.ISSUE_TYPE, dead.issue_type_id), *accounts)
        yield Finding("dead-end", Severity.WARNING, nodes, message, why, fix)


def _rules(org: Org, coverage: Coverage) -> Iterator[Finding]:
    for rule in coverage.unused():
        issue = label(org, Kind.ISSUE_TYPE, rule.issue_type_id)
        where = _name(org, str(rule.scope)) if rule.scope else "the organisation"
        winners = coverage.beaten_by(rule)
        if not coverage.in_scope(rule):
            why = f"No account is in its scope ({where}): nothing is owned there or below."
            fix = f"Change the scope of {rule.id} in routing.csv, or remove the rule."
        else:
            why = f"Every account in its scope has a narrower rule for {issue}: {', '.join(winners)}. "
            why += "It is dead configuration that misleads whoever reads routing.csv."
            fix = f"Remove {rule.id} from routing.csv, or narrow the rules that beat it if it should apply."
        yield Finding(
            "rule-never-matches",
            Severity.WARNING,
            (key(Kind.RULE, rule.id), *(key(Kind.RULE, w) for w in winners)),
            f"Rule {rule.id} ({issue} on {where}) never applies to any account.",
            why,
            fix,
        )


# -- names ----------------------------------------------------------------------------

#: The bundle file each kind is written in, for the fixes.
_FILES = {
    Kind.DEPARTMENT: "departments.csv",
    Kind.ROLE: "roles.csv",
    Kind.PERSON: "people.csv",
    Kind.ACCOUNT: "accounts.csv",
    Kind.AGENCY: "agencies.csv",
    Kind.ISSUE_TYPE: "issue_types.csv",
    Kind.RULE: "routing.csv",
    Kind.ABSENCE: "absences.csv",
}


def _written_names(record: Record) -> Iterator[tuple[str, str]]:
    """(field, value) of each name of ``record`` anyone may read (never a private e-mail address), each value once.

    An account's name is its handle unless the bundle gives one, so the handle comes first.
    """
    values = [(f, getattr(record, f, None)) for f in ("id", "handle", "name", "title")]
    values += [("synonyms", synonym) for synonym in getattr(record, "synonyms", ())]
    seen: set[str] = set()
    for field_name, value in values:
        if isinstance(value, str) and value and value not in seen:
            seen.add(value)
            yield field_name, value


def _deceptive_names(org: Org) -> Iterator[Finding]:
    for record in sorted(org.records(), key=lambda r: (r.kind.value, r.id)):
        node, file = key(record.kind, record.id), _FILES[record.kind]
        ident = record.id if record.id.isprintable() else repr(record.id)
        subject = f"{record.kind.value.replace('_', ' ')} {ident}"
        for field_name, value in _written_names(record):
            if hidden := hidden_characters(value):
                yield Finding(
                    "hidden-characters-in-name",
                    Severity.WARNING,
                    (node,),
                    f"The {field_name} of {subject}, {value!r}, holds hidden characters: "
                    f"{', '.join(describe(c) for c in hidden)}.",
                    "A terminal acts on them instead of showing them: a control character or an escape sequence "
                    "can clear the screen or forge a line of output, and a bidi control reorders the text after it, "
                    "so the name reads as something else. Nobody can type them, so asking by the name never finds it.",
                    f"Remove them from the {field_name} of {ident} in {file} (until then buckstop prints them "
                    "as escapes, such as \\x1b).",
                )
            for mix in mixed_scripts(value):
                letters = ", ".join(f"{c!r} ({describe(c)})" for c in mix.letters)
                yield Finding(
                    "look-alike-name",
                    Severity.WARNING,
                    (node,),
                    f"The {field_name} of {subject}, {value!r}, mixes alphabets in one word: {mix.word!r} has "
                    f"{mix.script} {letters} among {mix.main} letters.",
                    "The letters look the same but are not: the name passes for another, as an impersonation would, "
                    "and asking by the name as people type it never finds it.",
                    f"Retype the {field_name} of {ident} in {file} in one alphabet; if it is right as it is, "
                    "this can stay.",
                )
