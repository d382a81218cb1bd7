"""`run`: MLSQL's transformer statement, not available in this engine yet (clear error)."""

from __future__ import annotations

from mlsql.engine.compilers import COMPILERS, compiles
from mlsql.engine.context import RunContext
from mlsql.errors import NotAvailableError
from mlsql.parser.ast import RunStatement, Statement

PENDING = (RunStatement,)


def _not_available(stmt: Statement, ctx: RunContext) -> None:
    raise ctx.error(NotAvailableError, f"`{stmt.kind}` is not available yet in this engine", stmt)


for _cls in PENDING:
    if _cls not in COMPILERS:
        compiles(_cls)(_not_available)
