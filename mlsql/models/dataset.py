"""Training data as passes over Arrow batches, and the seeded held-out validation split.

A *batch source* is ``Callable[[], Iterator[pyarrow.RecordBatch]]``: each call is one full pass
over a table (the Kafka transport re-reads its topic; tests use lists). Trainers see pandas
frames: ``frame_source`` converts batch by batch, ``read_frame`` concatenates one pass (for
estimators that need all rows in memory).

The validation split is by row content, not position: a row is held out when a seeded hash of
its values falls under ``fraction``. Every pass, in whatever order Kafka delivers partitions,
holds out the same rows, which streamed (Keras) training relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from mlsql.models.algorithms.base import FrameSource

BatchSource = Callable[[], Iterator[pa.RecordBatch]]
"""One call = one pass over a table, as Arrow record batches."""

_BUCKETS = 1_000_000
_GOLDEN = 0x9E3779B97F4A7C15


def frame_source(batches: BatchSource) -> FrameSource:
    """A frame source over a batch source (one pandas frame per non-empty record batch)."""

    def frames() -> Iterator[pd.DataFrame]:
        for batch in batches():
            if batch.num_rows:
                yield batch.to_pandas()

    return frames


def read_frame(frames: FrameSource) -> pd.DataFrame:
    """One pass of `frames` concatenated into one frame (empty frame for no rows)."""
    parts = list(frames())
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _hashable(series: pd.Series) -> pd.Series:
    if pd.api.types.is_object_dtype(series.dtype):
        return series.map(lambda v: repr(v.tolist() if isinstance(v, np.ndarray) else v))
    return series


def validation_mask(df: pd.DataFrame, fraction: float, seed: int) -> np.ndarray:
    """Which rows of `df` belong to the held-out validation part (seeded, order-independent)."""
    if fraction <= 0 or df.empty:
        return np.zeros(len(df), dtype=bool)
    has_objects = any(pd.api.types.is_object_dtype(t) for t in df.dtypes)
    hashable = df.apply(_hashable) if has_objects else df
    hashes = pd.util.hash_pandas_object(hashable, index=False).to_numpy(np.uint64)
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
