"""Settings: declared once, as data, read from flags and the environment.

Each setting has a name, a default, a help text and an environment variable;
the ``buckstop`` command's flags and ``docs/settings.md`` are made from this
one declaration (``buckstop settings`` prints it). Precedence: a command-line
flag, then the environment, then the default. Secrets print as ``****``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "describe"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Settings(BaseSettings):
    """Everything buckstop can be told, with its default."""

    model_config = SettingsConfigDict(env_prefix="BUCKSTOP_", extra="ignore", frozen=True)

    db: Path = Field(Path("buckstop.db"), description="SQLite file of the memory backend (created if missing).")
    backend: Literal["memory", "neo4j"] = Field(
        "memory", description="Where the org lives: memory (networkx + SQLite) or neo4j (a Neo4j server)."
    )
    host: str = Field("127.0.0.1", description="Address `buckstop serve` listens on.")
    port: int = Field(8000, ge=0, le=65535, description="Port `buckstop serve` listens on.")
    workers: int = Field(
        1,
        ge=1,
        description="Worker processes of `buckstop serve` (with the memory backend each holds a copy of the org).",
    )
    seed: bool = Field(True, description="Load the demo org when the service starts on an empty store.")
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="How much the server logs.")
    mcp_allowed_hosts: str = Field(
        "",
        description="Host names `/mcp` answers besides localhost and `host`, comma-separated "
        "(DNS-rebinding protection); `*` turns the check off.",
    )
    anonymous_reads: Literal["auto", "on", "off"] = Field(
        "auto",
        description="Whether a client without a token gets the public view: names, titles and answers, no contact "
        "details. `auto`: on when `host` is a loopback address, off otherwise.",
    )
    token_cache_seconds: float = Field(
        5.0, ge=0, description="How long a checked token is trusted before the store is asked again (revocation delay)."
    )
    max_depth: int = Field(12, ge=1, description="Deepest GraphQL selection a document may have.")
    max_aliases: int = Field(30, ge=0, description="Most aliases a GraphQL document may use.")
    max_tokens: int = Field(5000, ge=100, description="Most tokens (names, punctuation, values) in a GraphQL document.")
    max_page_size: int = Field(500, ge=1, description="Most items any list of the GraphQL API returns at once.")
    introspection: bool = Field(True, description="Whether GraphQL answers introspection (GraphiQL needs it).")
    max_body_bytes: int = Field(
        1_048_576, ge=1024, description="Largest request body `/graphql` and `/mcp` read, uploads aside (bytes)."
    )
    max_upload_bytes: int = Field(
        268_435_456, ge=1024, description="Largest multipart upload `/graphql` reads: an HR export (bytes)."
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
