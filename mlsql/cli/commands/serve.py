"""`mlsql serve`: the REST server (FastAPI on uvicorn) over one long-lived engine.

The engine is configured like `mlsql run` (`--master`, `--conf k=v`, `--kafka`); host and port
default to `[server]` in the configuration (127.0.0.1:9003). The access token is read from the
configuration or `MLSQL_SERVER__ACCESS_TOKEN`, never from the command line (it would show in ps).
"""

from __future__ import annotations

import argparse
from typing import Any

from mlsql.cli.options import add_engine_options, engine_from_args

GRACEFUL_SHUTDOWN_S = 10
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _refuse_open_without_token(host: str, token: str) -> None:
    """Listening beyond loopback runs scripts for anyone who can connect: require a token."""
    from mlsql.errors import SecurityError

    if host not in LOOPBACK and not host.startswith("127.") and not token:
        raise SecurityError(
            f"refusing to listen on {host} without an access token",
            hint="configure server.tokens (see docs/security.md) or MLSQL_SERVER__ACCESS_TOKEN, "
            "or listen on 127.0.0.1",
        )


def register(sub: Any) -> None:
    """Add the `serve` sub-command."""
    parser = sub.add_parser("serve", help="start the REST server")
    parser.add_argument("--host", help="address to listen on (default from configuration)")
    parser.add_argument("--port", type=int, help="port to listen on (default from configuration)")
    parser.add_argument(
        "--db", metavar="PATH", help="job history file (default <work_dir>/server/jobs.sqlite3)"
    )
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    add_engine_options(parser)
    parser.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    """Build the app over an engine configured by the flags and run it until interrupted."""
    import uvicorn

    from mlsql.server.app import create_app

    engine = engine_from_args(args)
    settings = engine.config.server
    updates = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = settings.model_copy(update=updates)
    has_token = settings.access_token or settings.tokens or settings.tokens_file
    _refuse_open_without_token(settings.host, "set" if has_token else "")
    app = create_app(engine, settings, args.db, owns_engine=True)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=args.log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    uvicorn.Server(config).run()
    return 0
