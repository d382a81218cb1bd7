"""Evaluation metrics per task, and which metric picks the best model.

- classification: ``accuracy``; ``f1`` is the support-weighted F1 (Spark's
  ``MulticlassClassificationEvaluator`` default, which MLSQL reports), ``f1_macro`` the
  unweighted mean over classes; ``auc`` is the ROC AUC of the positive class for two classes
  and the one-vs-rest macro average for more (left out when the evaluation rows hold a single
  class or the model gives no scores). Best = highest ``f1``.
- regression: ``rmse``, ``mae``, ``r2``. Best = lowest ``rmse``.
- clustering: ``silhouette`` on a seeded sample of at most ``SILHOUETTE_SAMPLE`` rows, and
  ``inertia`` (sum of squared distances to the assigned centre) when known. Best = highest
  ``silhouette``.

Every function returns plain floats, ready for JSON.
"""

from __future__ import annotations

import math

import numpy as np

PRIMARY: dict[str, tuple[str, bool]] = {
    "classification": ("f1", True),
    "regression": ("rmse", False),
    "clustering": ("silhouette", True),
}
SILHOUETTE_SAMPLE = 2000


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
