"""`mlsql check script.mlsql`: report syntax errors without running anything (exit 1 on errors)."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `check` sub-command."""
    parser = sub.add_parser("check", help="check a script's syntax without running it")
    parser.add_argument("script", help="script file ('-' reads standard input)")
    parser.add_argument(
        "--analyze", action="store_true", help="print the parsed statements as JSON"
    )
    parser.set_defaults(func=check)


def check(args: argparse.Namespace) -> int:
    """Print every syntax error; with --analyze print the statements."""
    from mlsql.cli.options import read_script
    from mlsql.parser import check as check_text
    from mlsql.parser import parse
    from mlsql.parser.ast import to_json

    text, source = read_script(args.script)
    errors = check_text(text, source)
    for error in errors:
        print(error.render(), file=sys.stderr)
    if errors:
        print(f"{len(errors)} syntax error(s)", file=sys.stderr)
        return 1
    if args.analyze:
        print(json.dumps([to_json(s) for s in parse(text, source).statements], indent=2))
    else:
        print(f"{source or '<stdin>'}: ok")
    return 0
