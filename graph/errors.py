"""The errors buckstop raises on purpose. Anything else is a bug.

Every message names the value that was asked for and, where it can, the fix:
``unknown account '@AcmeDeal'; did you mean '@AcmeDeals'?``. Interfaces map
each class to one error shape (a GraphQL ``code``, a CLI exit status) through
:attr:`BuckstopError.code`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "BadTokenName",
    "BrokenToken",
    "BuckstopError",
    "BundleRefused",
    "IncompleteRead",
    "NoSuchStore",
    "NotAStore",
    "NotFound",
    "Problem",
    "StoreUnavailable",
    "TokenExists",
    "UnknownAccount",
    "UnknownDepartment",
    "UnknownIssueType",
    "UnknownName",
    "UnknownPerson",
    "UnknownToken",
]


class BuckstopError(Exception):
    """Base class: a user-facing error with a stable machine-readable code."""

    code = "BUCKSTOP_ERROR"


class NotFound(BuckstopError):
    """A name that matches nothing, with the nearest known names."""

    code = "NOT_FOUND"
    what = "name"

    def __init__(self, asked: str, suggestions: Sequence[str] = ()) -> None:
        self.asked = asked
        self.suggestions = tuple(suggestions)
        message = f"unknown {self.what} {asked!r}"
        if self.suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)


class UnknownAccount(NotFound):
    code = "UNKNOWN_ACCOUNT"
    what = "account"


class UnknownIssueType(NotFound):
    code = "UNKNOWN_ISSUE_TYPE"
    what = "issue type"


class UnknownPerson(NotFound):
    code = "UNKNOWN_PERSON"
    what = "person"


class UnknownDepartment(NotFound):
    code = "UNKNOWN_DEPARTMENT"
    what = "department"


class UnknownName(NotFound):
    """Asked for an account or department and found neither."""

    code = "UNKNOWN_NAME"
    what = "account or department"


class UnknownToken(NotFound):
    code = "UNKNOWN_TOKEN"
    what = "token"


class TokenExists(BuckstopError):
    """A token of that name is in use: names say who holds a token, so they must be unique."""

    code = "TOKEN_EXISTS"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"a token named {name!r} is in use; revoke it first or choose another name")


class BadTokenName(BuckstopError):
    """A token name that is blank, unprintable or too long (see :func:`graph.tokens.check_name`)."""

    code = "BAD_TOKEN_NAME"

    def __init__(self, name: str, why: str) -> None:
        self.name = name
        super().__init__(f"bad token name {name!r}: {why}")


class BrokenToken(BuckstopError):
    """A token kept in the store that cannot be read back (a row written by hand, or by an older version)."""

    code = "BROKEN_TOKEN"

    def __init__(self, digest: object, why: str) -> None:
        self.digest = digest
        shown = f"{str(digest)[:12]}…" if digest else "(none)"
        super().__init__(f"a stored token (digest {shown}) is broken: {why}")


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a bundle is refused, located as precisely as the input allows."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f" [{self.column}]"
        return f"{where}: {self.message}"


class BundleRefused(BuckstopError):
    """A change was refused whole; nothing was applied. Carries every problem.

    The message lists the first :attr:`SHOWN` problems and counts the rest by
    file and column, so a refused file of a million bad rows stays readable.
    """

    code = "BUNDLE_REFUSED"
    SHOWN = 50

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.message)))
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"refused: {count:,} {noun}, nothing was changed"]
        lines += [f"  {p}" for p in self.problems[: self.SHOWN]]
        rest = self.problems[self.SHOWN :]
        if rest:
            groups = Counter(f"{p.file} [{p.column}]" if p.column else p.file for p in rest)
            shown = ", ".join(f"{where} ×{n:,}" for where, n in groups.most_common(5))
            more = f" and {len(groups) - 5} more places" if len(groups) > 5 else ""
            lines.append(f"  … and {len(rest):,} more: {shown}{more}")
        #: The message's lines: a value quoted in one may hold a line feed of its own.
        self.lines = tuple(lines)
        super().__init__("\n".join(lines))


class IncompleteRead(Exception):
    """A partial org was asked for a record it was told exists but did not fetch: its reach is missing a hop.

    Not a :class:`BuckstopError` (nothing a user can fix: a bug in a question's declared reach, answered
    as an internal error), nor a ``KeyError``, which a lookup's caller might take for a plain miss.
    """

    def __init__(self, reach: str, message: str) -> None:
        self.reach = reach
        super().__init__(message)

    @classmethod
    def named(cls, reach: str, kind: str, id: str, named_by: str, field: str) -> IncompleteRead:
        """A record that ``named_by`` names in ``field`` was asked for, and not fetched."""
        return cls(
            reach,
            f"the {reach.lower()} read did not fetch {kind}:{id}, which {named_by} names as {field} "
            f"— the reach {reach.upper()} is missing a hop",
        )

    @classmethod
    def iterated(cls, reach: str, kind: str) -> IncompleteRead:
        """Every record of ``kind`` was asked for, and the read fetches only some."""
        return cls(
            reach,
            f"the {reach.lower()} read fetched only some records of the kind {kind}, and all were asked for "
            f"— the reach {reach.upper()} does not fetch {kind} complete",
        )


class StoreUnavailable(BuckstopError):
    """The store cannot be read or written right now (disk, permissions, server)."""

    code = "STORE_UNAVAILABLE"


class NoSuchStore(BuckstopError):
    """The store file asked for does not exist, and the action may not create it.

    A question asked of a file that is not there would otherwise create an empty
    store, or answer from the wrong one; ``fix`` says how to make the store.
    """

    code = "NO_SUCH_STORE"

    def __init__(self, path: str, fix: str = "") -> None:
        self.path = path
        super().__init__(f"no such store {path!r}" + (f": {fix}" if fix else ""))


class NotAStore(BuckstopError):
    """The file asked for exists but is no buckstop store this version can open; it is left as it is.

    An empty file (a full disk, a bad copy), another program's SQLite database or
    any other file would otherwise be taken for a new store and written to;
    ``what`` says what the file is, ``fix`` what to do.
    """

    code = "NOT_A_STORE"

    def __init__(self, path: str, what: str, fix: str) -> None:
        self.path = path
        self.what = what
        super().__init__(f"the file {path!r} {what}; {fix} (nothing was written to it)")
