"""`python -m mlsql.jars [set …]`: fetch jar sets (default: the essential ones) without loading
the CLI (scripts/setup.sh)."""

from __future__ import annotations

import sys

from mlsql.config import Config
from mlsql.errors import MLSQLError
from mlsql.jars import JAR_SETS, setup_jars


def main(argv: list[str]) -> int:
    """Fetch the named sets (the essential ones when none) into the configured jars_dir."""
    names = argv or [s.name for s in JAR_SETS.values() if s.essential]
    try:
        setup_jars(Config.load(), names)
    except MLSQLError as err:
        print(err.render(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
