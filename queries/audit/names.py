"""Audit findings about names that do not read as they look: hidden characters, look-alike letters.

Vocabulary: see :mod:`queries.audit`; the characters are as :mod:`queries.text` defines them.
"""

from __future__ import annotations

from collections.abc import Iterator

from buckstop.graph.model import Kind, Record, key
from buckstop.graph.org import Org

from ..text import describe, hidden_characters, mixed_scripts
from .core import Finding, Severity

__all__ = ["name_findings"]


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


def name_findings(org: Org) -> Iterator[Finding]:
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
