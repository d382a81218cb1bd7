"""Global permutation importance per original input column (``evaluate … where importance="true"``).

Within each partition, each input column of the model (as the signature names it: the original
column, so a one-hot encoded colour is permuted as one column) is shuffled with a seeded
permutation and the rows are predicted again through the model's own loader
(``PredictModel.predict``: the featuriser then the estimator). The per-column statistics are
the same mergeable ones as ``scoring``; the importance of a column is how much worse the
task's score gets: accuracy lost (classification) or RMSE gained (regression). Clustering
models have no importance method (an error says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlsql.models.insight.scoring import finish, merge, partition_stats

SCORES = {"classification": ("accuracy", True), "regression": ("rmse", False)}
"""Task → (the score permutation importance is measured on, higher is better)."""


def supported(task: str) -> bool:
    """Whether permutation importance is defined for models of `task`."""
    return task in SCORES


def partition_importance(
    task: str,
    label: pd.Series,
    features: pd.DataFrame,
    model: Any,
    classes: Sequence[Any] | None,
    encode: Any,
    seed: int,
    positive_class: Any = None,
) -> dict[str, Any]:
    """Per input column, the statistics of this partition's rows with that column shuffled."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(features))
    out: dict[str, Any] = {}
    for column in features.columns:
        shuffled = features.copy()
        shuffled[column] = features[column].to_numpy()[order]
        predicted = model.predict(shuffled, positive_class=positive_class)
        out[column] = partition_stats(task, label, predicted, classes, encode)
    return out


def merge_importance(task: str, parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per column, the statistics of all partitions together."""
    columns: dict[str, list[dict[str, Any]]] = {}
    for part in parts:
        for column, stats in part.items():
            columns.setdefault(column, []).append(stats)
    return {column: merge(task, stats) for column, stats in columns.items()}


def importance_rows(
    task: str,
    base: dict[str, Any],
    permuted: dict[str, dict[str, Any]],
    classes: Sequence[Any] | None,
) -> list[tuple[str, str | None, str | None, float]]:
    """``("importance", column, None, value)`` rows, most important first."""
    name, higher = SCORES[task]

    def score(stats: dict[str, Any]) -> float:
        values = {m: v for m, c, _, v in finish(task, stats, classes) if c is None}
        return float(values.get(name, np.nan))

    reference = score(base)
    drops = {
        column: (reference - score(stats)) if higher else (score(stats) - reference)
        for column, stats in permuted.items()
    }
    ranked = sorted(drops.items(), key=lambda kv: -kv[1])
    return [("importance", column, None, value) for column, value in ranked]
