"""Shared helpers of the model and worker tests: toy data sets as Arrow batch sources, and
training one group through ``train_group`` into a staging folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from mlsql.models.dataset import BatchSource
from mlsql.models.loader import PredictModel, open_folder
from mlsql.models.store import verify
from mlsql.workers.training import GroupResult, GroupSpec, train_group


def arrow_source(df: pd.DataFrame, chunk: int = 50) -> BatchSource:
    """A batch source over `df` (one call = one pass), cut into `chunk`-row Arrow batches."""
    table = pa.Table.from_pandas(df, preserve_index=False)

    def batches() -> Iterator[pa.RecordBatch]:
        return iter(table.to_batches(max_chunksize=chunk))

    return batches


class CountingSource:
    """A batch source that counts its passes."""

    def __init__(self, df: pd.DataFrame, chunk: int = 50) -> None:
        self.source = arrow_source(df, chunk)
        self.passes = 0

    def __call__(self) -> Iterator[pa.RecordBatch]:
        self.passes += 1
        return self.source()


def iris() -> pd.DataFrame:
    """Iris with the species as strings in column ``species``."""
    from sklearn.datasets import load_iris

    data = load_iris(as_frame=True)
    frame = data.frame.drop(columns="target")
    frame["species"] = np.asarray(data.target_names)[data.target]
    return frame


def toy(name: str) -> pd.DataFrame:
    """A scikit-learn toy data set as a frame with a ``target`` column."""
    import sklearn.datasets as datasets

    loader = getattr(datasets, f"load_{name}")
    return loader(as_frame=True).frame


def train(
    tmp_path: Path,
    algorithm: str,
    params: dict[str, Any],
    df: pd.DataFrame,
    eval_df: pd.DataFrame | None = None,
    name: str = "staging",
    events: list[dict[str, Any]] | None = None,
    **spec: Any,
) -> tuple[GroupResult, Path]:
    """Trains one group; returns its result and staging folder."""
    staging = tmp_path / name
    result = train_group(
        GroupSpec(algorithm, params=params, **spec),
        arrow_source(df),
        staging,
        (events.append if events is not None else lambda event: None),
        eval_batches=arrow_source(eval_df) if eval_df is not None else None,
    )
    return result, staging


def trained(
    tmp_path: Path, algorithm: str, params: dict[str, Any], df: pd.DataFrame, **kw: Any
) -> tuple[GroupResult, PredictModel]:
    """Trains one group that must succeed; returns the result and the loaded model."""
    result, staging = train(tmp_path, algorithm, params, df, **kw)
    assert result.ok, (result.error, result.detail)
    return result, open_folder(staging, verify(staging))
