"""``buckstop serve``: the GraphQL service (GraphiQL in a browser at /graphql).

One worker serves the app built here. Several workers (``--workers N``) are
processes uvicorn starts from the factory :func:`api.app.app_from_env`, so they
learn their settings from the environment: the flags given here are written to
it as ``BUCKSTOP_*`` variables first. The demo org is loaded into an empty store
here, once, before any worker starts, so that two workers never both seed it.
"""

from __future__ import annotations

import argparse
import os

import uvicorn

from ..settings import Settings
from ..stores import open_store, seed_if_empty

NAME = "serve"
HELP = "serve GraphQL at /graphql, with /healthz and /readyz"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="SQLite file of the memory backend [env BUCKSTOP_DB]")
    parser.add_argument("--host", help="address to listen on [env BUCKSTOP_HOST, default 127.0.0.1]")
    parser.add_argument("--port", type=int, help="port to listen on [env BUCKSTOP_PORT, default 8000]")
    parser.add_argument("--workers", type=int, help="worker processes [env BUCKSTOP_WORKERS, default 1]")
    parser.add_argument("--no-seed", action="store_true", help="do not load the demo org into an empty store")


def run(args: argparse.Namespace) -> int:
    settings = Settings().with_overrides(
        db=args.db, host=args.host, port=args.port, workers=args.workers, seed=False if args.no_seed else None
    )
    print(f"buckstop: serving GraphQL at http://{settings.host}:{settings.port}/graphql", flush=True)
    if settings.workers == 1:
        from ..app import create_app  # here: the web stack is imported by this command only

        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level)
        return 0
    if settings.seed:
        store = open_store(settings)
        try:
            seed_if_empty(store)
        finally:
            store.close()
    os.environ.update(_worker_environment(settings))
    from ..metrics import multiprocess_environment  # here: it imports the web stack

    os.environ.update(multiprocess_environment())  # where the workers count for /metrics; removed at exit
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
