"""`mlsql shell [--server URL]`: an interactive shell over one session (see `mlsql.cli.shell`)."""

from __future__ import annotations

import argparse

from mlsql.cli.options import add_engine_options, engine_from_args, parse_sets
from mlsql.cli.remote import add_remote_options, remote_from_args


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `shell` sub-command."""
    parser = sub.add_parser("shell", help="interactive shell (statements end with ';')")
    add_engine_options(parser)
    add_remote_options(parser)
    parser.add_argument("--limit", type=int, default=20, help="rows to print (default 20; 0 = all)")
    parser.set_defaults(func=shell)


def shell(args: argparse.Namespace) -> int:
    """Run the shell on a server (`--server`, `cli.server`) or on a local engine."""
    from mlsql.cli.shell.backend import LocalBackend, RemoteBackend, ShellBackend
    from mlsql.cli.shell.loop import ShellLoop

    variables = parse_sets(args.set)
    remote = remote_from_args(args)
    backend: ShellBackend = (
        RemoteBackend(remote, variables)
        if remote is not None
        else LocalBackend(engine_from_args(args), variables)
    )
    try:
        return ShellLoop(backend, None if args.limit == 0 else args.limit).run()
    finally:
        backend.close()
