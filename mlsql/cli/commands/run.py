"""`mlsql run script.mlsql`: run a script on the embedded default (or a configured cluster)."""

from __future__ import annotations

import argparse
import sys

from mlsql.cli.options import add_engine_options, engine_from_args, parse_sets, read_script
from mlsql.cli.remote import add_remote_options, remote_from_args
from mlsql.engine.result import RENDERERS


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `run` sub-command."""
    parser = sub.add_parser("run", help="run a script file and print its last table")
    parser.add_argument("script", help="script file ('-' reads standard input)")
    add_engine_options(parser)
    parser.add_argument("--output", "-o", choices=sorted(RENDERERS), default="table")
    parser.add_argument("--limit", type=int, default=20, help="rows to print (default 20; 0 = all)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    add_remote_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the script and print its result (Ctrl-C cancels it: one line, exit code 130)."""
    from mlsql.cli.interrupt import InterruptCancels
    from mlsql.cli.progress import ProgressPrinter
    from mlsql.engine import Job
    from mlsql.errors import CancelledError

    remote = remote_from_args(args)
    if remote is not None:
        from mlsql.cli.remote import run_remotely

        return run_remotely(remote, args)
    engine = engine_from_args(args)
    job = Job(name=args.script)
    printer = None if args.quiet else ProgressPrinter(sys.stderr)
    if printer is not None:
        job.listeners.append(printer)
    interrupt = InterruptCancels(job)
    try:
        variables = parse_sets(args.set)
        text, source = read_script(args.script)
        if not engine.check(text, source):
            engine.session()  # start Spark first: its SIGINT handler is replaced by ours
        with interrupt:
            result = engine.run(text, source=source, variables=variables, job=job)
            if printer is not None:
                printer.finish()
            limit = None if args.limit == 0 else args.limit
            if result.df is not None:
                print(RENDERERS[args.output](result, limit))
        _wait_for_streams(engine)
    except CancelledError:
        if not interrupt.fired:
            raise
        if printer is not None:
            printer.finish()
        print("interrupted: the job was cancelled", file=sys.stderr, flush=True)
        return 130
    finally:
        engine.close()
    return 0


def _wait_for_streams(engine: object) -> None:
    """A script that started streams keeps running until they end (Ctrl-C stops them)."""
    from mlsql.engine.streaming import await_streams

    session = engine.session()  # type: ignore[attr-defined]
    if session.streams:
        names = ", ".join(session.streams)
        print(
            f"streams running: {names} (Ctrl-C stops them; `mlsql streams run` adds list/stop)",
            file=sys.stderr,
        )
        await_streams(session)
