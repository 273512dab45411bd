"""Finding things by the names people use, and suggesting near names when nothing matches.

Vocabulary:

- A *name* is whatever a person or agent types: an id, a handle (``@AcmeDeals``
  or ``twitter:@AcmeDeals``), a display name, an email, an issue type's synonym.
  Names compare ignoring case, accents and extra spaces.
- A *suggestion* is a known name close to an unknown one, offered in the
  error so the asker can try again.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from buckstop.graph.errors import UnknownAccount, UnknownDepartment, UnknownIssueType, UnknownPerson
from buckstop.graph.model import Absence, Account, Agency, Department, IssueType, Kind, Person, Role, Rule
from buckstop.graph.org import Org, normalize
from buckstop.graph.store import Focus, Store

__all__ = [
    "find_account",
    "find_department",
    "find_issue_type",
    "find_person",
    "known",
    "label",
    "suggest",
]


def suggest(asked: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The known names nearest to ``asked``, best first."""
    by_norm: dict[str, str] = {}
    for name in names:
        by_norm.setdefault(normalize(name), name)
    wanted = normalize(asked)
    close = difflib.get_close_matches(wanted, by_norm, n=n, cutoff=0.6)
    if len(close) < n:  # a fragment of a longer name ("deals" → "@AcmeDeals") counts too
        close += [k for k in sorted(by_norm) if wanted and wanted in k and k not in close][: n - len(close)]
    return [by_norm[k] for k in close]


def known(org: Org, store: Store | None, *kinds: Kind) -> Org:
    """An org holding every record of ``kinds``: ``org`` itself unless it is partial."""
    if org.partial and store is not None:
        return store.read(Focus.kinds(*kinds))
    return org


def find_account(org: Org, asked: str, store: Store | None = None) -> Account:
    """An account by id, handle or ``platform:handle``; UnknownAccount otherwise."""
    account = org.find_account(asked)
    if account is None:
        names = known(org, store, Kind.ACCOUNT).account_names()
        raise UnknownAccount(asked, suggest(asked, names))
    return account


def find_issue_type(org: Org, asked: str, store: Store | None = None) -> IssueType:
    """An issue type by id, name or synonym; UnknownIssueType otherwise."""
    issue = org.find_issue_type(asked)
    if issue is None:
        names = known(org, store, Kind.ISSUE_TYPE).issue_type_names()
        raise UnknownIssueType(asked, suggest(asked, names))
    return issue


def find_person(org: Org, asked: str, store: Store | None = None) -> Person:
    """A person by id, email or (unique) full name; UnknownPerson otherwise."""
    person = org.people.get(asked.strip())
    if person is not None:
        return person
    wanted = normalize(asked)
    matches = [
        p for p in org.people.values() if wanted in (normalize(p.email or ""), normalize(p.name), normalize(p.id))
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        ids = sorted(p.id for p in matches)
        raise UnknownPerson(asked, ids)  # ambiguous: the ids tell them apart
    everyone = known(org, store, Kind.PERSON).people
    names = [p.name for p in everyone.values()] + list(everyone)
    raise UnknownPerson(asked, suggest(asked, names))


def find_department(org: Org, asked: str, store: Store | None = None) -> Department:
    """A department by id or name; UnknownDepartment otherwise."""
    department = org.departments.get(asked.strip())
    if department is not None:
        return department
    wanted = normalize(asked)
    for d in sorted(org.departments.values(), key=lambda d: d.id):
        if normalize(d.name) == wanted or normalize(d.id) == wanted:
            return d
    departments = known(org, store, Kind.DEPARTMENT).departments
    names = [d.name for d in departments.values()] + list(departments)
    raise UnknownDepartment(asked, suggest(asked, names))


def label(org: Org, kind: Kind, id: str) -> str:
    """A readable name for a node in explanations: ``Ann Lee (p-ann)``."""
    match org.get(kind, id):
        case None | Absence() | Rule():
            return f"{kind.value.replace('_', ' ')} {id}"
        case Account() as account:
            return f"{account.handle} ({account.platform})"
        case Role() as role:
            return f"role {role.title} ({id})"
        case IssueType() as issue:
            return repr(issue.name)
        case Department() | Person() | Agency() as named:
            return f"{named.name} ({id})"
    return id
