"""Per-prediction contributions of the original input columns (``predict … where explain="k"``).

Two methods (``explainMethod``): ``treeshap`` (exact Shapley values of tree models through the
``shap`` library, ``mlsql.models.insight.treeshap``) and ``occlusion`` (any classifier or
regression); ``auto``, the default, takes TreeSHAP for tree models and occlusion otherwise.

Occlusion is model-agnostic: a column's contribution to a row's score is the score of the row as
it is minus the score with that column missing, i.e. replaced by what the model's own
featuriser puts for a missing value (the training mean of a numeric, date/time or vector column;
no category for a categorical column; no tokens for a text column). The score is the prediction
of a regression model and the probability of the predicted class of a classifier. Signed: a
positive contribution pushed the score up. The ``k`` columns with the largest absolute
contribution are kept, largest first. Clustering and custom models have no method.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

EXPLANATION_DDL = "array<struct<column: string, contribution: double>>"


METHODS = ("auto", "treeshap", "occlusion")


def supported(task: str) -> bool:
    """Whether per-prediction contributions are defined for models of `task`."""
    return task in ("classification", "regression")


def _scores(task: str, out: pd.DataFrame, picked: np.ndarray | None) -> np.ndarray:
    if task == "regression":
        return out["prediction"].to_numpy(np.float64)
    proba = np.vstack(out["probabilities"].to_list()).astype(np.float64)
    return proba[np.arange(len(proba)), picked]


def _missing(series: pd.Series) -> Any:
    if pd.api.types.is_numeric_dtype(series.dtype):
        return np.nan
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return pd.NaT
    return None


def method_for(model: Any, method: str) -> str:
    """The method `method` (one of ``METHODS``) means for `model`: ``treeshap`` or ``occlusion``.

    Raises:
        ValueError: ``treeshap`` asked of a model that is not a scikit-learn tree model.
    """
    from mlsql.models.insight.treeshap import estimator_of, is_tree_model

    tree = is_tree_model(estimator_of(model))
    if method == "treeshap" and not tree:
        raise ValueError(
            f'explainMethod="treeshap" needs a tree model (a forest, gradient boosting or a'
            f' decision tree), not {model.metadata.algorithm}; use explainMethod="occlusion"'
        )
    if method == "auto":
        return "treeshap" if tree else "occlusion"
    return method


def contributions(
    model: Any,
    frame: pd.DataFrame,
    out: pd.DataFrame,
    k: int,
    positive_class: Any = None,
    method: str = "auto",
) -> list[list[dict[str, Any]]]:
    """Per row of `frame` (the model's input columns), the top-`k` signed contributions.

    Args:
        model: The loaded model (``PredictModel``).
        frame: The rows, the model's input columns only.
        out: ``model.predict(frame)`` (all outputs).
        k: How many columns to keep per row.
        positive_class: Passed on to ``predict``.
        method: One of ``METHODS``.
    """
    task = model.metadata.task
    picked = None
    if task == "classification":
        picked = model.label.encode(out["prediction"]).clip(min=0)
    if method_for(model, method) == "treeshap":
        from mlsql.models.insight.treeshap import tree_contributions

        deltas = tree_contributions(model, model.featurizer.transform(frame), picked)
        names = model.featurizer.input_columns
    else:
        deltas = _occlusion(model, frame, out, picked, positive_class)
        names = list(frame.columns)
    order = np.argsort(-np.abs(deltas), axis=1, kind="stable")[:, :k]
    return [
        [{"column": names[j], "contribution": float(deltas[i, j])} for j in row]
        for i, row in enumerate(order)
    ]


def _occlusion(
    model: Any, frame: pd.DataFrame, out: pd.DataFrame, picked: Any, positive_class: Any
) -> np.ndarray:
    """Score minus the score with each column missing, rows × columns of `frame`."""
    task = model.metadata.task
    base = _scores(task, out, picked)
    deltas = np.zeros((len(frame), len(frame.columns)))
    for j, column in enumerate(frame.columns):
        occluded = frame.copy()
        occluded[column] = _missing(frame[column])
        again = model.predict(occluded, positive_class=positive_class)
        deltas[:, j] = base - _scores(task, again, picked)
    return deltas
