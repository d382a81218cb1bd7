"""The loss of a trained model on evaluation rows: what Hyperband and Hyperopt rank by.

MADlib ranks configurations by the Keras loss on the validation table (the training table
without one). Here every model type has one, measured through the same loader the metrics use:

- classification: cross-entropy (``log_loss``) of the predicted probabilities; ``1 - accuracy``
  for a model without probabilities;
- regression: mean squared error;
- clustering: mean squared distance to the assigned centre, else ``-silhouette``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from mlsql.models.evaluation import Evaluation, _cat
from mlsql.models.loader import PredictModel


def loss_of(evaluation: Evaluation, metrics: dict[str, float]) -> tuple[float | None, str | None]:
    """(loss, loss type) of an evaluation that has seen its rows."""
    if not evaluation.rows:
        return None, None
    if evaluation.task == "classification":
        return _classification(evaluation, metrics)
    if evaluation.task == "regression":
        truth, predicted = _cat(evaluation.truth), _cat(evaluation.predicted)
        return float(np.mean((truth - predicted) ** 2)), "mean_squared_error"
    if evaluation.task == "clustering":
        if "inertia" in metrics:
            return metrics["inertia"] / evaluation.rows, "mean_squared_distance"
        if "silhouette" in metrics:
            return -metrics["silhouette"], "negative_silhouette"
    return None, None


def _classification(
    evaluation: Evaluation, metrics: dict[str, float]
) -> tuple[float | None, str | None]:
    from sklearn.metrics import log_loss

    truth = _cat(evaluation.truth).astype(np.int64)
    if evaluation.proba and len(evaluation.proba) == len(evaluation.truth):
        proba = np.clip(np.vstack(evaluation.proba), 1e-15, 1.0)
        labels = list(range(proba.shape[1]))
        return float(log_loss(truth, proba, labels=labels)), "categorical_crossentropy"
    if "accuracy" in metrics:
        return 1.0 - metrics["accuracy"], "zero_one"
    return None, None


def evaluate_with_loss(
    model: PredictModel, frames: Iterable[pd.DataFrame], seed: int
) -> tuple[dict[str, float], int, float | None, str | None]:
    """Metrics, rows, loss and loss type of `model` on `frames` (one pass)."""
    evaluation = Evaluation(model)
    for df in frames:
        evaluation.add(df)
    metrics = evaluation.metrics(seed)
    loss, kind = loss_of(evaluation, metrics)
    return metrics, evaluation.rows, loss, kind
