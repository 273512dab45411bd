"""``buckstop serve``: the GraphQL service (GraphiQL in a browser at /graphql)."""

from __future__ import annotations

import argparse

import uvicorn

from ..app import create_app
from ..settings import Settings

NAME = "serve"
HELP = "serve GraphQL at /graphql, with /healthz and /readyz"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="SQLite file of the memory backend [env BUCKSTOP_DB]")
    parser.add_argument("--host", help="address to listen on [env BUCKSTOP_HOST, default 127.0.0.1]")
    parser.add_argument("--port", type=int, help="port to listen on [env BUCKSTOP_PORT, default 8000]")
    parser.add_argument("--no-seed", action="store_true", help="do not load the demo org into an empty store")


def run(args: argparse.Namespace) -> int:
    settings = Settings().with_overrides(
        db=args.db, host=args.host, port=args.port, seed=False if args.no_seed else None
    )
    app = create_app(settings)
    print(f"buckstop: serving GraphQL at http://{settings.host}:{settings.port}/graphql", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level)
    return 0
