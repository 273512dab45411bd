"""The documents a schema has parsed and checked, and the checks a document passes before it runs.

Vocabulary:

- A document's *key* is the SHA-256 of its text (and the parse options): a
  cache holds the key, never the text as a key.
- Its *weight* is what the parsed document holds in memory, estimated: twice
  its text (graphql-core keeps the text and a copy of each comment) and 400
  bytes per token. The cache of a schema (:class:`Documents`) is an LRU bounded
  by the sum of the weights (``document_cache_bytes``), not by a count: 512
  documents padded with comments up to the body limit would hold a gigabyte.
- Its *selections* are its fields and fragment spreads, as written (a
  fragment's fields count once). Validation compares the fields of a selection
  two by two (graphql-core's ``OverlappingFieldsCanBeMerged``; it compares a
  fragment with another once, however often they are spread), so its cost
  grows with their square: a document of more than ``max_selections`` is
  refused before validation runs.
- A document that passes validation is then priced (:mod:`api.graphql.cost`) with the
  request's variables and refused over ``max_cost``.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import threading
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from buckstop.graph.org import Org
from buckstop.graph.store import Focus, Store

from ..responses import NOTE_KEY, Note
from .cost import Cost, Price, TooCostly, price

__all__ = ["Checks", "Documents", "Entry", "selections", "weight_of"]

#: Bytes a token of a parsed document holds (its node and location included), measured with tracemalloc.
TOKEN_BYTES = 400


@dataclass
class Entry:
    """A parsed document and, once validated, its validation errors."""

    document: DocumentNode
    weight: int
    errors: list[GraphQLError] | None = None
    #: Its prices that read no argument, by operation name: the same for any variables.
    prices: dict[str | None, Price] = field(default_factory=dict)


def weight_of(text: str, document: DocumentNode) -> int:
    """The bytes a parsed document of ``text`` holds, estimated (see the module's vocabulary)."""
    tokens = 0
    token = document.loc.start_token if document.loc else None
    while token is not None:
        tokens += 1
        token = token.next
    return 2 * sys.getsizeof(text) + TOKEN_BYTES * tokens


class Documents:
    """An LRU of parsed and validated documents by key, at most ``max_bytes`` of them. Thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: LRUCache[str, Entry] = LRUCache(maxsize=max_bytes, getsizeof=lambda entry: entry.weight)
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str, options: Mapping[str, Any]) -> str:
        return hashlib.sha256(f"{sorted(options.items())!r}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, entry: Entry) -> None:
        if entry.weight > self.max_bytes:
            return  # a document heavier than the whole cache is parsed each time it comes
        with self._lock:
            self._entries[key] = entry

    @property
    def bytes(self) -> int:
        """The weight of the documents held."""
        with self._lock:
            return int(self._entries.currsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def selections(document: DocumentNode, most: int) -> int:
    """The fields and fragment spreads of ``document``, a fragment's fields counted once; counting stops past ``most``.

    >>> from graphql import parse
    >>> selections(parse("{ top { ...F } boss(of: 1) { ...F } } fragment F on Person { name manager { name } }"), 100)
    7
    """
    total = 0
    pending: list[SelectionSetNode] = [
        d.selection_set for d in document.definitions if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode | FragmentSpreadNode):
                total += 1
                if total > most:
                    return total
            if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set is not None:
                pending.append(selection.selection_set)
    return total


class Checks:
    """What the extensions of one schema share: its documents, its costs and its limits."""

    def __init__(
        self,
        *,
        costs: Mapping[tuple[str, str], Cost],
        max_bytes: int,
        max_selections: int,
        max_cost: int,
        max_items: int,
        max_tokens: int | None = None,
        rules: Sequence[type[ASTValidationRule]] = (),
    ) -> None:
        self.documents = Documents(max_bytes)
        self.costs = costs
        self.max_selections = max_selections
        self.max_cost = max_cost
        self.max_items = max_items
        self.max_tokens = max_tokens
        self.rules = tuple(rules)
        self._people: tuple[int, int] | None = None  # (version, people) of a store that answers in parts

    def people(self, store: Store) -> int:
        """How many people the org of ``store`` has (counted once per version where the store answers in parts)."""
        org: Org = store.read(Focus.kinds())
        if not org.partial:
            return len(org.people)
        if self._people is None or self._people[0] != org.version:
            self._people = (org.version, len(store.read(Focus.kinds("person")).people))
        return self._people[1]

    def extension(self) -> CheckedDocument:
        return CheckedDocument(self)


class CheckedDocument(SchemaExtension):
    """Parses from the cache, then refuses a document of too many selections, an invalid one, a too costly one."""

    def __init__(self, checks: Checks) -> None:
        super().__init__()
        self.checks = checks
        self.key: str | None = None
        self.entry: Entry | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if self.checks.max_tokens is not None:  # strawberry parses with these options too, should this parse fail
            context.parse_options["max_tokens"] = self.checks.max_tokens
        if context.query is not None and context.graphql_document is None:
            documents = self.checks.documents
            self.key = documents.key(context.query, context.parse_options)
            self.entry = documents.get(self.key)
            if self.entry is None:
                try:
                    document = parse(context.query, **context.parse_options)
                except GraphQLError:
                    pass  # left to strawberry, which parses it again and reports the error as any other
                else:
                    self.entry = Entry(document, weight_of(context.query, document))
                    documents.put(self.key, self.entry)
            if self.entry is not None:
                context.graphql_document = self.entry.document
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            entry = self.entry if self.entry is not None and self.entry.document is document else None
            errors = entry.errors if entry is not None else None
            if errors is None:
                errors = self._validate(document)
                if entry is not None:
                    entry.errors = errors
            if not errors:
                errors = await self._priced(document, entry)
            context.pre_execution_errors = errors
            note = context.context.get(NOTE_KEY) if isinstance(context.context, dict) else None
            if isinstance(note, Note) and not errors:
                note.document = document  # the HTTP layer reads which questions it asks (api.responses)
        yield

    def _validate(self, document: DocumentNode) -> list[GraphQLError]:
        most = self.checks.max_selections
        count = selections(document, most)
        if count > most:
            message = (
                f"the document has more than {most:,} selections (fields and fragment spreads); "
                f"at most {most:,} are allowed (setting max_selections): split it into smaller documents"
            )
            return [GraphQLError(message, extensions={"code": "GRAPHQL_VALIDATION_FAILED"})]
        context = self.execution_context
        rules = (*context.validation_rules, *self.checks.rules)
        return validate_document(context.schema._schema, document, rules)

    async def _priced(self, document: DocumentNode, entry: Entry | None) -> list[GraphQLError]:
        context = self.execution_context
        checks = self.checks
        cost = entry.prices.get(context.operation_name) if entry is not None else None
        if cost is None:
            cost = price(
                context.schema._schema,
                document,
                checks.costs,
                operation_name=context.operation_name,
                variables=context.variables,
                max_items=checks.max_items,
            )
            if entry is not None and not cost.read_arguments:
                entry.prices[context.operation_name] = cost
        if cost.fixed <= checks.max_cost and not cost.whole_org:
            return []
        store = context.context.get("store") if isinstance(context.context, dict) else None
        # The org's size is read only for a question over the whole org; off the event loop, as Neo4j answers it.
        people = await asyncio.to_thread(checks.people, store) if store is not None else 0
        if cost.total(people) <= checks.max_cost:
            return []
        refused = TooCostly(cost, people, checks.max_cost)
        return [GraphQLError(str(refused), extensions=refused.extensions())]
