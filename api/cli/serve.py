"""``buckstop serve``: the GraphQL service (GraphiQL in a browser at /graphql).

One worker serves the app built here. Several workers (``--workers N``) are
processes uvicorn starts from the factory :func:`api.app.app_from_env`, so they
learn their settings from the environment: the flags given here are written to
it as ``BUCKSTOP_*`` variables first. The store is checked (and made, and the
demo org loaded into a default store it has just made) here, once, before any
worker starts, so that two workers never both seed it; see :mod:`api.stores`.

The listening socket is bound here, before uvicorn starts, and handed to it (and
to its workers): "serving" is printed only once the port is ours and the store is
ready, and a port in use is one line and exit 2 instead of uvicorn's log and exit.
"""

from __future__ import annotations

import argparse
import os
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

from buckstop.graph.errors import BuckstopError

from ..settings import Settings
from ..stores import store_to_serve

NAME = "serve"
HELP = "serve GraphQL at /graphql, with /healthz and /readyz"
EXAMPLE = """\
examples:
  buckstop serve
  buckstop serve --host 0.0.0.0 --port 8080 --workers 4 --db /srv/buckstop/buckstop.db
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="SQLite file of the memory backend [env BUCKSTOP_DB]")
    parser.add_argument("--host", help="address to listen on [env BUCKSTOP_HOST, default 127.0.0.1]")
    parser.add_argument("--port", type=int, help="port to listen on [env BUCKSTOP_PORT, default 8000]")
    parser.add_argument("--workers", type=int, help="worker processes [env BUCKSTOP_WORKERS, default 1]")
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="do not load the demo org into a new default store; make any missing store empty",
    )


def run(args: argparse.Namespace) -> int:
    settings = Settings().with_overrides(
        db=args.db, host=args.host, port=args.port, workers=args.workers, seed=False if args.no_seed else None
    )
    sock = _listen(settings)  # first: a port in use is said before any store is made
    try:
        store, seeded = store_to_serve(settings)
    except BaseException:
        sock.close()
        raise
    if seeded:
        print(f"buckstop: {seeded}", flush=True)
    _say_serving(sock, settings)
    from ..edge import server_config  # here: the web stack is imported by this command only

    if settings.workers == 1:
        from ..app import create_app

        try:
            server = uvicorn.Server(server_config(settings, create_app(settings, store)))
            server.run(sockets=[sock])
        finally:
            store.close()
        return 0 if server.started else 1
    store.close()  # each worker opens its own
    os.environ.update(_worker_environment(settings))
    from ..metrics import multiprocess_environment  # here: it imports the web stack

    os.environ.update(multiprocess_environment())  # where the workers count for /metrics; removed at exit
    config = server_config(settings, "buckstop.api.app:app_from_env", factory=True, workers=settings.workers)
    Multiprocess(config, sockets=[sock]).run()
    return 0


def _listen(settings: Settings) -> socket.socket:
    """The socket of ``host:port``, bound and listening; one line if the port is taken."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: a restart need not wait for TIME_WAIT
    try:
        sock.bind((settings.host.strip("[]"), settings.port))
        sock.listen(2048)  # uvicorn's backlog; connections made from now on wait for the server
    except OSError as err:
        sock.close()
        raise BuckstopError(
            f"cannot listen on {settings.host}:{settings.port}: {err.strerror or err}; "
            "choose another with --port or BUCKSTOP_PORT (or stop what uses it)"
        ) from None
    sock.set_inheritable(True)  # the workers are processes that inherit it
    return sock


def _say_serving(sock: socket.socket, settings: Settings) -> None:
    port = sock.getsockname()[1]  # the real one, with --port 0
    host = f"[{settings.host}]" if sock.family == socket.AF_INET6 else settings.host
    print(f"buckstop: serving GraphQL at http://{host}:{port}/graphql", flush=True)


def _worker_environment(settings: Settings) -> dict[str, str]:
    """The variables that give each worker the settings of this command (the rest are in the environment already)."""
    return {
        "BUCKSTOP_DB": str(settings.db),
        "BUCKSTOP_HOST": settings.host,
        "BUCKSTOP_PORT": str(settings.port),
        "BUCKSTOP_SEED": "false",  # seeded above, once
    }
