"""Who is asking: ``viewer``, what the caller may do, so a client shows only the actions it may take.

Vocabulary:

- The *viewer* is the principal of the request (:mod:`api.access`): the public view (no token,
  named ``anonymous``) or a token, by its name. Never the token's secret, nor its digest.
- Its *scopes* are the powers it holds, each spelled as a token's scope (:class:`graph.tokens.Scope`):
  none for the public view; ``read`` (the private fields) for any token; ``cases`` (open and move
  cases) for a token of scope ``cases`` or ``admin``; ``admin`` (load, tokens, webhooks) for an
  admin's. Listed whole, so a client asks ``"cases" in scopes`` without knowing which scope holds which.

``viewer`` reads no store and is answered for anyone. It is not a pure question (its answer is
the caller's, name included), so the response cache never keeps a document that asks it.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from buckstop.graph.tokens import Scope

from ..access import Principal
from .cost import PLAIN, priced
from .permissions import principal_of

__all__ = ["Viewer", "ViewerQuery", "scopes_of"]


def scopes_of(principal: Principal) -> list[str]:
    """The powers ``principal`` holds, weakest first.

    >>> from buckstop.api.access import ANONYMOUS
    >>> scopes_of(ANONYMOUS), scopes_of(Principal("grafana", Scope.CASES))
    ([], ['read', 'cases'])
    """
    held = [(principal.reads_private, Scope.READ), (principal.moves_cases, Scope.CASES), (principal.admin, Scope.ADMIN)]
    return [str(scope) for holds, scope in held if holds]


@strawberry.type(description="Who is asking, and what they may do (never the token itself).")
class Viewer:
    name: str = strawberry.field(description="The token's name, or `anonymous` for the public view (no token).")
    scopes: list[str] = strawberry.field(
        description="What the caller may do: `read` (private fields), `cases` (open and move cases), `admin` "
        "(load, tokens, webhooks); empty for the public view."
    )


def _viewer(info: Info) -> Viewer:
    principal = principal_of(info)
    return Viewer(name=principal.name, scopes=scopes_of(principal))


@strawberry.type
class ViewerQuery:
    viewer: Viewer = strawberry.field(
        resolver=_viewer, description="Who is asking, and what they may do.", metadata=priced(PLAIN)
    )
