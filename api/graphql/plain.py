"""Plain fields completed in one step: the executor of the schema.

Vocabulary:

- A *plain* field is one strawberry answers by reading an attribute of its
  parent (no resolver, no field extension: strawberry's ``is_basic_field``),
  whose type is a scalar or an enum, or a list of non-null ones, and which
  takes no arguments: a person's ``id``, ``name`` and ``title``, a step's
  ``level``, a route's ``explanation``. Most fields of an answer are plain: a
  route of six handlers and a chain of five is about a hundred fields, some
  seventy of them plain.
- graphql-core completes every field the same way: a response path, a
  ``GraphQLResolveInfo`` of fourteen parts, strawberry's resolver wrapper, then
  the type's wrappers one by one. For a plain field all that ends in
  ``getattr`` and the scalar's ``serialize``. :class:`PlainFirst` does just those
  two for a plain field, and hands any field that is not plain, or a plain
  value that would be an error (a null for a non-null field, a value the scalar
  refuses), to graphql-core's own path, which then answers or fails exactly as
  it always did: the answer, its errors and their paths are unchanged.
- The *table* of a schema (:func:`plain_fields`) says, by type and field
  name, which fields are plain; it is made once, with the schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from graphql import (
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    is_leaf_type,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

__all__ = ["Plain", "PlainFields", "PlainFirst", "executor_for", "plain_fields"]

#: Fields a type answers by reading an attribute, by type name and field name.
Table = Mapping[str, Mapping[str, "Plain"]]


@dataclass(frozen=True, slots=True)
class Plain:
    """How to answer one plain field: the attribute, its scalar or enum, and its wrappers."""

    attribute: str
    leaf: GraphQLLeafType
    non_null: bool
    #: A list of non-null leaves (``[String!]`` or ``[String!]!``).
    listed: bool


def _plain(definition: Any) -> Plain | None:
    field = (definition.extensions or {}).get("strawberry-definition")
    if not isinstance(field, StrawberryField) or not field.is_basic_field or definition.args:
        return None
    if not getattr(definition.resolve, "_is_default", False):  # strawberry's own reader of the attribute
        return None
    type_ = definition.type
    non_null = isinstance(type_, GraphQLNonNull)
    if non_null:
        type_ = type_.of_type
    listed = isinstance(type_, GraphQLList)
    if listed:
        if not isinstance(type_.of_type, GraphQLNonNull):
            return None  # a null item would be completed as null: left to graphql-core
        type_ = type_.of_type.of_type
    if not is_leaf_type(type_):
        return None
    return Plain(field.python_name, type_, non_null, listed)


def plain_fields(schema: GraphQLSchema) -> dict[str, dict[str, Plain]]:
    """The plain fields of ``schema``, by type name and field name (see the module's vocabulary)."""
    table: dict[str, dict[str, Plain]] = {}
    for type_ in schema.type_map.values():
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__"):
            found = {name: plain for name, definition in type_.fields.items() if (plain := _plain(definition))}
            if found:
                table[type_.name] = found
    return table


@dataclass(frozen=True, slots=True)
class PlainFields:
    """The plain fields of one schema (:func:`plain_fields`), and how strawberry reads an attribute."""

    table: Table
    read: Callable[[Any, str], Any]


class _Refused(Exception):
    """A plain value graphql-core must complete itself: it makes the error, with its path."""


def _complete(plain: Plain, value: Any) -> Any:
    if value is None:
        if plain.non_null:
            raise _Refused
        return None
    if plain.listed:
        if not isinstance(value, list | tuple):
            raise _Refused
        return [_leaf(plain.leaf, item) for item in value]
    return _leaf(plain.leaf, value)


def _leaf(leaf: GraphQLLeafType, value: Any) -> Any:
    if value is None:
        raise _Refused
    try:
        coerced = leaf.coerce_output_value(value)
    except Exception:
        raise _Refused from None
    if coerced is None or coerced is Undefined:
        raise _Refused
    return coerced


class PlainFirst(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor (as strawberry makes it), answering plain fields in one step."""

    #: The schema's plain fields and strawberry's reader of an attribute, set by :func:`executor_for`.
    plain: ClassVar[PlainFields] = PlainFields({}, getattr)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        # A schema extension that wraps every field (a `resolve` hook) must see the plain ones too.
        self._plain_first = manager is None or manager.get_field_resolver(_unwrapped) is _unwrapped

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plain = self.plain.table.get(parent_type.name)
        if plain is None or not self._plain_first:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        results: dict[str, Any] = {}
        others: GroupedFieldSet = {}
        read = self.plain.read
        for response_name, field_details_list in grouped_field_set.items():
            field = plain.get(field_details_list[0].node.name.value)
            if field is not None:
                try:
                    results[response_name] = _complete(field, read(source_value, field.attribute))
                    continue
                except Exception:  # _Refused, or the attribute's own error: graphql-core reads it again and reports it
                    pass
            others[response_name] = field_details_list
            results[response_name] = None  # holds the field's place: the answer keeps the selection's order
        if not others:
            return results
        rest = super().execute_fields(parent_type, source_value, path, others, position_context)
        if self.is_awaitable(rest):

            async def merged() -> dict[str, Any]:
                return _merged(results, others, await rest)

            return merged()
        return _merged(results, others, rest)  # type: ignore[arg-type]


def _merged(results: dict[str, Any], others: GroupedFieldSet, rest: dict[str, Any]) -> dict[str, Any]:
    for name in others:
        if name in rest:
            results[name] = rest[name]
        else:  # a field graphql-core left out
            del results[name]
    return results


def _unwrapped(*args: Any, **kwargs: Any) -> None:
    """A resolver no middleware wraps."""


def executor_for(schema: GraphQLSchema, default_resolver: Callable[[Any, str], Any]) -> type[PlainFirst]:
    """The executor class of ``schema``: :class:`PlainFirst` with the schema's table of plain fields."""
    return type("PlainFirstExecutor", (PlainFirst,), {"plain": PlainFields(plain_fields(schema), default_resolver)})
