"""``buckstop token create|list|revoke``: the API tokens clients send as ``Authorization: Bearer``.

A token's secret is printed once, by ``create``, and never again: the store keeps
only its digest. ``read`` tokens ask questions and see the directory; ``admin``
tokens also load and see the log of changes (see docs/security.md).
"""

from __future__ import annotations

import argparse
import sys

from buckstop.graph.store import Store
from buckstop.graph.tokens import MAX_NAME, Scope, Token, check_name, digest, new_secret, now

from ..stores import open_store
from ._common import add_store_arguments, settings_of
from .output import emit_json, table

NAME = "token"
HELP = "create, list or revoke API tokens"
EXAMPLE = """\
examples:
  buckstop token create --name grafana --scope read
  buckstop token list
  buckstop token revoke --name grafana
"""

_NAMES = f"non-blank, printable, at most {MAX_NAME} characters, unique among active tokens"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    raw = argparse.RawDescriptionHelpFormatter
    create = actions.add_parser(
        "create",
        help="make a token and print its secret, once",
        epilog="example:\n  buckstop token create --name grafana --scope read",
        formatter_class=raw,
    )
    create.add_argument("--name", required=True, help=f"who or what holds it: {_NAMES}")
    create.add_argument("--scope", choices=[s.value for s in Scope], default=Scope.READ.value, help="default: read")
    add_store_arguments(create)
    listing = actions.add_parser(
        "list",
        help="every token: name, scope, created, revoked",
        epilog="example:\n  buckstop token list --json",
        formatter_class=raw,
    )
    add_store_arguments(listing)
    revoke = actions.add_parser(
        "revoke",
        help="revoke the active token of this name",
        epilog="example:\n  buckstop token revoke --name grafana",
        formatter_class=raw,
    )
    revoke.add_argument("--name", required=True, help="the name it was created with")
    add_store_arguments(revoke)


def run(args: argparse.Namespace) -> int:
    if args.action == "create":
        check_name(args.name)  # a bad name is said before anything else, even before the store is looked for
    store = open_store(settings_of(args))
    try:
        if args.action == "create":
            return _create(store, args)
        if args.action == "revoke":
            revoked = store.revoke_token(args.name)
            if args.json:
                emit_json(_dict(revoked))
            else:
                print(f"revoked {revoked.name!r} ({revoked.scope}); servers stop accepting it within seconds")
            return 0
        tokens = store.tokens()
        if args.json:
            emit_json([_dict(t) for t in tokens])
        elif tokens:
            print(table([_row(t) for t in tokens], ("name", "scope", "created", "revoked")))
        else:
            print("no tokens yet: buckstop token create --name NAME --scope read|cases|admin")
        return 0
    finally:
        store.close()


def _create(store: Store, args: argparse.Namespace) -> int:
    secret = new_secret()
    token = Token(args.name, Scope(args.scope), digest(secret), now())
    store.add_token(token)
    if args.json:
        emit_json({**_dict(token), "secret": secret})
    else:
        print(secret)
        print(
            f"token {token.name!r} ({token.scope}): shown once, keep it secret; send it as "
            "`Authorization: Bearer <token>`",
            file=sys.stderr,
        )
    return 0


def _dict(token: Token) -> dict[str, object]:
    return {
        "name": token.name,
        "scope": token.scope.value,
        "created": token.created.isoformat(timespec="seconds"),
        "revoked": token.revoked.isoformat(timespec="seconds") if token.revoked else None,
    }


def _row(token: Token) -> tuple[str, ...]:
    return tuple(str(value or "") for value in _dict(token).values())
