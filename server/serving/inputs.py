"""Request rows checked against a model's input columns and turned into Arrow columns.

Rows come as JSON arrays (values in the model's column order) or objects (by column name;
extra keys are ignored). Each value must fit its column's kind (`mlsql.models.signature`):
numbers (or booleans) for ``numeric``/``bool``, ISO date-time strings for ``datetime`` (an offset
is converted to UTC; a naive time is taken as is, like Spark's session time zone UTC), strings
for ``onehot``/``ordinal``/``text``, arrays of numbers or Spark ML vector objects
(``{"type": 0, "size", "indices", "values"}`` or ``{"type": 1, "values"}``) for ``vector``;
null is a missing value everywhere. A model with one vector column also takes a bare array of
numbers as its row. Anything else is an `InputError` naming the row, the column and the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa

from mlsql.models.signature import InputColumn

NUMERIC_KINDS = ("numeric", "bool")
STRING_KINDS = ("onehot", "ordinal", "text")


class InputError(Exception):
    """A request row that does not fit the model (answered 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _names(columns: Sequence[InputColumn]) -> str:
    return ", ".join(c.name for c in columns)


def normalise(
    instances: Any, columns: Sequence[InputColumn], model: str = "the model"
) -> list[tuple[Any, ...]]:
    """Each row as a tuple of checked values in the model's column order."""
    if not isinstance(instances, list):
        raise InputError("instances must be a JSON array of rows")
    if not instances:
        raise InputError("instances is empty: send at least one row")
    return [_row(i, row, columns, model) for i, row in enumerate(instances)]


def _row(i: int, row: Any, columns: Sequence[InputColumn], model: str) -> tuple[Any, ...]:
    if isinstance(row, dict):
        missing = [c.name for c in columns if c.name not in row]
        if missing:
            raise InputError(
                f"row {i} lacks column(s) {', '.join(missing)}; {model} reads {_names(columns)}"
            )
        values = [row[c.name] for c in columns]
    elif isinstance(row, list):
        values = row
        if len(columns) == 1 and columns[0].kind == "vector" and _numbers(row):
            values = [row]
        if len(values) != len(columns):
            raise InputError(
                f"row {i} has {len(values)} value(s) but {model} reads {len(columns)} "
                f"column(s): {_names(columns)}"
            )
    else:
        raise InputError(f"row {i} must be a JSON array or object, not {_json_type(row)}")
    return tuple(_value(i, c, v) for c, v in zip(columns, values, strict=True))


def _numbers(values: list[Any]) -> bool:
    return bool(values) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    )


def _json_type(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    names.update({list: "an array", dict: "an object"})
    return names.get(type(value), type(value).__name__)


def _value(i: int, column: InputColumn, value: Any) -> Any:
    """A checked value of `column` (InputError naming row, column and value)."""
    if value is None:
        return None
    kind = column.kind
    if kind in NUMERIC_KINDS and isinstance(value, int | float):
        return value
    if kind in STRING_KINDS and isinstance(value, str):
        return value
    if kind == "datetime" and isinstance(value, str):
        return _timestamp(i, column, value)
    if kind == "vector" and isinstance(value, list | dict):
        return _vector(i, column, value)
    if kind not in (*NUMERIC_KINDS, *STRING_KINDS, "datetime", "vector"):
        return value  # a Python algorithm's column: passed through
    want = {
        "numeric": "a number",
        "bool": "a boolean or number",
        "datetime": "a date-time string",
        "vector": "an array of numbers or a vector object",
    }.get(kind, "a string")
    raise InputError(
        f"column '{column.name}' of row {i} must be {want}, not {_json_type(value)} "
        f"({str(value)[:40]!r})"
    )


def _timestamp(i: int, column: InputColumn, text: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError):
        raise InputError(
            f"column '{column.name}' of row {i}: {text[:40]!r} is not a date-time "
            "(use ISO form, e.g. 2024-05-01 13:45:00)"
        ) from None
    if stamp is pd.NaT:
        return None  # type: ignore[return-value]
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def _vector(i: int, column: InputColumn, value: list[Any] | dict[str, Any]) -> tuple[float, ...]:
    where = f"column '{column.name}' of row {i}"
    try:
        if isinstance(value, dict):
            values = [float(v) for v in value.get("values") or []]
            if value.get("type") == 1 or value.get("indices") is None:
                return tuple(values)
            dense = [0.0] * int(value["size"])
            for index, v in zip(value["indices"], values, strict=True):
                dense[int(index)] = v
            return tuple(dense)
        return tuple(float(v) for v in value)
    except (TypeError, ValueError, KeyError, IndexError) as err:
        raise InputError(f"{where} is not a vector: {err}") from None


def numeric_only(columns: Sequence[InputColumn]) -> bool:
    """True when every column is numeric (or boolean): rows travel as a float64 matrix."""
    return bool(columns) and all(c.kind in NUMERIC_KINDS for c in columns)


def to_arrow(rows: Sequence[tuple[Any, ...]], columns: Sequence[InputColumn]) -> pa.Table:
    """The rows as an Arrow table with the model's column names and kinds."""
    arrays = []
    for j, column in enumerate(columns):
        values = [row[j] for row in rows]
        arrays.append(_array(column.kind, values))
    return pa.table(arrays, names=[c.name for c in columns])


def _array(kind: str, values: list[Any]) -> pa.Array:
    if kind in NUMERIC_KINDS:
        return pa.array(
            [None if v is None else float(v) for v in values], type=pa.float64(), from_pandas=True
        )
    if kind in STRING_KINDS:
        return pa.array(values, type=pa.string())
    if kind == "datetime":
        return pa.array(values, type=pa.timestamp("us"))
    if kind == "vector":
        return pa.array([None if v is None else list(v) for v in values], pa.list_(pa.float64()))
    return pa.array(values)
