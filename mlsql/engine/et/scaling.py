"""StandardScaler (Spark ML, on a vector column), ScalerInPlace (min-max, log, sqrt, abs per
column) and NormalizeInPlace (standard score per column, or L1 row norm); registered, each gives
a function that applies the fitted scaling in the JVM (a Java UDF or a SQL function).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlsql.engine.et import EtCall, EtParam, Transformer, transformer
from mlsql.engine.et.storage import (
    create_sql_function,
    load_meta,
    save_data,
    save_meta,
    sql_literal,
    sub,
)
from mlsql.errors import AnalysisError, NotAvailableError

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

    from mlsql.engine.context import RunContext

# Byzer's scaleMethod names -> a SQL expression of one value `v` ("log2" is the natural log in
# Byzer, kept for identical numbers).
SCALE_FUNCTIONS = {
    "log2": "ln(v)",
    "logn": "ln(1 + v)",
    "log10": "log10(v)",
    "sqrt": "sqrt(v)",
    "abs": "abs(v)",
}


@transformer
class StandardScaler(Transformer):
    """Spark ML's StandardScaler on a vector (or array<double>) column."""

    name = "StandardScaler"
    doc = (
        "Fits (v - mean) / std on a vector column; the model is saved under the path and the "
        "scaled column replaces inputCol (or goes to outputCol). Registered, fn(vector) -> vector."
    )
    params = (
        EtParam("inputCol", "the vector or array<double> column", "features"),
        EtParam("outputCol", "the scaled column (default: inputCol, replaced)", ""),
        EtParam("withMean", "centre on the mean", "false"),
        EtParam("withStd", "divide by the sample standard deviation", "true"),
    )
    fits = True

    def transform(self, call: EtCall) -> DataFrame:
        """Fit, save, scale."""
        from pyspark.ml.feature import StandardScaler as SparkStandardScaler
        from pyspark.ml.functions import array_to_vector
        from pyspark.sql import functions as F
        from pyspark.sql.types import ArrayType

        path, column, output = call.fit_column()
        df = call.df.withColumn("__in__", F.col(f"`{column}`"))
        if isinstance(call.df.schema[column].dataType, ArrayType):
            df = df.withColumn("__in__", array_to_vector(F.col("__in__")))
        scaler = SparkStandardScaler(
            inputCol="__in__",
            outputCol="__out__",
            withMean=call.flag("withMean"),
            withStd=call.flag("withStd"),
        )
        model = scaler.fit(df)
        model.write().overwrite().save(sub(path, "model"))
        fitted = {"mean": model.mean.toArray().tolist(), "std": model.std.toArray().tolist()}
        fitted |= {"withMean": call.flag("withMean"), "withStd": call.flag("withStd")}
        save_meta(call.ctx.spark, path, self.name, call.params, fitted)
        out = model.transform(df).drop("__in__")
        return (
            out.drop(output).withColumnRenamed("__out__", output)
            if output in out.columns
            else out.withColumnRenamed("__out__", output)
        )

    def register_function(self, ctx: RunContext, path: str, function: str) -> None:
        """A Java UDF (mlsql.functions.VectorFunctions$VectorScaler) holding mean and std."""
        from pyspark.ml.linalg import VectorUDT

        from mlsql.engine.functions.vectors import java_functions, register_java_udf

        fitted = load_meta(ctx.spark, path, self.name)["fitted"]
        sc = ctx.spark.sparkContext
        udf = getattr(java_functions(ctx.spark), "VectorFunctions$VectorScaler")(
            _java_doubles(sc, fitted["mean"]),
            _java_doubles(sc, fitted["std"]),
            fitted["withMean"],
            fitted["withStd"],
        )
        register_java_udf(ctx.spark, function, udf, VectorUDT())


def _java_doubles(sc: Any, values: list[float]) -> Any:
    array = sc._gateway.new_array(sc._jvm.double, len(values))
    for i, v in enumerate(values):
        array[i] = float(v)
    return array


def _numeric_columns(call: EtCall) -> list[str]:
    from pyspark.sql.types import NumericType

    cols = call.names("inputCols")
    if not cols:
        raise AnalysisError(
            f"{call.et.name}: inputCols is required (comma-separated numeric columns)"
        )
    call.require_columns(*cols)
    wrong = [c for c in cols if not isinstance(call.df.schema[c].dataType, NumericType)]
    if wrong:
        raise AnalysisError(f"{call.et.name}: inputCols must be numeric; not: {', '.join(wrong)}")
    return cols


def _per_index(values: list[float]) -> str:
    """`element_at(array(…), i + 1)`: the fitted value of the i-th input inside a SQL lambda."""
    return f"element_at({sql_literal(values)}, i + 1)"


@transformer
class ScalerInPlace(Transformer):
    """Byzer's ScalerInPlace: each input column rescaled in place."""

    name = "ScalerInPlace"
    doc = (
        "Rescales each of inputCols in place: scaleMethod min-max (to [min, max]), log2 (natural "
        "log, as in Byzer), logn (log(1+v)), log10, sqrt or abs. The table is also written to "
        "<path>/data. Registered, fn(array<double>) -> array<double> applies the same scaling."
    )
    params = (
        EtParam("inputCols", "comma-separated numeric columns", required=True),
        EtParam("scaleMethod", "min-max, log2, logn, log10, sqrt or abs", "log2"),
        EtParam("min", "lower end of the min-max range", "0"),
        EtParam("max", "upper end of the min-max range", "1"),
        EtParam("removeOutlierValue", "not supported here (must be false)", "false"),
    )
    fits = True

    def transform(self, call: EtCall) -> DataFrame:
        """Scale, save the fitted bounds and the data."""
        from pyspark.sql import functions as F

        path, cols = _in_place_columns(call)
        method = call.get("scaleMethod").lower()
        fitted: dict[str, Any] = {"inputCols": cols, "method": method}
        if method == "min-max":
            row = call.df.agg(
                *[F.min(F.col(f"`{c}`")).alias(f"mn{i}") for i, c in enumerate(cols)],
                *[F.max(F.col(f"`{c}`")).alias(f"mx{i}") for i, c in enumerate(cols)],
            ).first()
            assert row is not None
            fitted |= {
                "mins": [float(row[f"mn{i}"]) for i in range(len(cols))],
                "maxs": [float(row[f"mx{i}"]) for i in range(len(cols))],
                "min": float(call.get("min")),
                "max": float(call.get("max")),
            }
        elif method not in SCALE_FUNCTIONS:
            raise AnalysisError(
                f"ScalerInPlace: scaleMethod must be min-max or one of {', '.join(SCALE_FUNCTIONS)}"
            )
        save_meta(call.ctx.spark, path, self.name, call.params, fitted)
        df = call.df
        for i, c in enumerate(cols):
            df = df.withColumn(c, _scaled(fitted, c, i))
        return save_data(df, path)

    def register_function(self, ctx: RunContext, path: str, function: str) -> None:
        """fn(array<double>) -> array<double> as a SQL function."""
        fitted = load_meta(ctx.spark, path, self.name)["fitted"]
        if fitted["method"] == "min-max":
            body = _min_max_sql(fitted, "v", _per_index(fitted["mins"]), _per_index(fitted["maxs"]))
        else:
            body = SCALE_FUNCTIONS[fitted["method"]]
        create_sql_function(
            ctx.spark,
            function,
            "x ARRAY<DOUBLE>",
            "ARRAY<DOUBLE>",
            f"transform(x, (v, i) -> {body})",
        )


def _in_place_columns(call: EtCall) -> tuple[str, list[str]]:
    """The path and the checked numeric ``inputCols`` of an in-place scaling ET."""
    path = call.require_path()
    cols = _numeric_columns(call)
    if call.flag("removeOutlierValue"):
        raise NotAvailableError(f"{call.et.name}: removeOutlierValue=true is not supported")
    return path, cols


def _min_max_sql(fitted: dict[str, Any], v: str, lo: str, hi: str) -> str:
    low, high = sql_literal(fitted["min"]), sql_literal(fitted["max"])
    return (
        f"CASE WHEN {hi} = {lo} THEN 0.5 * ({high} - {low}) + {low} "
        f"ELSE ({v} - {lo}) / ({hi} - {lo}) * ({high} - {low}) + {low} END"
    )


def _scaled(fitted: dict[str, Any], column: str, i: int) -> Column:
    """Column `column` scaled as fitted (a SQL lambda over a one-element array binds `v`)."""
    from pyspark.sql import functions as F

    if fitted["method"] == "min-max":
        lo, hi = sql_literal(fitted["mins"][i]), sql_literal(fitted["maxs"][i])
        sql = _min_max_sql(fitted, "v", lo, hi)
    else:
        sql = SCALE_FUNCTIONS[fitted["method"]]
    return F.expr(f"transform(array(CAST(`{column}` AS DOUBLE)), v -> {sql})[0]")


@transformer
class NormalizeInPlace(Transformer):
    """Byzer's NormalizeInPlace: standard scores per column, or each row's L1 norm."""

    name = "NormalizeInPlace"
    doc = (
        "Normalises inputCols in place: method standard ((v - mean) / sample std per column) or "
        "p-norm (each row divided by the sum of absolute values of its inputCols). The table is "
        "also written to <path>/data. Registered, fn(array<double>) -> array<double>."
    )
    params = (
        EtParam("inputCols", "comma-separated numeric columns", required=True),
        EtParam("method", "standard or p-norm (scaleMethod is accepted too)", "standard"),
        EtParam("removeOutlierValue", "not supported here (must be false)", "false"),
    )
    fits = True

    def transform(self, call: EtCall) -> DataFrame:
        """Normalise, save the fitted means and deviations and the data."""
        from pyspark.sql import functions as F

        path, cols = _in_place_columns(call)
        method = call.params.get("method") or call.params.get("scaleMethod") or "standard"
        fitted: dict[str, Any] = {"inputCols": cols, "method": method.lower()}
        values = [F.col(f"`{c}`").cast("double") for c in cols]
        df = call.df
        if fitted["method"] == "standard":
            row = df.agg(*[F.avg(v) for v in values], *[F.stddev_samp(v) for v in values]).first()
            assert row is not None
            fitted["mean"] = [float(row[i] or 0.0) for i in range(len(cols))]
            fitted["std"] = [float(row[len(cols) + i] or 0.0) for i in range(len(cols))]
            for i, c in enumerate(cols):
                mean, std = fitted["mean"][i], fitted["std"][i]
                df = df.withColumn(c, F.lit(0.0) if std == 0 else (values[i] - mean) / std)
        elif fitted["method"] == "p-norm":
            norm = sum((F.abs(v) for v in values), F.lit(0.0))
            scaled = {
                c: F.when(norm == 0, values[i]).otherwise(values[i] / norm)
                for i, c in enumerate(cols)
            }
            df = df.withColumns(scaled)
        else:
            raise AnalysisError(
                f"NormalizeInPlace: method must be standard or p-norm, not {method!r}"
            )
        save_meta(call.ctx.spark, path, self.name, call.params, fitted)
        return save_data(df, path)

    def register_function(self, ctx: RunContext, path: str, function: str) -> None:
        """fn(array<double>) -> array<double> as a SQL function."""
        fitted = load_meta(ctx.spark, path, self.name)["fitted"]
        if fitted["method"] == "standard":
            mean, std = _per_index(fitted["mean"]), _per_index(fitted["std"])
            body = (
                f"transform(x, (v, i) -> CASE WHEN {std} = 0 THEN 0D ELSE (v - {mean}) / {std} END)"
            )
        else:
            norm = "aggregate(x, 0D, (acc, y) -> acc + abs(y))"
            body = f"transform(x, v -> CASE WHEN {norm} = 0 THEN v ELSE v / {norm} END)"
        create_sql_function(ctx.spark, function, "x ARRAY<DOUBLE>", "ARRAY<DOUBLE>", body)
