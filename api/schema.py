"""The GraphQL schema: the questions of ``queries``, shaped for other tools.

The names of ``route``, ``top``, ``chainOfCommand``, ``boss``,
``whoIsInCharge`` and ``person`` are a contract (see ``api/schema.graphql``,
checked by a test): add around them, never rename them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

import queries
from graph.org import Org
from graph.store import Focus, Store
from queries.lookup import find_person

from .errors import ErrorShape
from .loading import Mutation
from .types import (
    Account,
    Department,
    Hit,
    IssueType,
    OrgHealth,
    Person,
    ResponsibilityMatrix,
    Role,
    Routing,
    View,
)

__all__ = ["schema"]


def _store(info: Info) -> Store:
    store: Store = info.context["store"]
    return store


def _view(info: Info, org: Org) -> View:
    return View(org, _store(info))


@strawberry.type
class Query:
    @strawberry.field(description="Who handles `issueType` (id, name or synonym) on `account` (id or handle).")
    def route(self, info: Info, account: str, issue_type: str, on: date | None = None) -> Routing:
        answer = queries.route(_store(info), account, issue_type, on=on)
        return Routing.of(answer, _view(info, answer.org))

    @strawberry.field(description="The person at the top of the organisation: the name on the door.")
    def top(self, info: Info) -> Person | None:
        person, org = queries.top(_store(info))
        return Person.of(person, _view(info, org)) if person else None

    @strawberry.field(description="The people above a person (id, email or name), nearest first.")
    def chain_of_command(self, info: Info, person: strawberry.ID) -> list[Person]:
        chain = queries.chain_of_command(_store(info), str(person))
        view = _view(info, chain.org)
        return [Person.of(p, view) for p in chain.above]

    @strawberry.field(name="boss", description="A person's manager (the nearest who has not left).")
    def boss(self, info: Info, of: strawberry.ID) -> Person | None:
        person, org = queries.boss(_store(info), str(of))
        return Person.of(person, _view(info, org)) if person else None

    @strawberry.field(description="An account's or department's head, then the chain above.")
    def who_is_in_charge(self, info: Info, of: str) -> list[Person]:
        answer = queries.who_is_in_charge(_store(info), of)
        view = _view(info, answer.org)
        return [Person.of(p, view) for p in answer.people]

    @strawberry.field(description="One person by id, email or unique name.")
    def person(self, info: Info, id: strawberry.ID) -> Person | None:
        store = _store(info)
        org = store.read(Focus("person", (str(id),)))
        return Person.of(find_person(org, str(id), store), _view(info, org))

    @strawberry.field(description="Search people, departments, roles, accounts, agencies and issue types.")
    def search(self, info: Info, text: str, limit: int = 20) -> list[Hit]:
        hits, org = queries.search(_store(info), text, limit=max(1, min(limit, 100)))
        view = _view(info, org)
        return [Hit.of(hit, view) for hit in hits]

    @strawberry.field(description="Every account, by id.")
    def accounts(self, info: Info) -> list[Account]:
        org = _store(info).read(Focus.kinds("account"))
        view = _view(info, org)
        return [Account.of(a, view) for _, a in sorted(org.accounts.items())]

    @strawberry.field(description="Every department, by id.")
    def departments(self, info: Info) -> list[Department]:
        org = _store(info).read(Focus.kinds("department"))
        view = _view(info, org)
        return [Department.of(d, view) for _, d in sorted(org.departments.items())]

    @strawberry.field(description="Every role, by id.")
    def roles(self, info: Info) -> list[Role]:
        org = _store(info).read(Focus.kinds("role"))
        view = _view(info, org)
        return [Role.of(r, view) for _, r in sorted(org.roles.items())]

    @strawberry.field(description="The issue taxonomy, by id.")
    def issue_types(self, info: Info) -> list[IssueType]:
        org = _store(info).read(Focus.kinds("issue_type"))
        view = _view(info, org)
        return [IssueType.of(i, view) for _, i in sorted(org.issue_types.items())]

    @strawberry.field(description="People by id, a page at a time (at most 500).")
    def people(self, info: Info, offset: int = 0, limit: int = 100) -> list[Person]:
        org = _store(info).read(Focus.kinds("person"))
        ids = sorted(org.people)[max(offset, 0) : max(offset, 0) + max(1, min(limit, 500))]
        view = _view(info, org)
        return [Person.of(org.people[i], view) for i in ids]

    @strawberry.field(description="The chain-of-command audit of the whole org: every finding, worst first.")
    def org_health(
        self,
        info: Info,
        on: date | None = None,
        severity: Annotated[
            queries.Severity, strawberry.argument(description="Only findings at least this severe.")
        ] = queries.Severity.INFO,
    ) -> OrgHealth:
        return OrgHealth.of(queries.audit(_store(info), on=on), severity)

    @strawberry.field(description="Who handles each top-level issue type on each account, and which only fall back.")
    def responsibility_matrix(self, info: Info, on: date | None = None) -> ResponsibilityMatrix:
        result = queries.matrix(_store(info), on=on)
        return ResponsibilityMatrix.of(result, _view(info, result.org))


schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[ErrorShape])
