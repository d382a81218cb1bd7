"""`register Alg.`path` as fn [options …]`, `unregister fn`, and `predict t as Alg.`path``.

Options of register/predict: `version` (latest | best | a number; pinned when the statement
runs), and for register `output` (prediction/label, probability, probabilities, distance, or
struct with all of them).
"""

from __future__ import annotations

from dataclasses import replace

from mlsql.engine.compilers import compiles
from mlsql.engine.context import RunContext, Table
from mlsql.engine.prediction import describe_model, spark_udf
from mlsql.errors import AnalysisError
from mlsql.parser.ast import PredictStatement, RegisterStatement, UnregisterStatement, options_dict


@compiles(RegisterStatement)
def compile_register(stmt: RegisterStatement, ctx: RunContext) -> None:
    """Create the SQL function in the session's Spark session."""
    options = options_dict(stmt.options)
    fn = describe_model(
        ctx.resolve_path(stmt.path),
        options.get("version", "latest"),
        stmt.algorithm,
        options.get("output", "prediction"),
    )
    ctx.spark.udf.register(stmt.function, spark_udf(fn))
    ctx.session.functions[stmt.function] = replace(fn, options=tuple(options.items()))


@compiles(UnregisterStatement)
def compile_unregister(stmt: UnregisterStatement, ctx: RunContext) -> None:
    """Remove a registered model function from the session."""
    if stmt.function not in ctx.session.functions:
        known = ", ".join(sorted(ctx.session.functions)) or "none"
        raise ctx.error(
            AnalysisError, f"no registered function '{stmt.function}' (registered: {known})", stmt
        )
    del ctx.session.functions[stmt.function]
    ctx.spark.sql(f"DROP TEMPORARY FUNCTION IF EXISTS `{stmt.function}`")


@compiles(PredictStatement)
def compile_predict(stmt: PredictStatement, ctx: RunContext) -> Table:
    """Every row of the table with the model's prediction columns added."""
    from pyspark.sql import functions as F

    options = options_dict(stmt.options)
    fn = describe_model(
        ctx.resolve_path(stmt.path), options.get("version", "latest"), stmt.algorithm, "struct"
    )
    df = ctx.spark.table(stmt.table)
    missing = [c for c in fn.feature_columns if c not in df.columns]
    if missing:
        raise ctx.error(
            AnalysisError,
            f"table '{stmt.table}' lacks the model's feature column(s): {', '.join(missing)}",
            stmt,
        )
    result = df.withColumn(
        "__prediction", spark_udf(fn)(*[F.col(f"`{c}`") for c in fn.feature_columns])
    )
    result = result.select(*[F.col(f"`{c}`") for c in df.columns], "__prediction.*")
    if stmt.output:
        result.createOrReplaceTempView(stmt.output)
    return Table(df=result, name=stmt.output)
