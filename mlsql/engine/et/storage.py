"""Where a fitted ET keeps what it learned, on any file system Spark writes to (Byzer's layout):
`<path>/meta` (one JSON line: the ET, its options and what it fitted), `<path>/model` (a Spark ML
model's own save) and `<path>/data` (the transformed table of the `…InPlace` ETs, Parquet).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mlsql.errors import AnalysisError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def sub(path: str, part: str) -> str:
    """`<path>/<part>`."""
    return f"{path.rstrip('/')}/{part}"


def save_meta(
    spark: SparkSession, path: str, et: str, params: dict[str, str], fitted: dict[str, Any]
) -> None:
    """Write the meta line (overwrites)."""
    line = json.dumps({"et": et, "params": params, "fitted": fitted})
    spark.createDataFrame([(line,)], "value string").coalesce(1).write.mode("overwrite").text(
        sub(path, "meta")
    )


def load_meta(spark: SparkSession, path: str, et: str) -> dict[str, Any]:
    """Read the meta line of an ET fitted under `path` (checks it was `et`)."""
    try:
        rows = spark.read.text(sub(path, "meta")).collect()
    except Exception:
        raise AnalysisError(
            f"nothing fitted by {et} under {path} (no {sub(path, 'meta')})"
        ) from None
    meta: dict[str, Any] = json.loads(rows[0][0])
    if meta.get("et", "").lower() != et.lower():
        raise AnalysisError(f"{path} holds a {meta.get('et')} fit, not {et}")
    return meta


def save_data(df: DataFrame, path: str) -> DataFrame:
    """Write the transformed table to `<path>/data` and read it back (Byzer's InPlace output)."""
    df.write.mode("overwrite").parquet(sub(path, "data"))
    return df.sparkSession.read.parquet(sub(path, "data"))


def sql_literal(value: Any) -> str:
    """A Spark SQL literal of a number, string or list of them."""
    if isinstance(value, list | tuple):
        return "array(" + ", ".join(sql_literal(v) for v in value) + ")"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if value is None:
        return "NULL"
    number = float(value)
    if number != number:
        return "CAST('NaN' AS DOUBLE)"
    if number in (float("inf"), float("-inf")):
        return f"CAST('{'-' if number < 0 else ''}Infinity' AS DOUBLE)"
    return f"CAST({number!r} AS DOUBLE)"


def create_sql_function(spark: SparkSession, name: str, args: str, returns: str, body: str) -> None:
    """`CREATE OR REPLACE TEMPORARY FUNCTION name(args) RETURNS returns RETURN body` (JVM-side)."""
    spark.sql(
        f"CREATE OR REPLACE TEMPORARY FUNCTION `{name}`({args}) RETURNS {returns} RETURN {body}"
    )
