"""`register Alg.`path` as fn [options …]`, `unregister fn`, and `predict t as Alg.`path``.

Options of register/predict: `version` (latest | best | a number; pinned when the statement
runs), `algIndex` (the version of that parameter group), `autoSelectByMetric` (the best version
by that metric; see `mlsql.models.selection`), `positiveClass` (the class whose probability
`probability` is; default the second of a binary model's sorted classes), and for register
`output` (prediction/label, probability, confidence, probabilities, distance, or struct with
all of them; see `mlsql.models.signature`).

The algorithm name must be the stored model's, an alias or a family name
(`mlsql.models.families`): `register NaiveBayes.`<a RandomForest path>`` is refused.
"""

from __future__ import annotations

from dataclasses import replace

from mlsql.engine.compilers import compiles
from mlsql.engine.context import RunContext, Table
from mlsql.engine.local_tables import local_frame
from mlsql.engine.prediction import ModelFunction, describe_model, spark_udf
from mlsql.errors import AnalysisError
from mlsql.parser.ast import (
    CommandStatement,
    PredictStatement,
    RegisterStatement,
    UnregisterStatement,
    options_dict,
)


def model_function(
    stmt: RegisterStatement | PredictStatement, ctx: RunContext, output: str
) -> ModelFunction:
    """The model version a register/predict statement names, checked against its algorithm."""
    from mlsql.engine.training.plans import is_plan_name
    from mlsql.models.families import check_family
    from mlsql.models.selection import choose_version
    from mlsql.models.store import ModelStore

    options = options_dict(stmt.options)
    path = ctx.resolve_path(stmt.path)
    store = ModelStore(path)
    number = choose_version(
        store,
        options.get("version", "latest"),
        options.get("algIndex"),
        options.get("autoSelectByMetric"),
    )
    metadata = store.metadata(number)
    try:
        if not is_plan_name(stmt.algorithm):  # a search registers whatever it trained
            check_family(stmt.algorithm, metadata.algorithm, stmt.path)
    except AnalysisError as err:
        raise ctx.error(AnalysisError, err.message, stmt) from err
    return describe_model(
        path, number, stmt.algorithm, output, options.get("positiveClass"), metadata
    )


@compiles(RegisterStatement)
def compile_register(stmt: RegisterStatement, ctx: RunContext) -> None:
    """Create the SQL function in the session's Spark session."""
    from mlsql.engine.compilers.run import register_et
    from mlsql.engine.et import et_for

    et = et_for(stmt.algorithm)
    if et is not None:
        register_et(et, stmt, ctx)
        return
    options = options_dict(stmt.options)
    fn = model_function(stmt, ctx, options.get("output", "prediction"))
    if "confidence" in options:  # struct<prediction, lower, upper> (compilers/confidence.py)
        from mlsql.engine.compilers.confidence import half_width, interval_function

        udf, fn = interval_function(fn, half_width(stmt, ctx, fn, options["confidence"]))
        ctx.spark.udf.register(stmt.function, udf)
        ctx.session.functions[stmt.function] = replace(fn, options=tuple(options.items()))
        return
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

    fn = model_function(stmt, ctx, "struct")
    df = ctx.spark.table(stmt.table)
    missing = [c for c in fn.feature_columns if c not in df.columns]
    if missing:
        raise ctx.error(
            AnalysisError,
            f"table '{stmt.table}' lacks the model's feature column(s): {', '.join(missing)}",
            stmt,
        )
    explain = options_dict(stmt.options).get("explain")
    if explain is not None:  # per-row contributions (mlsql.models.insight.contributions)
        from mlsql.engine.compilers.explain import explain_predict

        method = options_dict(stmt.options).get("explainMethod", "auto")
        result = explain_predict(stmt, ctx, fn, df, explain, method)
    else:
        result = df.withColumn(
            "__prediction", spark_udf(fn)(*[F.col(f"`{c}`") for c in fn.feature_columns])
        )
        result = result.select(*[F.col(f"`{c}`") for c in df.columns], "__prediction.*")
    level = options_dict(stmt.options).get("confidence")
    if level is not None:  # split-conformal lower/upper (compilers/confidence.py)
        from mlsql.engine.compilers.confidence import half_width, with_interval

        result = with_interval(result, half_width(stmt, ctx, fn, level))
    if stmt.output:
        result.createOrReplaceTempView(stmt.output)
    return Table(df=result, name=stmt.output)


def describe_model_table(stmt: CommandStatement, ctx: RunContext) -> Table | None:
    """`!desc <function>` or `!desc <model path> [version]`: the model's signature (its inputs,
    outputs, and classes in probability order), or None when the name is neither."""
    from mlsql.models.signature import ModelSignature
    from mlsql.models.store import ModelStore

    name = stmt.args[0].strip("`")
    fn = ctx.session.functions.get(name)
    signature = getattr(fn, "signature", None)
    if signature is None and ("/" in name or name.startswith(".")):
        store = ModelStore(ctx.resolve_path(name))
        if not store.versions():
            return None
        version = stmt.args[1] if len(stmt.args) > 1 else "latest"
        metadata = store.metadata(store.resolve(version))
        signature = ModelSignature.from_metadata(metadata)
    if signature is None:
        return None
    rows = signature.describe()
    if fn is not None:
        rows = [("function", "output", fn.output), *rows]
    df = local_frame(ctx.spark, rows, "section string, name string, details string")
    return Table(df=df)
