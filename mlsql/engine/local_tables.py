"""Small tables made on the driver (command output, result tables) without a Spark job.

`spark.createDataFrame(rows, schema)` over a Python list builds an RDD: every later `collect()`
of it schedules a Spark job (two tasks on `local[2]`), most of the cost of a `!show` or a
`train`'s result table. A `pyarrow.Table` becomes a `LocalRelation` instead, which Spark
collects on the driver without a job. `local_frame` builds that table from the rows and the
schema, and falls back to `createDataFrame` for what it does not convert exactly (timestamps,
whose naive Python values Spark reads as local time; values Arrow refuses for the type).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType


def local_frame(spark: SparkSession, rows: Sequence[Any], schema: str | StructType) -> DataFrame:
    """`rows` (tuples, lists, Rows or dicts) with `schema` (DDL or StructType) as a DataFrame."""
    import pyarrow as pa

    struct = _struct(schema)
    try:
        table = _arrow_table(rows, struct)
    except (pa.ArrowException, TypeError, ValueError, OverflowError, KeyError, IndexError):
        table = None
    if table is None:
        return spark.createDataFrame(list(rows), struct)
    return spark.createDataFrame(table, struct)


def _struct(schema: str | StructType) -> StructType:
    """The schema as a StructType (DDL parsed by Spark's own parser)."""
    from pyspark.sql.types import StructType, _parse_datatype_string

    parsed = _parse_datatype_string(schema) if isinstance(schema, str) else schema
    if not isinstance(parsed, StructType):
        raise TypeError(f"a table schema must be a struct, got {parsed.simpleString()}")
    return parsed


def _arrow_table(rows: Sequence[Any], struct: StructType) -> Any:
    """The rows as an Arrow table of `struct`'s Arrow types; None when it has timestamps."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import to_arrow_schema
    from pyspark.sql.types import TimestampNTZType, TimestampType

    if any(isinstance(f.dataType, TimestampType | TimestampNTZType) for f in struct.fields):
        return None
    arrow_schema = to_arrow_schema(struct)
    names = struct.fieldNames()
    columns: list[list[Any]] = [[] for _ in names]
    for row in rows:
        values = _values(row, names)
        if len(values) != len(names):
            raise ValueError(f"a row has {len(values)} values for {len(names)} columns")
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    arrays = [
        pa.array(column, type=field.type)
        for column, field in zip(columns, arrow_schema, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=arrow_schema)


def _values(row: Any, names: list[str]) -> Sequence[Any]:
    """One row's values in column order."""
    if isinstance(row, Mapping):
        return [row[name] for name in names]
    if hasattr(row, "asDict") and getattr(row, "__fields__", None):  # a named Row
        as_dict = row.asDict()
        if all(name in as_dict for name in names):
            return [as_dict[name] for name in names]
    return list(row)
