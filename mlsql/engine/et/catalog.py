"""`!show et;` (every built-in transformer with its doc) and `!show et/<name>;` (its parameters)."""

from __future__ import annotations

from mlsql.engine.context import RunContext, Table
from mlsql.engine.et import all_ets, et_for
from mlsql.engine.local_tables import local_frame
from mlsql.errors import AnalysisError
from mlsql.parser.ast import CommandStatement


def show_et(stmt: CommandStatement, ctx: RunContext) -> Table:
    """The ET list, or one ET's parameters when the argument is `et/<name>`."""
    arg = stmt.args[0] if stmt.args else "et"
    _, _, name = arg.partition("/")
    name = name or (stmt.args[1] if len(stmt.args) > 1 else "")
    if not name:
        rows = [(et.name, ", ".join(et.aliases), et.fits, et.doc) for et in all_ets()]
        df = local_frame(ctx.spark, rows, "name string, aliases string, fits boolean, doc string")
        return Table(df=df)
    et = et_for(name)
    if et is None:
        known = ", ".join(e.name for e in all_ets())
        raise ctx.error(AnalysisError, f"no built-in transformer '{name}'; known: {known}", stmt)
    rows = [(p.name, p.default or "", p.required, p.doc) for p in et.params]
    df = local_frame(ctx.spark, rows, "param string, default string, required boolean, doc string")
    return Table(df=df)
