"""Command-line options shared by the sub-commands that run scripts."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from mlsql.errors import AnalysisError

if TYPE_CHECKING:
    from mlsql.engine import Engine


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """`--set k=v`, `--master`, `--conf k=v` (Spark conf), `--kafka` (bootstrap servers)."""
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="script variable"
    )
    parser.add_argument("--master", help="Spark master (default from configuration: local[2])")
    parser.add_argument(
        "--conf", action="append", default=[], metavar="KEY=VALUE", help="Spark conf"
    )
    parser.add_argument(
        "--kafka", metavar="HOST:PORT", help="Kafka bootstrap servers (default: embedded broker)"
    )


def read_script(path: str) -> tuple[str, str | None]:
    """The text of a script file ('-' reads standard input) and its source name.

    Raises:
        ExecutionError: the file cannot be read (names it and why).
    """
    import sys
    from pathlib import Path

    from mlsql.errors import ExecutionError

    if path == "-":
        return sys.stdin.read(), None
    try:
        return Path(path).read_text(encoding="utf-8"), path
    except OSError as err:
        raise ExecutionError(f"cannot read script {path}: {err.strerror}") from None


def parse_sets(pairs: list[str]) -> dict[str, str]:
    """`["a=1", "b=x=y"]` -> `{"a": "1", "b": "x=y"}`."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AnalysisError(f"expected KEY=VALUE, got '{pair}'")
        out[key.strip()] = value
    return out


def engine_from_args(args: argparse.Namespace) -> Engine:
    """An engine configured from the file, environment and these flags."""
    from mlsql.config import Config
    from mlsql.engine import Engine

    overrides: dict[str, Any] = {}
    spark: dict[str, Any] = {}
    if getattr(args, "master", None):
        spark["master"] = args.master
    if getattr(args, "conf", None):
        spark["conf"] = parse_sets(args.conf)
    if spark:
        overrides["spark"] = spark
    if getattr(args, "kafka", None):
        overrides["kafka"] = {"bootstrap_servers": args.kafka}
    return Engine(Config.load(getattr(args, "conf_file", None), **overrides))
