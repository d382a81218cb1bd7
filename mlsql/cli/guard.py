"""How every command-line face ends: engine errors as text and exit codes, never a traceback.

Exit codes: 0 success, 1 an MLSQL error (syntax, analysis, execution, worker, Kafka, …),
2 an engine fault, 130 interrupted. `debug=True` re-raises so the traceback shows, after the
Java stack of the Spark exception behind the error, if any.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from mlsql.errors import MLSQLError


def guarded(action: Callable[[], int], *, debug: bool = False) -> int:
    """Run `action` and turn what it raises into a message on stderr and an exit code."""
    try:
        return action()
    except MLSQLError as err:
        if debug:
            _print_java_stack(err)
            raise
        print(err.render(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # the face: anything unexpected is an engine fault
        if debug:
            raise
        print(
            f"internal error: {type(err).__name__}: {err}\n(run with --debug for the traceback)",
            file=sys.stderr,
        )
        return 2


def _print_java_stack(err: BaseException) -> None:
    """With `--debug`: the Java stack trace of the Spark failure behind an engine error."""
    from mlsql.engine.spark_errors import java_stack, spark_cause_in

    cause = spark_cause_in(err)
    stack = java_stack(cause) if cause is not None else None
    if stack:
        print(f"Java stack trace:\n{stack}", file=sys.stderr)
