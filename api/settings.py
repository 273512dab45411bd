"""Settings: declared once, as data, read from flags and the environment.

Each setting has a name, a default, a help text and an environment variable;
the ``buckstop`` command's flags and ``docs/settings.md`` are made from this
one declaration (``buckstop settings`` prints it). Precedence: a command-line
flag, then the environment, then the default. Secrets print as ``****``.

A bad value, from a flag or the environment, is a :class:`BadSetting`: one line
naming the setting, its environment variable and flag, and what is allowed
(``buckstop: error: ...``, exit 2), made here once for every command.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import AliasChoices, Field, SecretStr, ValidationError, ValidatorFunctionWrapHandler, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

from buckstop.graph.errors import BuckstopError

__all__ = ["BadSetting", "Settings", "allowed", "describe"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _flag(flag: str) -> dict[str, Any]:
    """The command-line flag of a setting, kept with its declaration so that errors can name it."""
    return {"flag": flag}


class BadSetting(BuckstopError):
    """A setting whose value is not allowed, from a flag or the environment."""

    code = "BAD_SETTING"

    def __init__(self, err: ValidationError) -> None:
        problems = err.errors(include_url=False)
        lines = [_problem(p) for p in problems]
        more = f" (and {len(lines) - 1} more bad settings)" if len(lines) > 1 else ""
        super().__init__(lines[0] + more if lines else str(err))
        self.names = [str(p["loc"][0]) for p in problems if p["loc"]]


class Settings(BaseSettings):
    """Everything buckstop can be told, with its default."""

    model_config = SettingsConfigDict(env_prefix="BUCKSTOP_", extra="ignore", frozen=True)

    db: Path = Field(
        Path("buckstop.db"),
        description="SQLite file of the memory backend. Only `buckstop load` and `buckstop serve` make it "
        "when missing; a file that is not a buckstop store is refused, never written.",
        json_schema_extra=_flag("--db"),
    )
    backend: Literal["memory", "neo4j"] = Field(
        "memory", description="Where the org lives: memory (networkx + SQLite) or neo4j (a Neo4j server)."
    )
    host: str = Field(
        "127.0.0.1", description="Address `buckstop serve` listens on.", json_schema_extra=_flag("--host")
    )
    port: int = Field(
        8000, ge=0, le=65535, description="Port `buckstop serve` listens on.", json_schema_extra=_flag("--port")
    )
    workers: int = Field(
        1,
        ge=1,
        description="Worker processes of `buckstop serve` (with the memory backend each holds a copy of the org).",
        json_schema_extra=_flag("--workers"),
    )
    seed: bool = Field(
        True,
        description="Load the demo org into the default store (`buckstop.db` here) when `buckstop serve` makes it "
        "(never into a file that was there, nor a `db` of your own), or into an empty Neo4j database.",
        json_schema_extra=_flag("--no-seed"),
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="How much the server logs.")
    allowed_hosts: str = Field(
        "",
        validation_alias=AliasChoices(
            "BUCKSTOP_ALLOWED_HOSTS", "BUCKSTOP_MCP_ALLOWED_HOSTS", "allowed_hosts", "mcp_allowed_hosts"
        ),
        description="Host names the service answers besides localhost, 127.0.0.1, [::1] and `host`, comma-separated "
        "(any port; DNS-rebinding protection); `*` answers any. Others get 421. Was `mcp_allowed_hosts`.",
    )
    anonymous_reads: Literal["auto", "on", "off"] = Field(
        "auto",
        description="Whether a client without a token gets the public view: names, titles and answers, no contact "
        "details. `auto`: on when `host` is a loopback address, off otherwise.",
    )
    token_cache_seconds: float = Field(
        5.0, ge=0, description="How long a checked token is trusted before the store is asked again (revocation delay)."
    )
    sweep_seconds: float = Field(
        60.0,
        ge=0,
        description="How often `buckstop serve` escalates the cases past their deadline (docs/cases.md); 0: never "
        "(run `buckstop cases sweep` from cron instead).",
    )
    learn_from_hand_offs: bool = Field(
        False,
        description="Whether triage reads the message of a case handed off to another issue type as an example of "
        "that type (docs/triage.md); `buckstop examples` shows what it would learn, for review.",
    )
    webhook_seconds: float = Field(
        1.0,
        ge=0,
        description="How often `buckstop serve` posts the webhooks due (docs/cases.md); 0: never (run `buckstop "
        "webhook deliver` from cron instead).",
    )
    webhook_timeout: float = Field(
        5.0, gt=0, description="Longest a webhook's receiver may take to answer one POST; then it is tried again."
    )
    case_retention_days: int | None = Field(
        None,
        ge=1,
        description="Resolved cases older than this many days are erased with their history by the sweep and "
        "`buckstop cases purge` (docs/cases.md); unset: kept for ever.",
    )
    keep_versions_days: int | None = Field(
        None,
        ge=1,
        description="Retention: after each load, drop the versions of the org whose successor came into force more "
        "than this many days ago, folded into the oldest kept (never the one in force, nor a scheduled one); each "
        "is marked dropped in `buckstop changes`. Unset: keep every version.",
    )
    max_depth: int = Field(12, ge=1, description="Deepest GraphQL selection a document may have.")
    max_aliases: int = Field(30, ge=0, description="Most aliases a GraphQL document may use.")
    max_tokens: int = Field(5000, ge=100, description="Most tokens (names, punctuation, values) in a GraphQL document.")
    max_page_size: int = Field(500, ge=1, description="Most items any list of the GraphQL API returns at once.")
    max_cost: int = Field(
        100_000,
        ge=1,
        description="Most points a GraphQL document may cost, priced before it runs: about one per lookup, and "
        "per 1,000 people for a question over the whole org (docs/security.md lists each field's cost).",
    )
    max_selections: int = Field(
        250,
        ge=10,
        description="Most selections (fields and fragment spreads) a GraphQL document may have: validating it "
        "takes time that grows with their square.",
    )
    document_cache_bytes: int = Field(
        33_554_432,
        ge=0,
        description="Memory (bytes, estimated) each worker keeps parsed and validated GraphQL documents in.",
    )
    response_cache: bool = Field(
        True,
        description="Whether each worker keeps whole answers of the org's questions (by document, variables, view, "
        "version and day) and answers ETags with 304; off, every request is answered afresh.",
    )
    response_cache_bytes: int = Field(
        67_108_864,
        ge=0,
        description="Memory (bytes of answers) each worker keeps whole answers in, with `response_cache` on.",
    )
    introspection: bool = Field(True, description="Whether GraphQL answers introspection (GraphiQL needs it).")
    request_seconds: float = Field(
        10.0,
        gt=0,
        description="Longest a GraphQL request or an MCP tool call may take to answer; then it gets the error TIMEOUT.",
    )
    question_threads: int = Field(
        4, ge=1, description="Threads per worker process that answer questions, off the event loop."
    )
    max_pending_questions: int = Field(
        16,
        ge=1,
        description="Most questions queued or running per worker process (abandoned ones until they end); "
        "one more gets the error BUSY at once.",
    )
    max_body_bytes: int = Field(
        1_048_576, ge=1024, description="Largest request body `/graphql` and `/mcp` read, uploads aside (bytes)."
    )
    max_upload_bytes: int = Field(
        268_435_456, ge=1024, description="Largest multipart upload `/graphql` reads: an HR export (bytes)."
    )
    max_header_bytes: int = Field(
        32_768,
        ge=1024,
        description="Largest request line and headers of one request (bytes); more is refused with 431.",
    )
    max_connections: int = Field(
        200, ge=1, description="Most open connections per worker; a request over it is refused with 503."
    )
    header_timeout: float = Field(
        10.0, gt=0, description="Seconds a client has to send a request's line and headers; then 408 and closed."
    )
    body_timeout: float = Field(
        60.0, gt=0, description="Seconds a client has to send a request's whole body, uploads too; then 408 and closed."
    )
    keep_alive_timeout: float = Field(
        5.0, gt=0, description="Seconds an idle connection is kept open for the client's next request."
    )
    neo4j_uri: str = Field(
        "bolt://127.0.0.1:7687",
        validation_alias=AliasChoices("NEO4J_URI", "neo4j_uri"),
        description="Neo4j to use with backend neo4j: bolt://, neo4j:// (a cluster) or neo4j+s:// (Aura).",
    )
    neo4j_user: str | None = Field(
        None,
        validation_alias=AliasChoices("NEO4J_USER", "neo4j_user"),
        description="Neo4j user (leave unset for a server without authentication).",
    )
    neo4j_password: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("NEO4J_PASSWORD", "neo4j_password"),
        description="Neo4j password.",
    )
    neo4j_database: str | None = Field(
        None,
        validation_alias=AliasChoices("NEO4J_DATABASE", "neo4j_database"),
        description="Neo4j database (default: the server's default database).",
    )

    @model_validator(mode="wrap")
    @classmethod
    def _one_line(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        # Every way of making settings (the environment, flags, `with_overrides`) passes here, so a
        # bad value becomes one user error in one place instead of pydantic's dump in each command.
        try:
            return handler(data)
        except ValidationError as err:
            raise BadSetting(err) from None

    @property
    def anonymous_allowed(self) -> bool:
        """Whether a request without a token is answered (with the public view)."""
        if self.anonymous_reads == "auto":
            return self.host.strip("[]") in _LOOPBACK or self.host.startswith("127.")
        return self.anonymous_reads == "on"

    def with_overrides(self, **values: Any) -> Settings:
        """These settings with the given values (``None`` means: keep), revalidated."""
        given = {k: v for k, v in values.items() if v is not None}
        return Settings.model_validate({**self.model_dump(), **given}) if given else self


def env_name(name: str) -> str:
    field = Settings.model_fields[name]
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"BUCKSTOP_{name.upper()}"


def flag_of(name: str) -> str | None:
    extra = Settings.model_fields[name].json_schema_extra
    return str(extra["flag"]) if isinstance(extra, dict) and "flag" in extra else None


def allowed(field: FieldInfo) -> str:
    """What values a setting takes, in words: ``a whole number from 0 to 65535``."""
    if get_origin(field.annotation) is Literal:
        return "one of " + ", ".join(str(v) for v in get_args(field.annotation))
    kind = _kind(field)
    if kind is bool:
        return "true or false (or 1/0, yes/no, on/off)"
    if kind in (int, float):
        words = "a whole number" if kind is int else "a number"
        low = next((m.ge for m in field.metadata if isinstance(m, annotated_types.Ge)), None)
        high = next((m.le for m in field.metadata if isinstance(m, annotated_types.Le)), None)
        if low is not None and high is not None:
            return f"{words} from {low} to {high}"
        if low is not None:
            return f"{words} of at least {low}"
        above = next((m.gt for m in field.metadata if isinstance(m, annotated_types.Gt)), None)
        if above is not None:
            return f"{words} over {above}"
        return words
    if kind is Path:
        return "a file path"
    return "text"


def _kind(field: FieldInfo) -> Any:
    """The type of a setting, without ``| None``."""
    if get_origin(field.annotation) in (Union, types.UnionType):
        return next(t for t in get_args(field.annotation) if t is not type(None))
    return field.annotation


def _problem(problem: Any) -> str:
    """One pydantic error as one line about the setting it concerns."""
    name = str(problem["loc"][0]) if problem["loc"] else ""
    field = Settings.model_fields.get(name)
    if field is None:
        return str(problem["msg"])
    where = env_name(name) + (f" or {flag}" if (flag := flag_of(name)) else "")
    value = "****" if _kind(field) is SecretStr else repr(problem["input"])
    return f"bad setting {name} = {value} ({where}): must be {allowed(field)}"


def describe(settings: Settings | None = None) -> list[tuple[str, str, str, str]]:
    """(name, environment variable, value or default, help) for every setting, secrets masked."""
    rows = []
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name) if settings is not None else field.default
        if isinstance(value, SecretStr):
            shown = "****"
        else:
            shown = "" if value is None else str(value)
        rows.append((name, env_name(name), shown, field.description or ""))
    return rows
