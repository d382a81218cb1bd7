"""Training data as passes over Arrow batches, and the seeded held-out validation split.

A *batch source* is ``Callable[[], Iterator[pyarrow.RecordBatch]]``: each call is one full pass
over a table (the Kafka transport re-reads its topic; tests use lists). Trainers see pandas
frames: ``frame_source`` converts batch by batch, ``read_frame`` concatenates one pass (for
estimators that need all rows in memory).

The validation split is by row content, not position: a row is held out when a seeded hash of
its values falls under ``fraction``. Every pass, in whatever order Kafka delivers partitions
and however the rows are cut into batches, holds out the same rows, which streamed (Keras)
training relies on, and two algorithms trained on one table are evaluated on the same rows.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from mlsql.models.algorithms.base import FrameSource

BatchSource = Callable[[], Iterator[pa.RecordBatch]]
"""One call = one pass over a table, as Arrow record batches."""

_BUCKETS = 1_000_000
_GOLDEN = 0x9E3779B97F4A7C15
_PRIME = 0x100000001B3


class ArrowFrames:
    """A frame source over a batch source: one pandas frame per non-empty record batch, and
    for ``read_frame`` the whole pass as one Arrow table converted to pandas once."""

    def __init__(self, batches: BatchSource) -> None:
        self.batches = batches

    def __call__(self) -> Iterator[pd.DataFrame]:
        for batch in self.batches():
            if batch.num_rows:
                yield batch.to_pandas()


def frame_source(batches: BatchSource) -> FrameSource:
    """A frame source over a batch source (see ``ArrowFrames``)."""
    return ArrowFrames(batches)


def read_frame(frames: FrameSource) -> pd.DataFrame:
    """One pass of `frames` concatenated into one frame (empty frame for no rows).

    Over Arrow batches (``frame_source``) the batches are joined into one table and converted
    once: no frame per batch and no pandas concatenation (a copy of every row) after them."""
    if isinstance(frames, ArrowFrames):
        return _read_table(frames.batches)
    parts = list(frames())
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _read_table(batches: BatchSource) -> pd.DataFrame:
    parts = [batch for batch in batches() if batch.num_rows]
    if not parts:
        return pd.DataFrame()
    try:
        table = pa.Table.from_batches(parts)
    except pa.ArrowInvalid:  # batches of different schemas: pandas reconciles their types
        return pd.concat([batch.to_pandas() for batch in parts], ignore_index=True)
    del parts
    return table.to_pandas(self_destruct=True)


def _column_hash(series: pd.Series) -> np.ndarray:
    """uint64 hashes of a column's values that depend on the values only, not on the dtype a
    batch happened to get (an int column with a null arrives as floats, a bool column with a
    null as objects): numbers and booleans hash as float64, timestamps as UTC nanoseconds,
    everything else as its text."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        values = pd.to_numeric(series, errors="coerce").to_numpy(np.float64, na_value=np.nan)
        return pd.util.hash_array(values)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = pd.to_datetime(series, utc=True).astype("datetime64[ns, UTC]")
        return pd.util.hash_array(stamps.array.asi8)
    non_null = series.dropna()
    if len(non_null) and all(
        isinstance(v, bool | int | float | np.number | decimal.Decimal) for v in non_null
    ):
        values = pd.to_numeric(series.astype(object), errors="coerce").to_numpy(np.float64)
        return pd.util.hash_array(values)
    text = series.map(_text, na_action="ignore").astype(object)
    if len(non_null) < len(series):
        text = text.where(series.notna(), "\x00null")
    return pd.util.hash_array(text.to_numpy(object))


def _text(value: object) -> str:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value).isoformat()
    return value if isinstance(value, str) else repr(value)


def validation_mask(df: pd.DataFrame, fraction: float, seed: int) -> np.ndarray:
    """Which rows of `df` belong to the held-out validation part.

    A function of each row's values and the seed only: not of row order, batching, partitioning
    or the dtypes a batch happened to get (``_column_hash``); columns are combined in name
    order. So two algorithms trained on one table hold out the same rows.
    """
    if fraction <= 0 or df.empty:
        return np.zeros(len(df), dtype=bool)
    hashes = np.zeros(len(df), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for position in sorted(range(df.shape[1]), key=lambda i: str(df.columns[i])):
            column = df.iloc[:, position]
            hashes = hashes * np.uint64(_PRIME) + _column_hash(column)
        mixed = (hashes ^ np.uint64(seed * _GOLDEN % 2**64)) * np.uint64(_GOLDEN)
    mixed ^= mixed >> np.uint64(31)
    return (mixed % np.uint64(_BUCKETS)) < np.uint64(int(fraction * _BUCKETS))


def split_frame(df: pd.DataFrame, fraction: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(training rows, validation rows) of `df`; see ``validation_mask``."""
    mask = validation_mask(df, fraction, seed)
    return df[~mask].reset_index(drop=True), df[mask].reset_index(drop=True)


def drop_missing_labels(df: pd.DataFrame, label_col: str | None) -> pd.DataFrame:
    """`df` without rows whose label is missing (unchanged without a label)."""
    if label_col is None or label_col not in df.columns or not df[label_col].isna().any():
        return df
    return df[df[label_col].notna()].reset_index(drop=True)
