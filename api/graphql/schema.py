"""The GraphQL schema: the questions of ``queries``, shaped for other tools.

The names of ``route``, ``top``, ``chainOfCommand``, ``boss``,
``whoIsInCharge`` and ``person`` are a contract (see ``api/graphql/schema.graphql``,
checked by a test): add around them, never rename them.

:func:`make_schema` adds the limits of the settings (depth, aliases, tokens,
introspection); every list of the API is a page of at most ``max_page_size``.
The context of a request holds the store, the settings and the principal
(see :mod:`api.access`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.extensions.field_extension import FieldExtension
from strawberry.tools import merge_types
from strawberry.types import ExecutionResult, Info

from buckstop import queries
from buckstop.graph.dated import as_of as dated_store
from buckstop.graph.errors import BuckstopError
from buckstop.graph.org import Org
from buckstop.graph.pinned import ATTEMPTS, OrgChanged, Pinned
from buckstop.graph.reach import Reach
from buckstop.graph.store import Focus, Store
from buckstop.graph.timeline import parse_day, today
from buckstop.queries.case_data import changes_with_cases
from buckstop.queries.common import common_manager
from buckstop.queries.connection import connection
from buckstop.queries.lookup import find_account, find_person

from .. import answers
from ..errors import ErrorShape
from ..metrics import OperationMetrics
from ..questions import off_loop
from ..responses import NOTE_KEY, PURE, Note
from ..settings import Settings
from .cases import CaseMutation, CaseQuery
from .cost import LOOKUP, Cost, costs_of, priced
from .documents import Checks
from .graph_types import CommonManager, Connection
from .loading import ChangesBetween, Mutation
from .memo import MEMO, AnsweredOnce
from .permissions import admin, principal_of
from .plain import executor_for
from .time_types import UpcomingFindings
from .triage_types import Triage
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
from .viewer import ViewerQuery
from .webhooks import WebhookMutation, WebhookQuery

__all__ = ["PageTooLarge", "make_schema", "schema"]

T = TypeVar("T")


class PageTooLarge(BuckstopError):
    code = "PAGE_TOO_LARGE"

    def __init__(self, limit: int, most: int) -> None:
        super().__init__(f"limit {limit} is over the largest page, {most}; ask for the rest with `offset`")


def _limit(info: Info, limit: int | None, default: int) -> int:
    """``limit``, refused if it is over the largest page the settings allow; unset, ``default`` or that page."""
    settings = _settings(info)
    if limit is None:
        return min(default, settings.max_page_size)
    if limit > settings.max_page_size:
        raise PageTooLarge(limit, settings.max_page_size)
    return max(limit, 0)


def _page(info: Info, items: list[T], offset: int, limit: int | None, default: int = 100) -> list[T]:
    """``items[offset:offset+limit]``, refusing a page larger than the settings allow."""
    start = max(offset, 0)
    return items[start : start + _limit(info, limit, default)]


Offset = Annotated[int, strawberry.argument(description="How many items to skip.")]
Limit = Annotated[
    int | None,
    strawberry.argument(
        description="How many items at most (default 100, or 20 where noted; at most `max_page_size`)."
    ),
]


def _store(info: Info) -> Store:
    store: Store = info.context["store"]
    return store


AsOf = Annotated[
    str | None,
    strawberry.argument(
        name="asOf",
        description="The day asked about: the version of the org in force then, and its absences. A date "
        "(YYYY-MM-DD) or an ISO 8601 date-time (its UTC day); default today.",
    ),
]
On = Annotated[
    date | None,
    strawberry.argument(
        description="The day whose absences count, only.",
        deprecation_reason="Use `asOf`, which also picks the org's version.",
    ),
]


def _dated(info: Info, as_of: str | None, on: date | None = None) -> tuple[Store, date | None]:
    """The request's store as of the day asked (``asOf``), and the day whose absences count (``asOf``, else the
    deprecated ``on``, which moves only them; None: today)."""
    day = parse_day(as_of, "asOf")
    return dated_store(_store(info), day), day or on


def _settings(info: Info) -> Settings:
    settings: Settings = info.context.get("settings") or Settings()
    return settings


def _private(info: Info) -> bool:
    """Whether the caller may find people by private names: the public view may not (see :mod:`queries.lookup`)."""
    return principal_of(info).reads_private


def _view(info: Info, org: Org) -> View:
    return View(org, _store(info))


#: A person by id, address or name: one lookup, hit or miss (a miss asks the org's name index for
#: near names, graph/names.py, rather than comparing the name with every name).
BY_NAME = LOOKUP
#: A page of a list: each item costs its selection.
PAGE = Cost(1, items=100, items_argument="limit")


def question(cost: Cost, description: str, extensions: Sequence[FieldExtension] = ()) -> Any:
    """A root field: priced at ``cost`` (:mod:`.cost`), answered once per request and arguments (:mod:`.memo`).

    Its answer must be a function of its arguments, the org's version on the day asked, that day and the
    caller's view only: whole answers of such questions are kept (:mod:`api.responses`). A question that
    reads anything else (the cases) is a plain ``strawberry.field``.
    """
    metadata = {**priced(cost), PURE: True}
    return strawberry.field(description=description, metadata=metadata, extensions=[*extensions, AnsweredOnce()])


@strawberry.type(name="Change", description="One applied change to the org: a version, and when it is in force.")
class ChangeEntry:
    version: int = strawberry.field(description="The org version it made.")
    at: datetime
    actor: str = strawberry.field(description="Who: the token's name, or cli:USER for a command on the server.")
    summary: str = strawberry.field(description="What, in one line.")
    records: int = strawberry.field(description="How many records the change carried.")
    effective: date | None = strawberry.field(
        description="The day the version comes into force; null for one loaded before versions had dates, or dropped "
        "by retention (its summary says when)."
    )
    scheduled: bool = strawberry.field(description="Whether that day is still to come.")
    kind: str = strawberry.field(
        description="`load`: a version of the org; `cases`: a line of the case log (personal data purged, "
        "exported or forgotten; `version` is the org's then, `records` the number of cases)."
    )

    @classmethod
    def of(cls, change: Any, day: date) -> ChangeEntry:
        return cls(
            version=change.version,
            at=change.at,
            actor=change.actor,
            summary=change.summary,
            records=change.records,
            effective=change.effective,
            scheduled=change.effective is not None and change.effective > day,
            kind=change.kind,
        )


@strawberry.type(name="OrgVersion", description="The version of the org that answers the questions about a day.")
class OrgVersion:
    number: int = strawberry.field(description="The version: the number of the load that made it (0: none).")
    effective: date | None = strawberry.field(
        description="The day it came (or comes) into force; null before the first version, or for one in force "
        "from the beginning."
    )


@strawberry.type
class Query(CaseQuery, WebhookQuery, ViewerQuery):  # the cases' questions: api/graphql/cases.py; webhooks.py; viewer.py
    @question(LOOKUP, "Who handles `issueType` (id, name or synonym) on `account` (id or handle).")
    @off_loop
    def route(self, info: Info, account: str, issue_type: str, on: On = None, as_of: AsOf = None) -> Routing:
        store, day = _dated(info, as_of, on)
        answer = queries.route(store, account, issue_type, on=day)
        return Routing.of(answer, _view(info, answer.org))

    @question(
        LOOKUP,
        "Read a customer's `message` for its issue type (seven languages, the boss question) and route it on "
        "`account`; below the confidence threshold, the account's fallback, saying why.",
    )
    @off_loop
    def triage(self, info: Info, account: str, message: str, on: On = None, as_of: AsOf = None) -> Triage:
        store, day = _dated(info, as_of, on)
        answer = queries.triage(store, account, message, on=day, learn=_settings(info).learn_from_hand_offs)
        return Triage.of(answer, _view(info, answer.org))

    @question(LOOKUP, "The person at the top of the organisation: the name on the door.")
    @off_loop
    def top(self, info: Info, as_of: AsOf = None) -> Person | None:
        person, org = queries.top(_dated(info, as_of)[0])
        return Person.of(person, _view(info, org)) if person else None

    @question(Cost(1, items=10), "The people above a person (id, email or name), nearest first.")
    @off_loop
    def chain_of_command(self, info: Info, person: strawberry.ID, as_of: AsOf = None) -> list[Person]:
        chain = queries.chain_of_command(_dated(info, as_of)[0], str(person), private=_private(info))
        view = _view(info, chain.org)
        return [Person.of(p, view) for p in chain.above]

    @question(BY_NAME, "A person's manager (the nearest who has not left).")
    @off_loop
    def boss(self, info: Info, of: strawberry.ID, as_of: AsOf = None) -> Person | None:
        person, org = queries.boss(_dated(info, as_of)[0], str(of), private=_private(info))
        return Person.of(person, _view(info, org)) if person else None

    @question(Cost(1, items=10), "An account's or department's head, then the chain above.")
    @off_loop
    def who_is_in_charge(self, info: Info, of: str, as_of: AsOf = None) -> list[Person]:
        store, day = _dated(info, as_of)
        answer = queries.who_is_in_charge(store, of, on=day)
        view = _view(info, answer.org)
        return [Person.of(p, view) for p in answer.people]

    @question(BY_NAME, "One person by id, email or unique name.")
    @off_loop
    def person(self, info: Info, id: strawberry.ID, as_of: AsOf = None) -> Person | None:
        store = _dated(info, as_of)[0]
        org = store.read(Focus(Reach.PERSON, (str(id),)))
        return Person.of(find_person(org, str(id), store, private=_private(info)), _view(info, org))

    @question(LOOKUP, "One account by id, handle or platform:handle, with who owns, runs and escalates it.")
    @off_loop
    def account(self, info: Info, id: str, as_of: AsOf = None) -> Account:
        store = _dated(info, as_of)[0]
        org = store.read(Focus(Reach.TRIAGE, (id,)))  # the account, who owns and runs it, its escalation contact
        return Account.of(find_account(org, id, store), _view(info, org))

    @question(Cost(2), "The lowest manager above two people (or two departments' heads), with both paths.")
    @off_loop
    def common_manager(self, info: Info, a: strawberry.ID, b: strawberry.ID, as_of: AsOf = None) -> CommonManager:
        answer = common_manager(_dated(info, as_of)[0], str(a), str(b), private=_private(info))
        return CommonManager.of(answer, _view(info, answer.org))

    @question(
        Cost(1, per_thousand_people=100),
        "The shortest explained path between two nodes (names, handles or kind:id), hop by hop; reads the whole org.",
    )
    @off_loop
    def connection(
        self, info: Info, from_: Annotated[str, strawberry.argument(name="from")], to: str, as_of: AsOf = None
    ) -> Connection:
        return Connection.of(connection(_dated(info, as_of)[0], from_, to, private=_private(info)))

    @question(PAGE, "The people whose recorded manager is `of` (id, email or name), by name, a page at a time.")
    @off_loop
    def reports(
        self, info: Info, of: strawberry.ID, offset: Offset = 0, limit: Limit = None, as_of: AsOf = None
    ) -> list[Person]:
        answer = queries.direct_reports(_dated(info, as_of)[0], str(of), private=_private(info))
        view = _view(info, answer.org)
        return [Person.of(p, view) for p in _page(info, list(answer.people), offset, limit)]

    @question(
        Cost(1, per_thousand_people=200, items=20, items_argument="limit"),
        "Search people, departments, roles, accounts, agencies and issue types.",
    )
    @off_loop
    def search(self, info: Info, text: str, limit: Limit = None, as_of: AsOf = None) -> list[Hit]:
        hits, org = queries.search(
            _dated(info, as_of)[0], text, limit=max(1, _limit(info, limit, 20)), private=_private(info)
        )
        view = _view(info, org)
        return [Hit.of(hit, view) for hit in hits]

    @question(PAGE, "Accounts by id, a page at a time.")
    @off_loop
    def accounts(self, info: Info, offset: Offset = 0, limit: Limit = None, as_of: AsOf = None) -> list[Account]:
        org = _dated(info, as_of)[0].read(Focus.kinds("account"))
        view = _view(info, org)
        return [Account.of(a, view) for _, a in _page(info, sorted(org.accounts.items()), offset, limit)]

    @question(PAGE, "Departments by id, a page at a time.")
    @off_loop
    def departments(self, info: Info, offset: Offset = 0, limit: Limit = None, as_of: AsOf = None) -> list[Department]:
        org = _dated(info, as_of)[0].read(Focus.kinds("department"))
        view = _view(info, org)
        return [Department.of(d, view) for _, d in _page(info, sorted(org.departments.items()), offset, limit)]

    @question(PAGE, "Roles by id, a page at a time.")
    @off_loop
    def roles(self, info: Info, offset: Offset = 0, limit: Limit = None, as_of: AsOf = None) -> list[Role]:
        org = _dated(info, as_of)[0].read(Focus.kinds("role"))
        view = _view(info, org)
        return [Role.of(r, view) for _, r in _page(info, sorted(org.roles.items()), offset, limit)]

    @question(PAGE, "The issue taxonomy by id, a page at a time.")
    @off_loop
    def issue_types(self, info: Info, offset: Offset = 0, limit: Limit = None, as_of: AsOf = None) -> list[IssueType]:
        org = _dated(info, as_of)[0].read(Focus.kinds("issue_type"))
        view = _view(info, org)
        return [IssueType.of(i, view) for _, i in _page(info, sorted(org.issue_types.items()), offset, limit)]

    @question(PAGE, "People by id, a page at a time.")
    @off_loop
    def people(self, info: Info, offset: Offset = 0, limit: Limit = None, as_of: AsOf = None) -> list[Person]:
        org = _dated(info, as_of)[0].read(Focus.kinds("person"))
        view = _view(info, org)
        return [Person.of(org.people[i], view) for i in _page(info, sorted(org.people), offset, limit)]

    @question(Cost(1, items=20, items_argument="limit"), "The newest changes to the org: who, when, what.", admin())
    @off_loop
    def changes(self, info: Info, offset: Offset = 0, limit: Limit = None) -> list[ChangeEntry]:
        found = changes_with_cases(_store(info), limit=max(offset, 0) + _limit(info, limit, 20))
        return [ChangeEntry.of(c, today()) for c in found[max(offset, 0) :]]

    @question(
        Cost(1, per_thousand_people=300),
        "What changed between the versions in force on two days: joiners, leavers, movers, title and other "
        "changes, and the rules and accounts that changed hands; reads the whole org twice.",
        admin(),  # like `changes` and a load's diff: the history of who came and went is HR's
    )
    @off_loop
    def changes_between(
        self,
        info: Info,
        from_: Annotated[str, strawberry.argument(name="from", description="The first day (as `asOf`).")],
        to: Annotated[str | None, strawberry.argument(description="The second day (default today).")] = None,
        limit: Annotated[int, strawberry.argument(description="People per section, at most.")] = 20,
    ) -> ChangesBetween:
        start = parse_day(from_, "from") or today()
        end = parse_day(to, "to") or today()
        store = _store(info)
        before = store.read(Focus(Reach.WHOLE, day=start))
        after = store.read(Focus(Reach.WHOLE, day=end))
        answer = answers.between_answer(start, end, before, after, max(0, min(limit, 1_000)))
        return ChangesBetween.from_pydantic(answer)

    @question(LOOKUP, "The version of the org that answers the questions about `asOf` (default today).")
    @off_loop
    def version(self, info: Info, as_of: AsOf = None) -> OrgVersion:
        org = _dated(info, as_of)[0].read(Focus(Reach.NODES))
        return OrgVersion(number=org.version, effective=org.effective)

    @question(
        Cost(1, per_thousand_people=300), "The chain-of-command audit of the whole org: every finding, worst first."
    )
    @off_loop
    def org_health(
        self,
        info: Info,
        on: On = None,
        severity: Annotated[
            queries.Severity, strawberry.argument(description="Only findings at least this severe.")
        ] = queries.Severity.INFO,
        as_of: AsOf = None,
    ) -> OrgHealth:
        store, day = _dated(info, as_of, on)
        return OrgHealth.of(queries.audit(store, on=day), severity)

    @question(
        Cost(1, per_thousand_people=600),
        "What the versions scheduled within a window will break: for each, on its day, the findings the version "
        "before it has not, who leaves or joins, and the escalation chains that get shorter or longer. Reads the "
        "whole org twice per scheduled version.",
    )
    @off_loop
    def upcoming_findings(
        self,
        info: Info,
        within: Annotated[str, strawberry.argument(description="How far ahead to look: a duration (90d, 12w).")],
        severity: Annotated[
            queries.Severity, strawberry.argument(description="Only new findings at least this severe.")
        ] = queries.Severity.INFO,
        as_of: Annotated[
            str | None,
            strawberry.argument(name="asOf", description="The day to look ahead from (as `asOf`); default today."),
        ] = None,
    ) -> UpcomingFindings:
        store = _store(info)
        result = queries.upcoming(store, within, start=parse_day(as_of, "asOf"))
        return UpcomingFindings.of(result, severity, store)

    @question(
        Cost(1, per_thousand_people=150),
        "Who handles each top-level issue type on each account, and which only fall back.",
    )
    @off_loop
    def responsibility_matrix(self, info: Info, on: On = None, as_of: AsOf = None) -> ResponsibilityMatrix:
        store, day = _dated(info, as_of, on)
        result = queries.matrix(store, on=day)
        return ResponsibilityMatrix.of(result, _view(info, result.org))


class _Schema(strawberry.Schema):
    async def execute(  # type: ignore[override]
        self, query: str | None, variable_values: dict[str, Any] | None = None, context_value: Any = None, **rest: Any
    ) -> ExecutionResult:
        """Answer the whole request from one version of the org (:mod:`graph.pinned`).

        The store of the context is pinned for each attempt; a request that
        saw the org change between two of its questions, and wrote nothing, is
        asked again.
        """
        store = context_value.get("store") if isinstance(context_value, dict) else None
        if store is None:
            return await super().execute(query, variable_values, context_value, **rest)
        for _ in range(ATTEMPTS):
            pinned = context_value["store"] = Pinned(store)
            context_value[MEMO] = {}  # answers of an older version are not this attempt's
            try:
                result = await super().execute(query, variable_values, context_value, **rest)
            finally:
                context_value["store"] = store
            if pinned.wrote or not _org_changed(result):
                break
        note = context_value.get(NOTE_KEY)
        if isinstance(note, Note):
            note.clean = not result.errors
        return result

    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        """Log nothing here: :class:`~api.errors.ErrorShape` logs the unexpected errors, with their request id.

        (strawberry would log every error with a traceback, a client's typo included.)
        """


def _org_changed(result: ExecutionResult) -> bool:
    return any((e.extensions or {}).get("code") == OrgChanged.code for e in result.errors or ())


def make_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with the limits of ``settings``.

    Parsing and validating a document cost more than answering most questions,
    so both are cached (:class:`~api.graphql.documents.Documents`: by the hash of the
    text, bounded by bytes); a document is then priced (:mod:`api.graphql.cost`). The
    limits' rules are made once here, not per request: strawberry's limiters
    make a new rule class each time they are built.
    """
    settings = settings or Settings()
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection:
        rules.extend(DisableIntrospection().validation_rules)
    checks = Checks(
        costs={},
        max_bytes=settings.document_cache_bytes,
        max_selections=settings.max_selections,
        max_cost=settings.max_cost,
        max_items=settings.max_page_size,
        max_tokens=settings.max_tokens,
        rules=rules,
    )
    # Factories, not instances: strawberry makes a fresh extension for each request. Each hook of each
    # extension costs every request a wrapper or two, so the token limit and the limits' rules are the
    # checks' own rather than strawberry's MaxTokensLimiter and AddValidationRules (docs/decisions.md).
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        OperationMetrics,  # first, so it finishes last and reads the errors ErrorShape shaped
        ErrorShape,
        checks.extension,
    ]
    mutations = merge_types("Mutation", (Mutation, CaseMutation, WebhookMutation))
    made = _Schema(query=Query, mutation=mutations, extensions=extensions)
    checks.costs = costs_of(made._schema)
    # Most fields of an answer are plain attributes: completed in one step (api.graphql.plain).
    made.execution_context_class = executor_for(made._schema, made.config.default_resolver)
    return made


#: The schema with the default limits; ``api/graphql/schema.graphql`` is its SDL.
schema = make_schema()


if __name__ == "__main__":  # pragma: no cover - `make schema`, and docs/security.md's table of costs
    import sys

    from .cost import markdown

    print(markdown(costs_of(schema._schema)) if "--costs" in sys.argv[1:] else schema.as_str() + "\n", end="")
