"""Discretizer: a numeric column to bucket indexes, by given splits (bucketizer) or by quantiles;
registered, `fn(array<double>)` gives the bucket of each value (Byzer's convert function).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsql.engine.et import EtCall, EtParam, Transformer, transformer
from mlsql.engine.et.storage import create_sql_function, load_meta, save_meta, sql_literal
from mlsql.errors import AnalysisError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from mlsql.engine.context import RunContext


def parse_splits(text: str) -> list[float]:
    """`"-inf,0.0,1.0,inf"` -> floats (strictly increasing, at least three)."""
    try:
        splits = [float(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise AnalysisError(
            f'Discretizer: splits must be numbers or -inf/inf, e.g. "-inf,0,1,inf"; got {text!r}'
        ) from None
    if len(splits) < 3 or any(b <= a for a, b in zip(splits, splits[1:], strict=False)):
        raise AnalysisError("Discretizer: splits must be at least three strictly increasing values")
    return splits


@transformer
class Discretizer(Transformer):
    """Byzer's Discretizer ET (Spark's Bucketizer and QuantileDiscretizer)."""

    name = "Discretizer"
    doc = (
        "Buckets inputCol into outputCol (default: inputCol, replaced) as a double bucket index: "
        'method bucketizer with splits="-inf,0.0,1.0,inf", or quantile with numBuckets. The '
        "splits are saved under the path; registered, fn(array<double>) -> array<double>."
    )
    params = (
        EtParam("method", "bucketizer or quantile", "bucketizer"),
        EtParam("inputCol", "the numeric column", required=True),
        EtParam("outputCol", "the bucket column (default: inputCol, replaced)", ""),
        EtParam("splits", "bucketizer: increasing bounds, -inf and inf allowed", ""),
        EtParam("numBuckets", "quantile: number of buckets", "2"),
        EtParam("relativeError", "quantile: precision of the approximate quantiles", "0.001"),
        EtParam("handleInvalid", "NaN values: error, skip or keep (own bucket)", "error"),
    )
    fits = True

    def transform(self, call: EtCall) -> DataFrame:
        """Find the splits, save them, bucket the column."""
        from pyspark.ml.feature import Bucketizer, QuantileDiscretizer
        from pyspark.sql import functions as F

        path, column, output = call.fit_column()
        df = call.df.withColumn("__in__", F.col(f"`{column}`").cast("double"))
        method = call.get("method").lower()
        if method == "bucketizer":
            splits = parse_splits(call.get("splits"))
        elif method == "quantile":
            quantile = QuantileDiscretizer(
                inputCol="__in__",
                outputCol="__out__",
                numBuckets=int(call.get("numBuckets")),
                relativeError=float(call.get("relativeError")),
                handleInvalid=call.get("handleInvalid"),
            )
            splits = list(quantile.fit(df).getSplits())
        else:
            raise AnalysisError(
                f"Discretizer: method must be bucketizer or quantile, not {method!r}"
            )
        save_meta(
            call.ctx.spark, path, self.name, call.params, {"splits": [str(s) for s in splits]}
        )
        bucketizer = Bucketizer(
            splits=splits,
            inputCol="__in__",
            outputCol="__out__",
            handleInvalid=call.get("handleInvalid"),
        )
        out = bucketizer.transform(df).drop("__in__")
        out = out.drop(output) if output in out.columns else out
        return out.withColumnRenamed("__out__", output)

    def register_function(self, ctx: RunContext, path: str, function: str) -> None:
        """fn(array<double>) -> array<double>: each value's bucket (a SQL function)."""
        splits = [float(s) for s in load_meta(ctx.spark, path, self.name)["fitted"]["splits"]]
        inner = sql_literal(splits[1:-1])
        body = f"transform(x, v -> CAST(size(filter({inner}, s -> s <= v)) AS DOUBLE))"
        create_sql_function(ctx.spark, function, "x ARRAY<DOUBLE>", "ARRAY<DOUBLE>", body)
