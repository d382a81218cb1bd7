"""Arrow columns <-> the frames a model predicts on, for the iterator Arrow UDF.

Spark hands an Arrow UDF `pyarrow.Array` columns and takes `pyarrow.Array` results
(`mlsql.engine.prediction`). `arrow_prediction` is one batch's whole way: when every argument
is a number and the model reads only numeric columns, the columns become one float64 matrix
and `PredictModel.predict_matrix` scores it without any data frame (the serving worker's path),
its output arrays going straight back to Arrow; otherwise numbers become numpy arrays without
pandas' per-column conversion (zero-copy when there are no nulls), other types convert as
pandas would, and the prediction frame's columns go back as Arrow arrays (2-d probability rows
as one list array).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

if TYPE_CHECKING:
    from mlsql.models.loader import PredictModel


def arrow_prediction(
    model: PredictModel,
    columns: Any,
    names: tuple[str, ...],
    path: str,
    output: str,
    positive_class: Any | None = None,
) -> pa.Array:
    """One Arrow batch's predictions: the `output` column, or all of them as a struct.

    Args:
        model: The loaded model version.
        columns: The UDF's argument arrays (one array, or a tuple of them).
        names: The model's feature columns, in training order.
        path: The model path (named in errors).
        output: One output column's name, or ``struct``.
        positive_class: The class whose probability ``probability`` is.
    """
    outputs = None if output == "struct" else [output]
    matrix = matrix_from_arrow(columns, names)
    found = None
    if matrix is not None:
        found = model.predict_matrix(matrix, outputs=outputs, positive_class=positive_class)
    if found is not None:
        if output != "struct":
            return _arrow_of(found[output])
        return pa.StructArray.from_arrays(
            [_arrow_of(values) for values in found.values()], names=[str(n) for n in found]
        )
    frame = frame_from_arrow(columns, names, path)
    result = model.predict(frame, outputs=outputs, positive_class=positive_class)
    return arrow_result(result if output == "struct" else result[output])


def matrix_from_arrow(columns: Any, names: tuple[str, ...]) -> np.ndarray | None:
    """The argument columns as one float64 matrix (rows x `names`), when they are plain numeric
    arguments, one per feature (NaN for nulls); None for a struct argument or another type."""
    if isinstance(columns, pa.Array):
        columns = (columns,)
    if not columns or len(columns) != len(names):
        return None
    if not all(pa.types.is_floating(c.type) or pa.types.is_integer(c.type) for c in columns):
        return None
    matrix = np.empty((len(columns[0]), len(columns)), dtype=np.float64, order="F")  # column writes
    for j, column in enumerate(columns):
        matrix[:, j] = _values(column)
    return matrix


def _arrow_of(values: Any) -> pa.Array:
    """An output column of ``predict_matrix`` (an array, a Series, or a list of per-row
    probability arrays) as an Arrow array."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        return pa.array(values)
    if isinstance(values, pd.Series):
        return _array(values)
    return _array(pd.Series(values, dtype=object))


def frame_from_arrow(columns: Any, names: tuple[str, ...], path: str) -> pd.DataFrame:
    """The UDF's argument columns as a frame named like the model's training columns.

    Plain arguments bind by position (the analysis check in ``function_calls`` has made sure
    they are in training order); one struct argument (``fn(struct(*))``, ``fn(*)``) binds by
    field name.
    """
    if isinstance(columns, pa.Array):
        columns = (columns,)
    if len(columns) == 1 and pa.types.is_struct(columns[0].type) and len(names) > 0:
        struct = columns[0]
        fields = [struct.type.field(i).name for i in range(struct.type.num_fields)]
        if all(name in fields for name in names):
            flat = struct.flatten()
            by_name = dict(zip(fields, flat, strict=True))
            columns = tuple(by_name[name] for name in names)
        else:
            from mlsql.engine.prediction import _by_name

            return _by_name(pa.Table.from_struct_array(struct).to_pandas(), names, path)
    if len(columns) != len(names):
        raise ValueError(
            f"the model at {path} reads {len(names)} feature column(s) ({', '.join(names)}) "
            f"but the function was called with {len(columns)}"
        )
    return pd.DataFrame(
        {name: _values(column) for name, column in zip(names, columns, strict=True)}, copy=False
    )


def _values(column: pa.Array) -> Any:
    """numpy values of a numeric column (NaN for missing numbers), else pandas' conversion."""
    kind = column.type
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        if column.null_count == 0:
            return column.to_numpy(zero_copy_only=False)
        return column.cast(pa.float64()).to_numpy(zero_copy_only=False)
    return column.to_pandas()


def arrow_result(result: pd.Series | pd.DataFrame) -> pa.Array:
    """A prediction column (or a frame of them, as a struct) as an Arrow array.

    Spark casts the array to the function's declared type (the same DDL as the pandas UDF).
    """
    if isinstance(result, pd.DataFrame):
        arrays = [_array(result[name]) for name in result.columns]
        return pa.StructArray.from_arrays(arrays, names=[str(c) for c in result.columns])
    return _array(result)


def _array(series: pd.Series) -> pa.Array:
    values = series.to_numpy()
    if values.dtype == object and len(values) and isinstance(values[0], np.ndarray):
        rows = list(values)
        widths = {row.shape for row in rows}
        if len(widths) == 1 and rows[0].ndim == 1:  # probability rows: one flat buffer
            flat = np.concatenate(rows).astype(np.float64, copy=False)
            offsets = np.arange(0, len(flat) + 1, rows[0].shape[0], dtype=np.int32)
            return pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat))
    try:
        return pa.Array.from_pandas(series)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed labels: the declared type is string
        return pa.array([None if pd.isna(v) else str(v) for v in values], pa.string())
