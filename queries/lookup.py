"""Finding things by the names people use, and suggesting near names when nothing matches.

Vocabulary:

- A *name* is whatever a person or agent types: an id, a handle (``@AcmeDeals``
  or ``twitter:@AcmeDeals``), a display name, an email, an issue type's synonym.
  Names compare ignoring case, accents and extra spaces.
- A *suggestion* is a known name close to an unknown one, offered in the
  error so the asker can try again.
- A *private name* is a name the public view withholds: a person's e-mail
  address, unless the person is marked public. Questions that find things by
  name take ``private``: whether the asker may read private fields (a caller
  without read scope may not). Without it a private name is never matched, so
  asking by a private address answers exactly as asking by an unknown name
  does, and cannot confirm whose address it is. :func:`shows_private` is that
  rule, for lookups, search and the API's answers alike.

Names are looked up, and near names found, in the org's indexes
(:mod:`graph.names`), built once per version: a miss on a name costs about
what a hit does, not a pass over every name of the org.

Finding near names is still the dearest part of a miss (about 20 ms among
200,000 names), and a document can ask thirty names at once. So a caller may
*bound the suggestions* of a piece of work (:func:`bound_suggestions`: the API
does, per request): past the bound, an unknown name is said without near names.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from buckstop.graph.errors import UnknownAccount, UnknownDepartment, UnknownIssueType, UnknownPerson
from buckstop.graph.model import Absence, Account, Agency, Department, IssueType, Kind, Person, Record, Role, Rule
from buckstop.graph.names import NameIndex
from buckstop.graph.org import Org, names_of, normalize
from buckstop.graph.store import Focus, Store

__all__ = [
    "bound_suggestions",
    "department_named",
    "find_account",
    "find_department",
    "find_issue_type",
    "find_person",
    "known",
    "label",
    "names_to_match",
    "shows_private",
    "suggest",
]


def shows_private(record: Record, *, private: bool) -> bool:
    """Whether an asker who may (``private``) or may not read private fields sees those of ``record``.

    Only people have private fields, and a person marked public shows them to anyone.

    >>> shows_private(Person("p-ann", "Ann Lee", email="ann@acme.example"), private=False)
    False
    >>> shows_private(Person("p-ceo", "Cy Eo", email="ceo@acme.example", public=True), private=False)
    True
    """
    return private or not isinstance(record, Person) or record.public


def names_to_match(record: Record, *, private: bool = True) -> Iterator[str]:
    """The names of ``record`` (:func:`~graph.org.names_of`) an asker may find it by: not a private one unless shown."""
    hidden = None if shows_private(record, private=private) else getattr(record, "email", None)
    for name in names_of(record):
        if name != hidden or name in (record.id, getattr(record, "name", None)):
            yield name


class _Suggestions:
    """How many more unknown names may get near names; shared by the threads of one piece of work."""

    def __init__(self, left: int) -> None:
        self.left = left
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


#: The bound of the work under way (a context variable: each request sets its own, and the threads
#: it asks questions in share it, since they run in a copy of its context). None: no bound.
_bound: ContextVar[_Suggestions | None] = ContextVar("buckstop_suggestions", default=None)


def bound_suggestions(most: int) -> None:
    """From now on in this context (a request), only the first ``most`` unknown names get near names."""
    _bound.set(_Suggestions(most))


def suggest(asked: str, names: Iterable[str] | NameIndex, n: int = 3) -> list[str]:
    """The known names nearest to ``asked``, best first: close ones, then those it is a fragment of.

    None once the bound of the work under way is spent (:func:`bound_suggestions`).
    """
    budget = _bound.get()
    if budget is not None and not budget.take():
        return []
    index = names if isinstance(names, NameIndex) else NameIndex(names)
    return index.near(asked, n)


def known(org: Org, store: Store | None, *kinds: Kind) -> Org:
    """An org holding every record of ``kinds``: ``org`` itself unless it is partial."""
    if org.partial and store is not None:
        return store.read(Focus.kinds(*kinds))
    return org


def find_account(org: Org, asked: str, store: Store | None = None) -> Account:
    """An account by id, handle or ``platform:handle``; UnknownAccount otherwise."""
    account = org.find_account(asked)
    if account is None:
        raise UnknownAccount(asked, suggest(asked, known(org, store, Kind.ACCOUNT).account_index))
    return account


def find_issue_type(org: Org, asked: str, store: Store | None = None) -> IssueType:
    """An issue type by id, name or synonym; UnknownIssueType otherwise."""
    issue = org.find_issue_type(asked)
    if issue is None:
        raise UnknownIssueType(asked, suggest(asked, known(org, store, Kind.ISSUE_TYPE).issue_type_index))
    return issue


def find_person(org: Org, asked: str, store: Store | None = None, *, private: bool = True) -> Person:
    """A person by id, email or (unique) full name; UnknownPerson otherwise.

    Without ``private``, a person's e-mail address counts only on people marked
    public: any other address is as unknown as a made-up one (see :func:`shows_private`).
    """
    person = org.people.get(asked.strip())
    if person is not None:
        return person
    wanted = normalize(asked)
    index = org.people_index
    by_email = [p for p in index.with_email(wanted) if shows_private(p, private=private)]
    matches = {p.id: p for p in [*index.named(wanted), *by_email]}
    if len(matches) == 1:
        return next(iter(matches.values()))
    if matches:
        raise UnknownPerson(asked, sorted(matches))  # ambiguous: the ids tell them apart
    # Names and ids only: an e-mail address is never suggested, so a suggestion cannot reveal one.
    raise UnknownPerson(asked, suggest(asked, known(org, store, Kind.PERSON).people_index.names))


def find_department(org: Org, asked: str, store: Store | None = None) -> Department:
    """A department by id or name; UnknownDepartment otherwise."""
    department = department_named(org, asked)
    if department is None:
        raise UnknownDepartment(asked, suggest(asked, known(org, store, Kind.DEPARTMENT).department_index))
    return department


def department_named(org: Org, asked: str) -> Department | None:
    """A department by id or name (the first by id when names repeat); None, without suggestions, otherwise.

    For questions that take a department or something else by one name, and say so when it is neither.
    """
    return org.find_department(asked)  # by key: a partial org's departments are not all there to scan


#: How many labels an org version keeps worked out (its ``"labels"`` index): every node's, up to this.
KEPT_LABELS = 200_000


def label(org: Org, kind: Kind, id: str) -> str:
    """A readable name for a node in explanations: ``Ann Lee (p-ann)``; once per node and org version."""
    labels: dict[tuple[Kind, str], str] = org.index("labels")
    key = (kind, id)
    found = labels.get(key)
    if found is None:
        found = _label(org, kind, id)
        if len(labels) >= KEPT_LABELS:
            labels.clear()  # a bound, not a cache policy
        labels[key] = found
    return found


def _label(org: Org, kind: Kind, id: str) -> str:
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
