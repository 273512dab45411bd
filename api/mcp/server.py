"""The MCP server: buckstop's questions as read-only tools for agents.

Each tool is a plain function over the store that returns an answer of
:mod:`api.answers`; :func:`_tool` turns it into a ``CallToolResult`` whose
``structured_content`` follows the answer's schema (published as the tool's
output schema) and whose text is the same JSON, for clients that read only
text. An error buckstop raises on purpose comes back as ``is_error`` with its
message and ``{"error": {"code", "asked", "suggestions"}}``, as in GraphQL;
anything else is logged with a request id and the agent gets only that id.

Tools are answered in the pool of :mod:`api.questions`, each call within its
own budget of ``request_seconds``, never on the event loop; a call the pool
refuses or that runs out of time is an error with code ``BUSY`` or ``TIMEOUT``.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any, Literal, ParamSpec

from mcp.server import MCPServer
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from buckstop import queries
from buckstop.graph.dated import as_of as dated_store
from buckstop.graph.errors import BuckstopError
from buckstop.graph.model import Kind
from buckstop.graph.store import Store
from buckstop.graph.timeline import parse_day
from buckstop.queries.common import common_manager as common_manager_of
from buckstop.queries.connection import connection as connection_of

from .. import answers, answers_graph, answers_time
from ..access import current
from ..errors import extensions_for
from ..metrics import note_operation
from ..questions import Questions
from ..settings import Settings
from .cases import CASE_TOOLS, case_tools

__all__ = ["INSTRUCTIONS", "TOOLS", "build_server"]

log = logging.getLogger("buckstop.mcp")

P = ParamSpec("P")

INSTRUCTIONS = """\
buckstop knows who handles each type of customer issue on each of the company's accounts \
(social handles, pages, phone lines, B2B customers), who is above them up to the CEO, and why.
- You have the customer's words: call `triage` with the account and the message, in any of seven \
languages. It reads the issue type (`confidence`, the deciding words in `evidence`) and routes it. \
When `unclassified` is true, the message went to the account's fallback; when `ambiguous` is also \
true, ask the customer or call `route` with the candidate you judge right. When `bossQuestion` is \
true, the customer asked for the person in charge: `top` names them (first in `explanation`).
- You know the issue type: call `route`. Names are forgiving (`@CorvidHelp`, `money back`); an \
unknown name is an error that suggests near names.
- `chain_of_command`, `who_is_in_charge` and `top` answer "who is above them?" and "who is your CEO?".
- `find` looks people, accounts and issue types up; `audit`, `upcoming_findings` (what a scheduled \
version will break, before its day) and `responsibility_matrix` are for the people who run the accounts.
- `common_manager` names who can settle an issue that straddles two people or departments; \
`connection` explains how two things of the org are linked, hop by hop.
Every answer carries `explanation` (say why when you hand a case on) and `provenance` (where \
each fact came from). Give customers the names of `public` people only. `as_of` (YYYY-MM-DD or \
an ISO date-time) asks about another day: the org as it was, or as it will be, then (default today); \
every answer names the version that answered (`orgVersion`, `orgEffective`).
- A customer waiting for an answer: `open_case` (it is routed, and climbs the chain if nobody \
acknowledges it in time), then `read_case`, `note_case`, `hand_off_case`, `escalate_case`, \
`resolve_case`; these need a token of scope `cases`. The other tools only read."""

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
WRITES = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)

Account = Annotated[str, Field(description="The account: id, handle (@CorvidHelp) or platform:handle.")]
On = Annotated[
    date | None,
    Field(description="Deprecated: the day whose absences count, only; `as_of` moves the org's version too."),
]
AsOf = Annotated[
    str | None,
    Field(
        description="The day asked about: the version of the org in force then, and its absences; YYYY-MM-DD or an "
        "ISO 8601 date-time (default: today)."
    ),
]
FindKind = Literal["person", "department", "role", "account", "agency", "issue_type"]


def _tool(fn: Callable[P, answers.Shape], questions: Questions) -> Callable[P, Awaitable[CallToolResult]]:
    """Run a tool body in ``questions`` and shape its answer or its error (see the module docstring)."""

    @functools.wraps(fn)
    async def run(*args: P.args, **kwargs: P.kwargs) -> CallToolResult:
        try:
            result = await questions.ask(questions.budget(), _answer, *args, **kwargs)
        except BuckstopError as err:  # BUSY or TIMEOUT: the pool's refusals, raised outside the body
            result = _error(str(err), extensions_for(err))
        error = (result.structured_content or {}).get("error") if result.is_error else None
        note_operation(fn.__name__, [error.get("code")] if error else [], trusted=True)  # for /metrics
        return result

    def _answer(*args: P.args, **kwargs: P.kwargs) -> CallToolResult:
        try:
            data = answers.dump(fn(*args, **kwargs))
        except BuckstopError as err:
            return _error(str(err).splitlines()[0], extensions_for(err))
        except Exception:
            request_id = uuid.uuid4().hex[:12]
            log.exception("internal error in tool %s (request %s)", fn.__name__, request_id)
            message = f"internal error; quote request id {request_id} to the operator"
            return _error(message, {"code": "INTERNAL_ERROR", "requestId": request_id})
        text = json.dumps(data, ensure_ascii=False)
        return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)

    return run


def _error(message: str, details: dict[str, Any]) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=message)],
        structured_content={"error": {"message": message, **details}},
        is_error=True,
    )


def _at(store: Store, as_of: str | None, on: date | None = None) -> tuple[Store, date | None]:
    """``store`` as of the day asked (``as_of``), and the day whose absences count (``as_of``, else the deprecated
    ``on``, which moves only them; None: today)."""
    day = parse_day(as_of, "as_of")
    return dated_store(store, day), day or on


def _tools(store: Store) -> list[Callable[..., answers.Shape]]:
    """The tool bodies, bound to ``store``. Their docstrings are the tools' descriptions."""
    learn = Settings().learn_from_hand_offs

    def route(
        account: Account,
        issue: Annotated[str, Field(description="The issue type: id, name or synonym (refund, 'money back').")],
        as_of: AsOf = None,
        on: On = None,
    ) -> answers.RouteAnswer:
        """Who handles an issue type on an account, the escalation chain above them up to the top, and why."""
        dated, day = _at(store, as_of, on)
        return answers.route_answer(queries.route(dated, account, issue, on=day), dated)

    def triage(
        account: Account,
        message: Annotated[str, Field(description="The customer's message, as they wrote it.")],
        as_of: AsOf = None,
        on: On = None,
    ) -> answers.TriageAnswer:
        """Read the issue type of a customer's message (seven languages, typos, paraphrase), then route it.

        Says how sure (`confidence`) and from which words (`evidence`), lists the top candidates, and
        routes a message read below the threshold to the account's fallback, saying why (`ambiguous`
        when some issue type was read: ask the customer). When the customer asks for the person in
        charge (`bossQuestion`), `top` names the top of the organisation. Deterministic.
        """
        dated, day = _at(store, as_of, on)
        return answers.triage_answer(queries.triage(dated, account, message, on=day, learn=learn), dated)

    def chain_of_command(
        person: Annotated[str, Field(description="The person: id, email or full name.")],
        as_of: AsOf = None,
    ) -> answers.ChainAnswer:
        """The people above a person, their manager first, up to the top of the organisation."""
        dated, _ = _at(store, as_of)
        return answers.chain_answer(queries.chain_of_command(dated, person, private=current.get().reads_private), dated)

    def who_is_in_charge(
        of: Annotated[str, Field(description="An account (id or handle) or a department (id or name).")],
        as_of: AsOf = None,
        on: On = None,
    ) -> answers.InChargeAnswer:
        """Who is in charge of an account or a department: its head, then the chain above them."""
        dated, day = _at(store, as_of, on)
        return answers.in_charge_answer(queries.who_is_in_charge(dated, of, on=day), dated)

    def top(as_of: AsOf = None) -> answers.TopAnswer:
        """The person at the top of the organisation: the answer to "who is your CEO?"."""
        dated, _ = _at(store, as_of)
        person, org = queries.top(dated)
        return answers.top_answer(person, org, dated)

    def find(
        text: Annotated[str, Field(description="A name, handle, title, email or synonym, or part of one.")],
        kinds: Annotated[
            list[FindKind] | None, Field(description="Only these kinds (default: people, accounts, issue types).")
        ] = None,
        limit: Annotated[int, Field(ge=1, le=50, description="At most this many hits.")] = 10,
        as_of: AsOf = None,
    ) -> answers.FindAnswer:
        """Find people, accounts and issue types (or departments, roles, agencies) by any of their names."""
        wanted = frozenset(Kind(k) for k in (kinds or ("person", "account", "issue_type")))
        dated, _ = _at(store, as_of)
        hits, org = queries.search(dated, text, kinds=wanted, limit=limit, private=current.get().reads_private)
        return answers.find_answer(hits, org, text)

    def audit(
        on: On = None,
        severity: Annotated[
            Literal["error", "warning", "info"], Field(description="Only findings at least this severe.")
        ] = "info",
        as_of: AsOf = None,
    ) -> answers.AuditAnswer:
        """The chain-of-command audit: every place the org will fail a customer, with why and how to fix it."""
        dated, day = _at(store, as_of, on)
        result = queries.audit(dated, on=day)
        return answers.audit_answer(result, at_least=queries.Severity(severity))

    def upcoming_findings(
        within: Annotated[str, Field(description="How far ahead to look: a duration (90d, 12w).")] = "90d",
        severity: Annotated[
            Literal["error", "warning", "info"], Field(description="Only new findings at least this severe.")
        ] = "info",
        as_of: Annotated[
            str | None, Field(description="The day to look ahead from, YYYY-MM-DD (default: today).")
        ] = None,
    ) -> answers_time.UpcomingAnswer:
        """What the versions scheduled within a window will break, each on its day: new findings, leavers, chains."""
        result = queries.upcoming(store, within, start=parse_day(as_of, "as_of"))
        return answers_time.upcoming_answer(result, at_least=queries.Severity(severity))

    def responsibility_matrix(on: On = None, as_of: AsOf = None) -> answers.MatrixAnswer:
        """Who handles each top-level issue type on each account, and which of those only reach a fallback."""
        dated, day = _at(store, as_of, on)
        return answers.matrix_answer(queries.matrix(dated, on=day), dated)

    # -- the graph questions (queries/common.py, queries/connection.py) --

    def common_manager(
        a: Annotated[str, Field(description="A person (id, email or name) or a department (id or name).")],
        b: Annotated[str, Field(description="Another person or department.")],
        as_of: AsOf = None,
    ) -> answers_graph.CommonManagerAnswer:
        """The lowest manager above two people (or two departments' heads): who can settle what straddles them."""
        private = current.get().reads_private
        dated, _ = _at(store, as_of)
        return answers_graph.common_manager_answer(common_manager_of(dated, a, b, private=private), dated)

    def connection(
        start: Annotated[str, Field(description="A name, handle, email or key (person:ID, account:ID…).")],
        end: Annotated[str, Field(description="Another one.")],
        as_of: AsOf = None,
    ) -> answers_graph.ConnectionAnswer:
        """How two things of the org are connected: the shortest path, each hop with its edge kind and bundle row."""
        private = current.get().reads_private
        dated, _ = _at(store, as_of)
        return answers_graph.connection_answer(connection_of(dated, start, end, private=private))

    return [
        route,
        triage,
        chain_of_command,
        who_is_in_charge,
        top,
        find,
        audit,
        upcoming_findings,
        responsibility_matrix,
        common_manager,
        connection,
    ]


#: The names of the tools, in the order they are listed.
TOOLS = (
    "route",
    "triage",
    "chain_of_command",
    "who_is_in_charge",
    "top",
    "find",
    "audit",
    "upcoming_findings",
    "responsibility_matrix",
    "common_manager",
    "connection",
    *CASE_TOOLS,
)


def build_server(store: Store, questions: Questions | None = None) -> MCPServer:
    """An MCP server answering from ``store`` in ``questions`` (default: a pool of the settings), read-only."""
    pool = questions or Questions.of(Settings())
    server: MCPServer = MCPServer(
        "buckstop",
        title="buckstop",
        instructions=INSTRUCTIONS,
        version=_version(),
        log_level="WARNING",
    )
    for body in _tools(store):
        server.add_tool(_tool(body, pool), annotations=READ_ONLY)
    for body in case_tools(store):  # open and move cases: they write (api/mcp/cases.py)
        server.add_tool(
            _tool(body, pool), annotations=READ_ONLY if body.__name__ in ("read_case", "list_cases") else WRITES
        )
    return server


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("buckstop")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0"
