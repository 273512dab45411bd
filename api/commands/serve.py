"""``buckstop serve``: the GraphQL service (GraphiQL in a browser at /graphql).

One worker serves the app built here. Several workers (``--workers N``) are
processes uvicorn starts from the factory :func:`api.app.app_from_env`, so they
learn their settings from the environment: the flags given here are written to
it as ``BUCKSTOP_*`` variables first. The store is checked (and made, and the
demo org loaded into the default store while it is empty) here, once, before any
worker starts, so that two workers never both seed it; see :mod:`api.stores`.
"""

from __future__ import annotations

import argparse
import os

import uvicorn

from ..settings import Settings
from ..stores import store_to_serve

NAME = "serve"
HELP = "serve GraphQL at /graphql, with /healthz and /readyz"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="SQLite file of the memory backend [env BUCKSTOP_DB]")
    parser.add_argument("--host", help="address to listen on [env BUCKSTOP_HOST, default 127.0.0.1]")
    parser.add_argument("--port", type=int, help="port to listen on [env BUCKSTOP_PORT, default 8000]")
    parser.add_argument("--workers", type=int, help="worker processes [env BUCKSTOP_WORKERS, default 1]")
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="do not load the demo org into the empty default store; make any missing store empty",
    )


def run(args: argparse.Namespace) -> int:
    settings = Settings().with_overrides(
        db=args.db, host=args.host, port=args.port, workers=args.workers, seed=False if args.no_seed else None
    )
    store, seeded = store_to_serve(settings)
    if seeded:
        print(f"buckstop: {seeded}", flush=True)
    print(f"buckstop: serving GraphQL at http://{settings.host}:{settings.port}/graphql", flush=True)
    if settings.workers == 1:
        from ..app import create_app  # here: the web stack is imported by this command only

        try:
            uvicorn.run(
                create_app(settings, store), host=settings.host, port=settings.port, log_level=settings.log_level
            )
        finally:
            store.close()
        return 0
    store.close()  # each worker opens its own
    os.environ.update(_worker_environment(settings))
    uvicorn.run(
        "buckstop.api.app:app_from_env",
        factory=True,
        workers=settings.workers,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
    )
    return 0


def _worker_environment(settings: Settings) -> dict[str, str]:
    """The variables that give each worker the settings of this command (the rest are in the environment already)."""
    return {
        "BUCKSTOP_DB": str(settings.db),
        "BUCKSTOP_HOST": settings.host,
        "BUCKSTOP_PORT": str(settings.port),
        "BUCKSTOP_SEED": "false",  # seeded above, once
    }
