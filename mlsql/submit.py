"""The spark-submit entry: run an MLSQL script as a Spark application on any master.

Usage (the entry is this file; find it with Python)::

    PYSPARK_PYTHON=.venv/bin/python spark-submit --master "local-cluster[2,1,1024]" \\
        [spark options …] \\
        "$(python -c 'import mlsql.submit as m; print(m.__file__)')" \\
        script.mlsql [--set key=value …] [--output table|json|csv] [--limit N] \\
        [--stream-timeout SECONDS] [--conf-file mlsql.toml]

The script runs on whatever master and settings spark-submit was given; the configuration file
(`conf/mlsql.toml`, `--conf-file`, `MLSQL_*` variables) fills in every Spark setting the submit
command left unset, as the CLI applies it: the Spark UI off, Spark's logs quiet, driver services
on loopback for a local master (see `mlsql.submit_spark`). Scripts that read or
write Kafka need the connector on the class path: pass
`--jars "$(ls .cache/jars/spark/*.jar | paste -sd,)"` (or `--packages
org.apache.spark:spark-sql-kafka-0-10_2.13:<spark version>`).

The last table is printed on standard output. If the script started streams
(`set streamName=…`), the application waits for them until they end, fail, or
`--stream-timeout` passes. On failure the rendered MLSQL error (position and snippet, no Python
traceback) is printed on standard error and the exit code is 1 (2 for an engine fault, 130 when
interrupted). Note that spark-submit's PythonRunner merges the Python process's standard error
into its standard output.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from mlsql.config import Config
    from mlsql.engine import Engine
    from mlsql.engine.session import EngineSession

PROGRESS_EVERY_S = 30.0


def _unshadow() -> None:
    """Drop this file's folder from `sys.path` when run as a script (as spark-submit does):
    otherwise `mlsql/kafka/` would hide the `kafka` client package."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]


def build_parser() -> argparse.ArgumentParser:
    """Arguments after the entry file on the spark-submit command line."""
    parser = argparse.ArgumentParser(
        prog="spark-submit … mlsql/submit.py", description="Run an MLSQL script on Spark."
    )
    parser.add_argument("script", help="the MLSQL script file")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="script variable"
    )
    parser.add_argument("--output", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--limit", type=int, default=20, help="rows to print (0 = all)")
    parser.add_argument(
        "--stream-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop the script's streams after this long (default: run until they end)",
    )
    parser.add_argument("--conf-file", help="engine configuration file (default: conf/mlsql.toml)")
    return parser


def active_spark(config: Config) -> SparkSession:
    """The Spark session spark-submit starts, configured as the CLI's (see `submit_spark`)."""
    from mlsql.submit_spark import submitted_spark

    return submitted_spark(config)


def run(args: argparse.Namespace, engine: Engine, variables: dict[str, str]) -> None:
    """Run the script, print its last table, then wait for the streams it started."""
    from mlsql.engine.result import RENDERERS

    session = engine.session()
    result = engine.run_file(args.script, variables=variables, session=session)
    if result.df is not None and not result.df.isStreaming:
        limit = None if args.limit == 0 else args.limit
        print(RENDERERS[args.output](result, limit), flush=True)
    if session.streams:
        wait_for_streams(session, args.stream_timeout)


def wait_for_streams(session: EngineSession, timeout_s: float | None) -> None:
    """Block until the session's streams end (or `timeout_s`), reporting progress on stderr."""
    from mlsql.engine.streaming import await_streams, list_streams

    names = ", ".join(sorted(session.streams))
    print(f"streams running: {names}", file=sys.stderr, flush=True)
    last = [time.monotonic()]

    def report(sess: EngineSession) -> None:
        if time.monotonic() - last[0] >= PROGRESS_EVERY_S:
            last[0] = time.monotonic()
            for s in list_streams(sess):
                print(f"stream {s.summary()}", file=sys.stderr, flush=True)

    ended = await_streams(session, timeout_s=timeout_s, on_poll=report)
    print(
        f"streams {'ended' if ended else f'stopped after {timeout_s:g} s'}: {names}",
        file=sys.stderr,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the script given on the command line; returns the process exit code."""
    from mlsql.cli.guard import guarded
    from mlsql.cli.options import parse_sets
    from mlsql.config import Config
    from mlsql.engine import Engine

    args = build_parser().parse_args(argv)
    engines: list[Engine] = []

    def job() -> int:
        variables = parse_sets(args.set)
        config = Config.load(args.conf_file)
        engines.append(Engine(config, spark=active_spark(config)))
        run(args, engines[0], variables)
        return 0

    try:
        return guarded(job)
    finally:
        for engine in engines:
            engine.close(stop_spark=True)


if __name__ == "__main__":
    _unshadow()
    sys.exit(main())
