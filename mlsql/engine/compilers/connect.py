"""`connect <format> where … as <name>`: remember connection options under an alias."""

from __future__ import annotations

from mlsql.engine.compilers import compiles
from mlsql.engine.context import RunContext
from mlsql.engine.session import Connection
from mlsql.parser.ast import ConnectStatement, options_dict


@compiles(ConnectStatement)
def compile_connect(stmt: ConnectStatement, ctx: RunContext) -> None:
    """Store the alias in the session; `load jdbc.`alias.table`` uses it."""
    ctx.session.connections[stmt.name] = Connection(stmt.format, options_dict(stmt.options))
