"""`select … as <table>` and the SQL pass-through statements (insert, create, drop, refresh)."""

from __future__ import annotations

from mlsql.engine.compilers import compiles
from mlsql.engine.context import RunContext, Table
from mlsql.parser.ast import SelectStatement, SqlStatement


@compiles(SelectStatement)
def compile_select(stmt: SelectStatement, ctx: RunContext) -> Table:
    """Run the query in Spark SQL and register its result as a temporary view."""
    from mlsql.engine.function_calls import check_model_calls, expand_stars

    df = ctx.spark.sql(expand_stars(stmt.sql, ctx.session.functions))
    check_model_calls(df, stmt, ctx)  # model functions against their signatures, before running
    df.createOrReplaceTempView(stmt.table)
    return Table(df=df, name=stmt.table)


@compiles(SqlStatement)
def compile_sql(stmt: SqlStatement, ctx: RunContext) -> None:
    """Hand the statement to Spark SQL as written; it does not change the script's result."""
    ctx.spark.sql(stmt.sql).collect()
