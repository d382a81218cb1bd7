"""`run <table> as <ET>.`path` [where …] [as out]`: the built-in transformers (mlsql/engine/et/).

`train` with an ET's name and `register <ET>.`path` as fn` come here too (`run_et`,
`register_et`), so the three statements share one road for ETs.
"""

from __future__ import annotations

from mlsql.engine.compilers import compiles
from mlsql.engine.context import RunContext, Table
from mlsql.engine.et import EtCall, Transformer, all_ets, et_for
from mlsql.errors import AnalysisError
from mlsql.parser.ast import ModelStatement, RegisterStatement, RunStatement, options_dict


def run_et(et: Transformer, stmt: ModelStatement, ctx: RunContext) -> Table:
    """Apply `et` to the statement's table; the output becomes `as out` (and the last table)."""
    df = ctx.spark.table(stmt.table)
    path = ctx.resolve_path(stmt.path) if stmt.path.strip() else ""
    out = et.transform(EtCall(ctx=ctx, df=df, path=path, params=options_dict(stmt.options), et=et))
    if stmt.output:
        out.createOrReplaceTempView(stmt.output)
    return Table(df=out, name=stmt.output)


def register_et(et: Transformer, stmt: RegisterStatement, ctx: RunContext) -> None:
    """`register <ET>.`path` as fn`: the ET's SQL function(s) from what it saved under the path."""
    if not et.fits:
        raise ctx.error(
            AnalysisError,
            f"{et.name} fits nothing under a path: there is no function to register",
            stmt,
        )
    et.register_function(ctx, ctx.resolve_path(stmt.path), stmt.function)
    ctx.session.functions[stmt.function] = f"{et.name} at {stmt.path}"


@compiles(RunStatement)
def compile_run(stmt: RunStatement, ctx: RunContext) -> Table:
    """Dispatch to the ET named by the statement."""
    et = et_for(stmt.algorithm)
    if et is None:
        known = ", ".join(e.name for e in all_ets())
        raise ctx.error(
            AnalysisError,
            f"unknown transformer '{stmt.algorithm}' in run; built-in ones: {known}",
            stmt,
            hint="`!show et;` lists them, `!show et/<name>;` shows a transformer's parameters",
        )
    return run_et(et, stmt, ctx)
