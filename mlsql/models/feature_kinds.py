"""Column kinds for featurisation: how a column's kind is inferred and how it becomes numbers.

Kinds: ``numeric`` (ints, floats), ``bool``, ``datetime`` (timestamps, dates; split into
``DATETIME_PARTS``), ``vector`` (array columns and Spark ML vectors, which arrive as lists or as
``{type, size, indices, values}`` structs), and ``string`` (decided when fitting ends: ``onehot``
for few distinct values, ``ordinal`` for many, ``text`` for multi-word values or when the
distinct values overflow ``MAX_TRACKED_VALUES``).

Dense kinds (numeric, bool, datetime, vector) derive a float matrix that may hold NaN; the
featuriser fills NaN with the training mean and optionally standardises. ``ColumnStats``
accumulates what fitting needs batch by batch, so streamed (Keras) training never holds the data.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

DATETIME_PARTS = ("year", "month", "day", "weekday", "hour", "epoch_days")
DENSE_KINDS = ("numeric", "bool", "datetime", "vector")
MAX_TRACKED_VALUES = 10_000
TEXT_MIN_TOKENS = 3.0


def infer_kind(series: pd.Series) -> str:
    """The kind of a column from its dtype, or from its first non-null value for objects."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if isinstance(dtype, pd.CategoricalDtype):
        return "string"
    values = series.dropna()
    if values.empty:
        return "numeric"
    first = values.iloc[0]
    if isinstance(first, list | tuple | np.ndarray | dict):
        return "vector"
    if isinstance(first, dt.date):
        return "datetime"
    if isinstance(first, bool | np.bool_):
        return "bool"
    if isinstance(first, int | float | np.number | decimal.Decimal):
        return "numeric"
    return "string"


def derive_dense(kind: str, series: pd.Series, width: int | None = None) -> np.ndarray:
    """A dense kind's float matrix (rows × outputs), NaN where a value is missing."""
    if kind == "numeric":
        return pd.to_numeric(series, errors="coerce").to_numpy(np.float64).reshape(-1, 1)
    if kind == "bool":
        mapped = series.astype(object).map({True: 1.0, False: 0.0})
        return pd.to_numeric(mapped, errors="coerce").to_numpy(np.float64).reshape(-1, 1)
    if kind == "datetime":
        return _datetime_parts(series)
    if kind == "vector":
        return _vectors(series, width)
    raise ValueError(f"not a dense kind: {kind}")


def _datetime_parts(series: pd.Series) -> np.ndarray:
    stamps = pd.to_datetime(series, utc=True, errors="coerce")
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    parts = [
        stamps.dt.year,
        stamps.dt.month,
        stamps.dt.day,
        stamps.dt.weekday,
        stamps.dt.hour,
        (stamps - epoch).dt.total_seconds() / 86400.0,
    ]
    return np.column_stack([p.to_numpy(np.float64, na_value=np.nan) for p in parts])


def _vector(value: Any, width: int | None) -> np.ndarray:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.full(width or 0, np.nan)
    if isinstance(value, dict):
        raw = value.get("values")  # a list, or an array when Arrow gives a struct to pandas
        values = np.asarray(raw if raw is not None else [], dtype=np.float64)
        indices = value.get("indices")
        if value.get("type") == 1 or indices is None:
            return values
        dense = np.zeros(int(value["size"]))
        dense[np.asarray(indices, dtype=np.int64)] = values
        return dense
    return np.asarray(value, dtype=np.float64)


def _vectors(series: pd.Series, width: int | None) -> np.ndarray:
    rows = [_vector(v, width) for v in series]
    if width is None:
        width = max((len(r) for r in rows), default=0)
        rows = [r if len(r) else np.full(width, np.nan) for r in rows]
    bad = {len(r) for r in rows} - {width}
    if bad:
        raise ValueError(f"vector column {series.name!r}: expected length {width}, got {bad}")
    return np.vstack(rows) if rows else np.empty((0, width))


def dense_names(kind: str, name: str, width: int) -> list[str]:
    """Output feature names of a dense column."""
    if kind == "datetime":
        return [f"{name}.{part}" for part in DATETIME_PARTS]
    if kind == "vector":
        return [f"{name}[{i}]" for i in range(width)]
    return [name]


@dataclass
class ColumnStats:
    """What fitting learns about one column, accumulated batch by batch."""

    name: str
    kind: str
    dtype: str
    width: int | None = None
    count: np.ndarray = field(default_factory=lambda: np.zeros(0))
    total: np.ndarray = field(default_factory=lambda: np.zeros(0))
    squares: np.ndarray = field(default_factory=lambda: np.zeros(0))
    values: Counter[Any] = field(default_factory=Counter)
    tokens: float = 0.0
    non_null: int = 0
    overflow: bool = False

    def update(self, series: pd.Series) -> None:
        """Adds one batch of the column."""
        if self.kind in DENSE_KINDS:
            self._update_dense(derive_dense(self.kind, series, self.width))
        else:
            self._update_strings(series)

    def _update_dense(self, matrix: np.ndarray) -> None:
        if self.width is None:
            self.width = matrix.shape[1]
        if self.count.size == 0:
            self.count, self.total, self.squares = (np.zeros(matrix.shape[1]) for _ in range(3))
        finite = np.isfinite(matrix)
        clean = np.where(finite, matrix, 0.0)
        self.count += finite.sum(axis=0)
        self.total += clean.sum(axis=0)
        self.squares += (clean * clean).sum(axis=0)

    def _update_strings(self, series: pd.Series) -> None:
        values = series.dropna()
        self.non_null += len(values)
        text = values.astype(str)
        self.tokens += float(text.str.split().str.len().sum())
        if not self.overflow:
            self.values.update(values.tolist())
            self.overflow = len(self.values) > MAX_TRACKED_VALUES

    def mean_std(self) -> tuple[list[float], list[float]]:
        """Per-output mean and standard deviation (0 and 1 where undefined)."""
        n = np.maximum(self.count, 1)
        mean = np.where(self.count > 0, self.total / n, 0.0)
        var = np.maximum(self.squares / n - mean * mean, 0.0)
        std = np.sqrt(var)
        std = np.where(std > 0, std, 1.0)
        return mean.tolist(), std.tolist()

    def string_kind(self, max_categories: int) -> str:
        """``text``, ``onehot`` or ``ordinal`` for a string column after fitting."""
        if self.overflow or (self.non_null and self.tokens / self.non_null >= TEXT_MIN_TOKENS):
            return "text"
        return "onehot" if len(self.values) <= max_categories else "ordinal"

    def categories(self, kind: str) -> list[Any]:
        """Category values: sorted for one-hot, by descending frequency for ordinal."""
        if kind == "onehot":
            return sorted(self.values, key=lambda v: (str(type(v)), v))
        return [v for v, _ in sorted(self.values.items(), key=lambda kv: (-kv[1], str(kv[0])))]


def json_value(value: Any) -> Any:
    """A category or class value as a plain JSON value (numpy scalars unwrapped)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return value.isoformat()
    return value
