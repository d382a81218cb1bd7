"""Evaluates a loaded model on frames, streaming: predictions through ``PredictModel.predict``
(the same path the Spark UDF uses), metrics from ``mlsql.models.metrics``.

A clustering model whose metadata names an evaluation label (``extra["eval_label_col"]``, from
the ``evalLabelCol`` option) is also scored against those classes (``acc``, ``nmi``, ``ari``)
on every evaluation row; the silhouette uses at most ``MAX_CLUSTER_ROWS`` rows of features.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from mlsql.errors import AnalysisError
from mlsql.models.loader import PredictModel
from mlsql.models.metrics import (
    SILHOUETTE_SAMPLE,
    classification_metrics,
    clustering_metrics,
    external_cluster_metrics,
    regression_metrics,
)

MAX_CLUSTER_ROWS = 10 * SILHOUETTE_SAMPLE


class Evaluation:
    """Accumulates true values and predictions of one model, frame by frame."""

    def __init__(self, model: PredictModel) -> None:
        self.model = model
        self.task = model.metadata.task
        self.rows = 0
        self.truth: list[np.ndarray] = []
        self.predicted: list[np.ndarray] = []
        self.proba: list[np.ndarray] = []
        self.features: list[np.ndarray] = []
        self.feature_rows = 0
        self.clusters: list[np.ndarray] = []
        self.classes: list[np.ndarray] = []
        self.eval_label = model.metadata.extra.get("eval_label_col") if model.metadata else None

    def add(self, df: pd.DataFrame) -> None:
        """Predicts one frame and keeps what the metrics need."""
        if df.empty:
            return
        wanted = ["prediction", "distance"] if self.task == "clustering" else None
        out = self.model.predict(df, outputs=wanted)
        self.rows += len(df)
        label = self.model.label
        if self.task == "classification" and label is not None:
            self.truth.append(label.encode(df[label.column]))
            self.predicted.append(label.encode(out["prediction"]))
            if "probabilities" in out.columns:
                self.proba.append(np.vstack(out["probabilities"].to_list()))
        elif self.task == "regression" and label is not None:
            self.truth.append(label.encode(df[label.column]))
            self.predicted.append(out["prediction"].to_numpy(np.float64))
        elif self.task == "clustering":
            self._add_cluster(df, out)

    def _add_cluster(self, df: pd.DataFrame, out: pd.DataFrame) -> None:
        ids = out["prediction"].to_numpy(np.int64)
        if "distance" in out.columns:
            self.truth.append(out["distance"].to_numpy(np.float64))
        if self.eval_label:
            if self.eval_label not in df.columns:
                raise AnalysisError(
                    f"evalLabelCol {self.eval_label!r} is not in the evaluation rows {list(df.columns)}"
                )
            self.classes.append(df[self.eval_label].to_numpy())
            self.clusters.append(ids)
        featurizer = self.model.featurizer
        if featurizer is not None and self.feature_rows < MAX_CLUSTER_ROWS:
            self.features.append(featurizer.transform(df))
            self.predicted.append(ids)
            self.feature_rows += len(df)

    def metrics(self, seed: int) -> dict[str, float]:
        """The task's metrics over everything added (empty without rows or a known task)."""
        if not self.rows:
            return {}
        if self.task == "classification":
            n_classes = len(self.model.metadata.classes or [])
            proba = np.vstack(self.proba) if len(self.proba) == len(self.truth) else None
            return classification_metrics(_cat(self.truth), _cat(self.predicted), proba, n_classes)
        if self.task == "regression":
            return regression_metrics(_cat(self.truth), _cat(self.predicted))
        if self.task == "clustering":
            return self._cluster_metrics(seed)
        return {}

    def _cluster_metrics(self, seed: int) -> dict[str, float]:
        metrics: dict[str, float] = {}
        if self.features:
            x = np.vstack(self.features)
            distances = _cat(self.truth) if self.truth else None
            metrics.update(clustering_metrics(x, _cat(self.predicted), distances, seed))
        if self.classes:
            truth = np.concatenate(self.classes)
            metrics.update(external_cluster_metrics(truth, _cat(self.clusters)))
        return metrics


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0)


def evaluate(
    model: PredictModel, frames: Iterable[pd.DataFrame], seed: int
) -> tuple[dict[str, float], int]:
    """Metrics of `model` on `frames`, and how many rows they held."""
    evaluation = Evaluation(model)
    for df in frames:
        evaluation.add(df)
    return evaluation.metrics(seed), evaluation.rows
