"""What a GraphQL document costs, priced before it runs.

Vocabulary:

- A field's *cost* is declared where the field is declared, as data:
  ``strawberry.field(metadata=priced(Cost(...)))``. It is ``points`` for one
  answer of the field, plus ``per_thousand_people`` for each 1,000 people in
  the org (rounded up, at least one) when the field is a question over the
  whole org (the audit, the matrix, search, a name that may miss and suggest
  near names).
- A *point* is about one lookup: finding one record by its key (a person's
  manager, a department's head) and answering it.
- A *plain* field holds a value already in hand (it has no resolver: a name, a
  count, an object built with its parent): it costs nothing and needs no
  declaration. Every field with a resolver declares its cost (a test walks the
  schema).
- A *list* multiplies the cost of its selection by its size: the value of its
  ``items_argument`` (``limit``), else ``items``, the size it is assumed to have.
- A *repeat* is a root question asked again in one document with the same
  arguments (an alias of it): it is answered once (:mod:`api.graphql.memo`) and priced once.
- A document's *cost* is the sum over the fields of the operation that runs;
  :func:`price` computes it from the parsed document and the variables, without
  running anything. Introspection (``__schema``, ``__type``) answers from the
  schema and costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    value_from_ast_untyped,
)
from strawberry.types.field import StrawberryField

from buckstop.graph.errors import BuckstopError

__all__ = ["LOOKUP", "PLAIN", "Cost", "Price", "TooCostly", "costs_of", "markdown", "price", "priced", "thousands"]

#: The key of a field's cost in its strawberry ``metadata``.
COST = "buckstop.cost"


@dataclass(frozen=True, slots=True)
class Cost:
    """The declared cost of a field (see the module's vocabulary)."""

    points: int = 0
    per_thousand_people: int = 0
    items: int | None = None
    items_argument: str | None = None

    def explained(self) -> str:
        """The cost in words, for docs/security.md: ``300 per 1,000 people``, ``1, × limit (default 100)``."""
        parts = []
        if self.points or not self.per_thousand_people:
            parts.append(f"{self.points:,}")
        if self.per_thousand_people:
            parts.append(f"{self.per_thousand_people:,} per 1,000 people")
        words = " + ".join(parts)
        if self.items_argument:
            words += f"; × `{self.items_argument}` (default {self.items:,})"
        elif self.items is not None:
            words += f"; × {self.items:,} items (assumed)"
        return words


#: The cost of a plain field: its value is in hand.
PLAIN: Cost = Cost()

#: A lookup: one record found by its key.
LOOKUP: Cost = Cost(1)


def priced(cost: Cost) -> dict[str, Cost]:
    """The strawberry ``metadata`` of a field of this cost: ``strawberry.field(metadata=priced(Cost(1)))``."""
    return {COST: cost}


def costs_of(schema: GraphQLSchema) -> dict[tuple[str, str], Cost]:
    """The declared cost of every field of ``schema`` that declares one, by (type name, field name)."""
    found: dict[tuple[str, str], Cost] = {}
    for type_ in schema.type_map.values():
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType) and not type_.name.startswith("__"):
            for name, definition in type_.fields.items():
                strawberry_field = (definition.extensions or {}).get("strawberry-definition")
                if isinstance(strawberry_field, StrawberryField) and COST in strawberry_field.metadata:
                    found[(type_.name, name)] = strawberry_field.metadata[COST]
    return found


def markdown(costs: Mapping[tuple[str, str], Cost]) -> str:
    """The table of docs/security.md: every declared cost, the questions first.

    ``python -m buckstop.api.graphql.schema --costs`` prints it.
    """
    order = {"Query": 0, "Mutation": 1}
    lines = ["| field | cost |", "|---|---|"]
    for type_name, name in sorted(costs, key=lambda k: (order.get(k[0], 2), k)):
        where = name if type_name in order else f"{type_name}.{name}"
        lines.append(f"| `{where}` | {costs[(type_name, name)].explained()} |")
    return "\n".join(lines) + "\n"


def thousands(people: int) -> int:
    """The size factor of an org of ``people``: thousands of people, rounded up, at least one.

    >>> thousands(80), thousands(1000), thousands(200_001)
    (1, 1, 201)
    """
    return max(1, math.ceil(people / 1000))


@dataclass
class Price:
    """A document's cost as ``fixed + per_thousand × thousands(people)``, and where it comes from.

    Kept in two parts so that the org's size is read only for documents that ask
    a question over the whole org.
    """

    fixed: int = 0
    per_thousand: int = 0
    #: (fixed, per thousand, times asked) by field, ``Type.field`` (``orgHealth`` for a question).
    by_field: dict[str, list[int]] = field(default_factory=dict)
    #: Whether it read the value of an argument (a page's size, a repeated question's arguments): else it is
    #: the price of the document whatever its variables, and is kept with it (:mod:`api.graphql.documents`).
    read_arguments: bool = False

    @property
    def whole_org(self) -> bool:
        return self.per_thousand > 0

    def total(self, people: int) -> int:
        return self.fixed + self.per_thousand * thousands(people)

    def costliest(self, people: int, most: int = 5) -> list[tuple[str, int, int]]:
        """The fields that cost the most, as (field, times asked, points), costliest first."""
        size = thousands(people)
        rows = [(name, times, fixed + per * size) for name, (fixed, per, times) in self.by_field.items()]
        return sorted((r for r in rows if r[2] > 0), key=lambda r: (-r[2], r[0]))[:most]


class TooCostly(BuckstopError):
    """A document that would cost more than ``max_cost``: refused before it runs."""

    code = "TOO_COSTLY"

    def __init__(self, price: Price, people: int, limit: int) -> None:
        self.cost = price.total(people)
        self.limit = limit
        self.fields = price.costliest(people)
        named = ", ".join(
            f"{name} ×{times} ({points:,})" if times > 1 else f"{name} ({points:,})"
            for name, times, points in self.fields
        )
        super().__init__(
            f"this document would cost {self.cost:,} points, over the limit of {limit:,} (setting max_cost); "
            f"the costliest fields: {named}. Ask fewer questions over the whole org in one document, "
            "or smaller pages"
        )

    def extensions(self) -> dict[str, Any]:
        """The error's ``extensions``: the code, the cost, the limit and the costliest fields."""
        fields = [{"field": name, "times": times, "cost": points} for name, times, points in self.fields]
        return {"code": self.code, "cost": self.cost, "maxCost": self.limit, "fields": fields}


def _named(name: str, times: int, points: int) -> str:
    return f"{name} ×{times} ({points:,})" if times > 1 else f"{name} ({points:,})"


def price(
    schema: GraphQLSchema,
    document: DocumentNode,
    costs: Mapping[tuple[str, str], Cost],
    *,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
    max_items: int | None = None,
) -> Price:
    """The price of the operation of ``document`` that would run (none: an empty price).

    A list's size is its argument's value, at most ``max_items`` (a larger page
    is refused by the question itself); a size the variables do not give as a
    whole number is the declared one.
    """
    return _Pricer(schema, document, costs, variables or {}, max_items).operation(operation_name)


class _Pricer:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        costs: Mapping[tuple[str, str], Cost],
        variables: Mapping[str, Any],
        max_items: int | None,
    ) -> None:
        self.schema = schema
        self.costs = costs
        self.variables = dict(variables)
        self.max_items = max_items
        self.operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.spreading: set[str] = set()
        #: A root question's first node, its arguments read only if it is asked again; then their reprs.
        self.asked: dict[str, FieldNode | set[str]] = {}
        self.price = Price()

    def operation(self, name: str | None) -> Price:
        chosen = [op for op in self.operations if name is None or (op.name and op.name.value == name)]
        if len(chosen) != 1:  # graphql-core refuses it before anything runs
            return self.price
        operation = chosen[0]
        root = self.schema.get_root_type(operation.operation)
        if root is not None:
            # A query's repeated questions are answered once; each mutation runs, each time.
            self.selection_set(operation.selection_set, root, 1, repeats=operation.operation == OperationType.QUERY)
        return self.price

    def selection_set(self, node: SelectionSetNode, parent: GraphQLNamedType, times: int, repeats: bool) -> None:
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                self.field(selection, parent, times, repeats)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                if inner is not None:
                    self.selection_set(selection.selection_set, inner, times, repeats)
            elif isinstance(selection, FragmentSpreadNode):
                self.spread(selection.name.value, times, repeats)

    def spread(self, name: str, times: int, repeats: bool) -> None:
        fragment = self.fragments.get(name)
        if fragment is None or name in self.spreading:  # a cycle: validation refuses it
            return
        inner = self.schema.get_type(fragment.type_condition.name.value)
        if inner is not None:
            self.spreading.add(name)
            self.selection_set(fragment.selection_set, inner, times, repeats)
            self.spreading.discard(name)

    def field(self, node: FieldNode, parent: GraphQLNamedType, times: int, repeats: bool) -> None:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return  # introspection answers from the schema, and scalars have no fields
        definition = parent.fields.get(name)
        if definition is None:
            return
        cost = self.costs.get((parent.name, name), PLAIN)
        fixed, per = cost.points * times, cost.per_thousand_people * times
        if repeats:
            asked = self.asked.get(name)
            if asked is None:
                self.asked[name] = node
            else:
                if isinstance(asked, FieldNode):
                    asked = self.asked[name] = {self.arguments(asked)}
                question = self.arguments(node)
                if question in asked:
                    fixed = per = 0  # answered once (api.graphql.memo)
                asked.add(question)
        if fixed or per:
            where = name if repeats else f"{parent.name}.{name}"
            row = self.price.by_field.setdefault(where, [0, 0, 0])
            row[0] += fixed
            row[1] += per
            row[2] += times
            self.price.fixed += fixed
            self.price.per_thousand += per
        if node.selection_set is not None:
            self.selection_set(
                node.selection_set, get_named_type(definition.type), times * self.items(node, cost), False
            )

    def items(self, node: FieldNode, cost: Cost) -> int:
        size = cost.items if cost.items is not None else 1
        if cost.items_argument:
            for argument in node.arguments or ():
                if argument.name.value == cost.items_argument:
                    self.price.read_arguments = True
                    given = value_from_ast_untyped(argument.value, self.variables)
                    if isinstance(given, int) and not isinstance(given, bool):
                        size = given
        if self.max_items is not None and cost.items_argument:
            size = min(size, self.max_items)
        return max(size, 0)

    def arguments(self, node: FieldNode) -> str:
        self.price.read_arguments = True
        values = {a.name.value: value_from_ast_untyped(a.value, self.variables) for a in node.arguments or ()}
        return repr(sorted(values.items()))
