"""`set <key> = <value> [options type="…"]`: script variables, Spark confs, computed values.

Types (MLSQL's): `text` (default), `sql` (first cell of a query), `conf` (a Spark SQL conf),
`defaultParam` (set only when not already set, e.g. by `--set`), `shell` (a command's output;
refused unless `security.allow_shell_set` is on).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from mlsql.engine.compilers import compiles
from mlsql.engine.context import RunContext
from mlsql.errors import AnalysisError, SecurityError
from mlsql.parser.ast import SetStatement, options_dict

SHELL_TIMEOUT_S = 60


def _text(stmt: SetStatement, ctx: RunContext) -> str | None:
    """The value as written (`${…}` already substituted)."""
    return stmt.value


def _default(stmt: SetStatement, ctx: RunContext) -> str | None:
    """The value, unless the variable is already set (e.g. by `--set` or the caller)."""
    return None if stmt.key in ctx.session.variables else stmt.value


def _sql(stmt: SetStatement, ctx: RunContext) -> str | None:
    """Runs the value as a Spark SQL query and keeps its first row's first cell."""
    rows = ctx.spark.sql(stmt.value).take(1)
    if not rows:
        raise ctx.fail(f"the query of `set {stmt.key}` returned no rows", stmt)
    return "" if rows[0][0] is None else str(rows[0][0])


def _conf(stmt: SetStatement, ctx: RunContext) -> str | None:
    """Sets the Spark SQL configuration `key` of the session to the value."""
    ctx.spark.conf.set(stmt.key, stmt.value)
    return stmt.value


def _shell(stmt: SetStatement, ctx: RunContext) -> str | None:
    """Runs the value as a shell command and keeps its output (needs `security.allow_shell_set`)."""
    if not ctx.config.security.allow_shell_set:
        raise ctx.error(
            SecurityError,
            '`set … options type="shell"` is disabled',
            stmt,
            hint="enable security.allow_shell_set in the configuration to allow shell commands",
        )
    done = subprocess.run(
        stmt.value, shell=True, capture_output=True, text=True, timeout=SHELL_TIMEOUT_S
    )
    if done.returncode != 0:
        raise ctx.fail(f"shell command failed ({done.returncode}): {done.stderr.strip()}", stmt)
    return done.stdout.strip()


SET_TYPES: dict[str, Callable[[SetStatement, RunContext], str | None]] = {
    "text": _text,
    "defaultparam": _default,
    "sql": _sql,
    "conf": _conf,
    "shell": _shell,
}


@compiles(SetStatement)
def compile_set(stmt: SetStatement, ctx: RunContext) -> None:
    """Evaluate the value by its type and store it as a variable."""
    kind = options_dict(stmt.options).get("type", "text").lower()
    evaluate = SET_TYPES.get(kind)
    if evaluate is None:
        raise ctx.error(
            AnalysisError,
            f"unknown set type '{kind}'; expected one of {', '.join(sorted(SET_TYPES))}",
            stmt,
        )
    value = evaluate(stmt, ctx)
    if value is not None:
        ctx.session.variables[stmt.key] = value
