"""The `mlsql` command line: a thin face over the engine API.

Sub-commands live in `mlsql.cli.commands`, one module each, listed in `COMMANDS`; each module has
`register(subparsers)` which adds its parser and sets `func(args) -> int`. Errors the engine raises
on purpose are printed as text (no traceback unless `--debug`).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from mlsql.cli.guard import guarded

COMMANDS = ("run", "shell", "check", "kafka", "serve", "streams", "token", "setup")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered sub-command."""
    parser = argparse.ArgumentParser(prog="mlsql", description="MLSQL for Python")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks")
    parser.add_argument("--conf-file", help="configuration file (default: conf/mlsql.toml)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"mlsql.cli.commands.{name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `mlsql` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return guarded(lambda: int(args.func(args) or 0), debug=args.debug)


if __name__ == "__main__":
    sys.exit(main())
