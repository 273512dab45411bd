"""Field permissions of the GraphQL schema: what the public view withholds, what needs an admin.

- :func:`private` marks a field the public view answers with ``null`` (or an
  empty list): contact details and provenance. On a :class:`~api.graphql.types.Person`
  marked public it is always answered. The schema shows such fields with the
  ``@private`` directive, so a client can tell why a value is null.
- :func:`admin` guards a mutation or question that needs an ``admin`` token; a
  client without one gets the error ``FORBIDDEN``.

``tests/api/test_public_view.py`` walks every field of the schema: each is
either in its list of public fields or private, so a new field cannot leak by
being forgotten.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location
from strawberry.types import Info

from buckstop.graph.tokens import Scope

from ..access import ANONYMOUS, Forbidden, Principal

__all__ = ["admin", "moves_cases", "principal_of", "private"]


def principal_of(info: Info) -> Principal:
    """The principal a GraphQL request speaks for; a context without one gets the public view."""
    context = info.context
    found = context.get("principal") if isinstance(context, dict) else None
    return found if isinstance(found, Principal) else ANONYMOUS


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="private",
    description="Null in the public view (no token), except on a person marked public.",
)
class PrivateDirective:
    pass


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION], name="admin", description="Needs a token with scope admin."
)
class AdminDirective:
    pass


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION], name="cases", description="Needs a token with scope cases or admin."
)
class CasesDirective:
    pass


class _Private(BasePermission):
    message = "withheld in the public view"
    _schema_directive = PrivateDirective()

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if principal_of(info).reads_private:
            return True
        return bool(getattr(source, "public", False))


class _Admin(BasePermission):
    _schema_directive = AdminDirective()

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = principal_of(info)
        if principal.admin:
            return True
        raise Forbidden(Scope.ADMIN, principal)


def private() -> list[FieldExtension]:
    """The field extensions of a private field: ``strawberry.field(extensions=private())``."""
    return [PermissionExtension(permissions=[_Private()], fail_silently=True)]


def admin() -> list[FieldExtension]:
    """The field extensions of a field that needs an admin token: ``strawberry.field(extensions=admin())``."""
    return [PermissionExtension(permissions=[_Admin()])]


class _MovesCases(BasePermission):
    _schema_directive = CasesDirective()

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = principal_of(info)
        if principal.moves_cases:
            return True
        raise Forbidden(Scope.CASES, principal)


def moves_cases() -> list[FieldExtension]:
    """The field extensions of a mutation that opens or moves a case: a token of scope cases or admin."""
    return [PermissionExtension(permissions=[_MovesCases()])]
