"""`load <format>.`path` [options …] as <table>`: read a data source into a temporary view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsql.engine import streaming
from mlsql.engine.compilers import compiles
from mlsql.engine.context import RunContext, Table
from mlsql.engine.formats import format_for
from mlsql.engine.source_errors import data_source_errors
from mlsql.parser.ast import LoadStatement, options_dict

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def split_names(value: str) -> list[str]:
    """`"a, b ,c"` -> `["a", "b", "c"]`."""
    return [part.strip() for part in value.split(",") if part.strip()]


def apply_generic_options(df: DataFrame, options: dict[str, str]) -> DataFrame:
    """MLSQL's generic load options: `withColumns`, `withoutColumns`, `conditionExpr`."""
    if options.get("withColumns"):
        df = df.select(*split_names(options["withColumns"]))
    if options.get("withoutColumns"):
        df = df.drop(*split_names(options["withoutColumns"]))
    if options.get("conditionExpr"):
        df = df.where(options["conditionExpr"])
    return df


@compiles(LoadStatement)
def compile_load(stmt: LoadStatement, ctx: RunContext) -> Table:
    """Read, apply the generic options, register the view."""
    options = options_dict(stmt.options)
    if streaming.is_stream_load(ctx, stmt):
        df = streaming.read_stream(ctx, stmt, options)
    else:
        with data_source_errors(ctx, stmt, "load", stmt.format, stmt.path):
            df = format_for(stmt.format).read(ctx, stmt.path, options)
    df = apply_generic_options(df, options)
    df.createOrReplaceTempView(stmt.table)
    return Table(df=df, name=stmt.table)
