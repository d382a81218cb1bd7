"""DataSummary: one row per column of the table with Byzer's profile metrics."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from mlsql.engine.et import EtCall, EtParam, Transformer, transformer
from mlsql.engine.local_tables import local_frame
from mlsql.errors import AnalysisError

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

# Byzer's output order (streamingpro-it et_data_summary01.byzer.expected) and column types.
METRICS: dict[str, str] = {
    "median": "double",
    "blankValueRatio": "double",
    "dataLength": "int",
    "dataType": "string",
    "max": "string",
    "maximumLength": "int",
    "mean": "double",
    "min": "string",
    "minimumLength": "int",
    "nonNullCount": "bigint",
    "nullValueRatio": "double",
    "skewness": "double",
    "standardDeviation": "double",
    "standardError": "double",
    "uniqueValueRatio": "double",
    "categoryCount": "int",
    "primaryKeyCandidate": "int",
    "mode": "string",
}
# Bytes per value of fixed-size types (Byzer's dataLength); strings report their longest value.
TYPE_SIZES = {
    "byte": 1,
    "short": 2,
    "integer": 4,
    "long": 8,
    "float": 4,
    "double": 8,
    "boolean": 1,
    "date": 4,
    "timestamp": 8,
}


def _aggregates(name: str, numeric: bool, text: bool) -> list[Column]:
    from pyspark.sql import functions as F

    c = F.col(f"`{name}`")
    out = [
        F.count(c).alias("nonNull"),
        F.count_distinct(c).alias("distinct"),
        F.max(c).cast("string").alias("max"),
        F.min(c).cast("string").alias("min"),
    ]
    if numeric:
        d = c.cast("double")
        out += [
            F.avg(d).alias("mean"),
            F.stddev_samp(d).alias("std"),
            F.skewness(d).alias("skew"),
            F.percentile(d, 0.5).alias("median"),
        ]
    if text:
        out += [
            F.max(F.length(c)).alias("maxLen"),
            F.min(F.length(c)).alias("minLen"),
            F.sum(F.when(F.trim(c) == "", 1).otherwise(0)).alias("blank"),
        ]
    return out


def _mode(df: DataFrame, name: str) -> str | None:
    """The most frequent value, when one value is strictly the most frequent (else None)."""
    from pyspark.sql import functions as F

    top = (
        df.where(F.col(f"`{name}`").isNotNull())
        .groupBy(f"`{name}`")
        .count()
        .orderBy(F.desc("count"))
        .limit(2)
        .collect()
    )
    if not top or (len(top) == 2 and top[0]["count"] == top[1]["count"]):
        return None
    return str(top[0][0])


def _round(value: Any, digits: int) -> float | None:
    return (
        None
        if value is None or (isinstance(value, float) and math.isnan(value))
        else round(float(value), digits)
    )


def profile(df: DataFrame, position: int, name: str, total: int) -> dict[str, Any]:
    """Every metric of one column."""
    from pyspark.sql.types import NumericType, StringType

    kind = df.schema[name].dataType
    numeric, text = isinstance(kind, NumericType), isinstance(kind, StringType)
    row = df.agg(*_aggregates(name, numeric, text)).first()
    assert row is not None
    non_null, distinct = int(row["nonNull"]), int(row["distinct"])
    type_name = kind.typeName()
    std = row["std"] if numeric else None
    return {
        "columnName": name,
        "ordinalPosition": position,
        "median": _round(row["median"], 2) if numeric else None,
        "blankValueRatio": _round((row["blank"] or 0) / total, 4) if text and total else 0.0,
        "dataLength": row["maxLen"] if text else TYPE_SIZES.get(type_name),
        "dataType": type_name,
        "max": row["max"],
        "maximumLength": row["maxLen"] if text else None,
        "mean": _round(row["mean"], 2) if numeric else None,
        "min": row["min"],
        "minimumLength": row["minLen"] if text else None,
        "nonNullCount": non_null,
        "nullValueRatio": _round((total - non_null) / total, 4) if total else 0.0,
        "skewness": _round(row["skew"], 2) if numeric else None,
        "standardDeviation": _round(std, 2),
        "standardError": _round(std / math.sqrt(non_null), 2)
        if std is not None and non_null
        else None,
        "uniqueValueRatio": _round(distinct / non_null, 4) if non_null else 0.0,
        "categoryCount": distinct if text else None,
        "primaryKeyCandidate": int(distinct == total and non_null == total),
        "mode": _mode(df, name),
    }


@transformer
class DataSummary(Transformer):
    """Byzer's DataSummary ET."""

    name = "DataSummary"
    doc = (
        "Profiles every column: one row per column with columnName, ordinalPosition and the "
        f"metrics asked for (default all): {', '.join(METRICS)}. Numbers are rounded as Byzer "
        "rounds them (2 digits; ratios 4)."
    )
    params = (EtParam("metrics", "comma-separated metric names (default: all)", ",".join(METRICS)),)

    def transform(self, call: EtCall) -> DataFrame:
        """The profile table (one Spark aggregation per column, plus one for the mode)."""
        metrics = call.names("metrics")
        unknown = [m for m in metrics if m not in METRICS]
        if unknown:
            raise AnalysisError(
                f"DataSummary: unknown metric(s) {', '.join(unknown)}; known: {', '.join(METRICS)}"
            )
        chosen = [m for m in METRICS if m in metrics]
        total = call.df.count()
        rows = [profile(call.df, i, name, total) for i, name in enumerate(call.df.columns, start=1)]
        schema = ", ".join(
            ["columnName string", "ordinalPosition int", *(f"{m} {METRICS[m]}" for m in chosen)]
        )
        keep = ["columnName", "ordinalPosition", *chosen]
        return local_frame(call.ctx.spark, [[row[k] for k in keep] for row in rows], schema)
