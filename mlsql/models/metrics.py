"""Evaluation metrics per task, and which metric picks the best model.

- classification: ``accuracy``; ``f1`` is the support-weighted F1 (Spark's
  ``MulticlassClassificationEvaluator`` default, which MLSQL reports), ``f1_macro`` the
  unweighted mean over classes; ``auc`` is the ROC AUC of the positive class for two classes
  and the one-vs-rest macro average for more (left out when the evaluation rows hold a single
  class or the model gives no scores). Best = highest ``f1``.
- regression: ``rmse``, ``mae``, ``r2``. Best = lowest ``rmse``.
- clustering: ``silhouette`` on a seeded sample of at most ``SILHOUETTE_SAMPLE`` rows, and
  ``inertia`` (sum of squared distances to the assigned centre) when known. Best = highest
  ``silhouette``. With true classes (a column named by ``evalLabelCol``, for evaluation only):
  ``acc`` (clustering accuracy: clusters matched one-to-one to classes by the Hungarian
  algorithm, ``scipy.optimize.linear_sum_assignment``), ``nmi`` and ``ari``.

Every function returns plain floats, ready for JSON.

"Best" has one definition, ``best_index``, used by the train statement's table (its ``best``
column) and by ``version="best"`` / ``autoSelectByMetric`` (``mlsql.models.selection``): among
the candidates in group order, the best value of the metric (the task's primary one unless
named; ``HIGHER_IS_BETTER`` says the direction); the lowest group among equals; candidates
without a value for the metric never win (when none has a value for the primary metric, the
first group is best).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

PRIMARY: dict[str, tuple[str, bool]] = {
    "classification": ("f1", True),
    "regression": ("rmse", False),
    "clustering": ("silhouette", True),
}
SILHOUETTE_SAMPLE = 2000
HIGHER_IS_BETTER: dict[str, bool] = {
    "accuracy": True,
    "f1": True,
    "f1_macro": True,
    "auc": True,
    "precision": True,
    "recall": True,
    "rmse": False,
    "mae": False,
    "mse": False,
    "r2": True,
    "silhouette": True,
    "inertia": False,
    "acc": True,
    "nmi": True,
    "ari": True,
    "loss": False,
}
"""Direction of every metric a model may be ranked by (``autoSelectByMetric``)."""


def classification_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, proba: np.ndarray | None, n_classes: int
) -> dict[str, float]:
    """Metrics of predicted class codes against true class codes.

    Args:
        y_true: True class codes (0..n_classes-1).
        y_pred: Predicted class codes.
        proba: Class probabilities (rows × n_classes), or None.
        n_classes: Number of classes the model knows.

    Returns:
        accuracy, f1 (weighted), f1_macro and, when defined, auc.
    """
    from sklearn.metrics import accuracy_score, f1_score

    labels = list(range(n_classes))
    metrics = {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1": float(f1_score(y_true, y_pred, labels=labels, average="weighted", zero_division=0)),
        "f1_macro": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
    }
    auc = _auc(y_true, proba, n_classes)
    if auc is not None:
        metrics["auc"] = auc
    return metrics


def _auc(y_true: np.ndarray, proba: np.ndarray | None, n_classes: int) -> float | None:
    from sklearn.metrics import roc_auc_score

    present = np.unique(y_true)
    if proba is None or len(present) < 2:
        return None
    if n_classes == 2:
        return float(roc_auc_score(y_true, proba[:, 1]))
    if len(present) < n_classes:
        scores = proba[:, present]
        scores = scores / np.maximum(scores.sum(axis=1, keepdims=True), 1e-12)
        return float(roc_auc_score(y_true, scores, multi_class="ovr", labels=present))
    return float(roc_auc_score(y_true, proba, multi_class="ovr", labels=list(range(n_classes))))


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """rmse, mae and r2 of predictions."""
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    metrics = {
        "rmse": math.sqrt(float(mean_squared_error(y_true, y_pred))),
        "mae": float(mean_absolute_error(y_true, y_pred)),
    }
    if len(y_true) >= 2:
        metrics["r2"] = float(r2_score(y_true, y_pred))
    return metrics


def clustering_metrics(
    x: np.ndarray, labels: np.ndarray, distances: np.ndarray | None, seed: int
) -> dict[str, float]:
    """Silhouette on a bounded seeded sample, and inertia when distances are known."""
    from sklearn.metrics import silhouette_score

    metrics: dict[str, float] = {}
    n_labels = len(np.unique(labels))
    if 2 <= n_labels < len(labels):
        size = min(len(labels), SILHOUETTE_SAMPLE)
        score = silhouette_score(x, labels, sample_size=size, random_state=seed)
        metrics["silhouette"] = float(score)
    if distances is not None:
        metrics["inertia"] = float(np.sum(distances**2))
    return metrics


def clustering_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of rows whose cluster maps to their class under the best one-to-one matching.

    Clusters and classes may be any hashable values and differ in number; unmatched clusters
    count as wrong (Hungarian algorithm on the contingency table).
    """
    from scipy.optimize import linear_sum_assignment

    if len(y_true) == 0:
        return float("nan")
    classes, truth = np.unique(np.asarray(y_true), return_inverse=True)
    clusters, pred = np.unique(np.asarray(y_pred), return_inverse=True)
    counts = np.zeros((len(clusters), len(classes)), dtype=np.int64)
    np.add.at(counts, (pred, truth), 1)
    rows, cols = linear_sum_assignment(counts, maximize=True)
    return float(counts[rows, cols].sum() / len(y_true))


def external_cluster_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """``acc``, ``nmi`` and ``ari`` of cluster ids against true classes (rows with a class)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    truth = np.asarray(y_true)
    known = ~_missing(truth)
    truth, pred = truth[known], np.asarray(y_pred)[known]
    if len(truth) == 0:
        return {}
    if truth.dtype == object:
        truth = truth.astype(str)
    return {
        "acc": clustering_accuracy(truth, pred),
        "nmi": float(normalized_mutual_info_score(truth, pred)),
        "ari": float(adjusted_rand_score(truth, pred)),
    }


def _missing(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype == object:
        return np.asarray([v is None or (isinstance(v, float) and math.isnan(v)) for v in values])
    return np.zeros(len(values), dtype=bool)


def primary_metric(task: str) -> tuple[str, bool] | None:
    """The metric that ranks models of `task`, and whether higher is better."""
    return PRIMARY.get(task)


def is_better(task: str, candidate: dict[str, float], incumbent: dict[str, float]) -> bool:
    """Whether `candidate` metrics beat `incumbent` on the task's primary metric."""
    primary = PRIMARY.get(task)
    if primary is None:
        return False
    name, higher = primary
    new, old = candidate.get(name), incumbent.get(name)
    if new is None or (isinstance(new, float) and math.isnan(new)):
        return False
    if old is None or (isinstance(old, float) and math.isnan(old)):
        return True
    return new > old if higher else new < old


def metric_direction(name: str) -> bool:
    """Whether higher values of metric `name` are better.

    Raises:
        AnalysisError: Not a metric models are ranked by (the message lists them).
    """
    from mlsql.errors import AnalysisError

    for known, higher in HIGHER_IS_BETTER.items():
        if known.lower() == name.strip().lower():
            return higher
    raise AnalysisError(
        f"unknown metric {name!r} to select a model by; use one of {', '.join(HIGHER_IS_BETTER)}"
    )


def best_index(
    candidates: Sequence[tuple[str, Mapping[str, Any]]], metric: str | None = None
) -> int | None:
    """The position of the best candidate (the one definition of "best"; see the module doc).

    Args:
        candidates: (task, metrics) pairs in group order.
        metric: Rank by this metric instead of each task's primary one.

    Returns:
        The index of the best candidate, or None when no candidate has a value to rank by.
    """
    best: int | None = None
    best_value = 0.0
    for index, (task, metrics) in enumerate(candidates):
        if metric is not None:
            name, higher = metric.strip(), metric_direction(metric)
            name = next((k for k in metrics if k.lower() == name.lower()), name)
        elif (primary := PRIMARY.get(task)) is not None:
            name, higher = primary
        else:
            continue
        value = _number(metrics.get(name))
        if value is None:
            continue
        if best is None or (value > best_value if higher else value < best_value):
            best, best_value = index, value
    if best is None and metric is None and candidates:
        return 0  # nothing to rank by (e.g. a Python algorithm without metrics): the first group
    return best


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
