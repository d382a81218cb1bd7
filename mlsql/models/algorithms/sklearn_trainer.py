"""Trains scikit-learn estimators: all rows of one pass in memory, fit, save as skops.

The estimator class comes from the registry entry (per task, or a variant when its parameters
are set) or, for ``SKLearn``, from ``moduleName``/``className`` (``generic``). Parameters are
resolved through the Spark-ML alias table; ``random_state`` defaults to the group's seed.
Classifiers are fitted on class codes (``0..K-1`` in sorted class order), which is what
scikit-learn does internally with the original labels, so models equal those trained directly.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from mlsql.errors import AnalysisError
from mlsql.models.algorithms.base import Algorithm, TrainContext, TrainOutcome
from mlsql.models.algorithms.common import (
    check_label_column,
    decide_task,
    evaluation_label,
    label_info,
)
from mlsql.models.algorithms.generic import estimator_class, estimator_task
from mlsql.models.backends import save_sklearn
from mlsql.models.budget import warm_started
from mlsql.models.dataset import drop_missing_labels, read_frame, validation_mask
from mlsql.models.features import FeaturizerBuilder
from mlsql.models.labels import LabelStats, label_stats
from mlsql.models.params import Alias, alias_table, resolve_params

MAX_CALIBRATION_FOLDS = 3


def import_class(path: str) -> type:
    """The class named ``"module:Class"``."""
    module, _, name = path.partition(":")
    cls: type = getattr(importlib.import_module(module), name)
    return cls


def choose_class(alg: Algorithm, task: str, params: Mapping[str, Any]) -> type:
    """The estimator class for `task`: a variant whose parameters are all set, else the task's."""
    table = alias_table(alg.name)
    targets = {table.get(key, Alias(key)).target for key in params}
    for names, path in alg.variants:
        if set(names) <= targets:
            return import_class(path)
    return import_class(alg.estimators[task])


def build_estimator(
    alg: Algorithm, cls: type, params: Mapping[str, Any], seed: int
) -> tuple[Any, dict[str, Any], list[str]]:
    """An unfitted estimator of `cls` with resolved parameters.

    Returns:
        The estimator, the parameters it was built with, and the ignored Spark-only names.
    """
    valid = list(cls._get_param_names())  # type: ignore[attr-defined]
    resolved, ignored = resolve_params(alg.name, params, valid)
    kwargs = {**{k: v for k, v in alg.defaults.items() if k in valid}, **resolved}
    if "random_state" in valid:
        kwargs.setdefault("random_state", seed)
    try:
        return cls(**kwargs), kwargs, ignored
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"{alg.name}: cannot build {cls.__name__}: {exc}") from exc


def calibrated(estimator: Any, y: np.ndarray, method: str = "sigmoid") -> Any:
    """`estimator` wrapped for calibrated probabilities (``ensemble=False``).

    The calibrator is fitted on out-of-fold predictions of the training rows (up to three
    folds), then the estimator is refitted on all of them, so held-out rows stay unseen.
    """
    from sklearn.calibration import CalibratedClassifierCV

    counts = np.bincount(y)
    folds = min(MAX_CALIBRATION_FOLDS, int(counts[counts > 0].min()))
    if folds < 2:
        raise AnalysisError("calibrated probabilities need at least 2 training rows of every class")
    return CalibratedClassifierCV(estimator, method=method, ensemble=False, cv=folds)


def _frames(
    ctx: TrainContext, df: pd.DataFrame, task: str
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    label = ctx.options.label_col if task != "clustering" else None
    df = drop_missing_labels(df, label)
    if ctx.eval_batches is not None:
        evaluation = read_frame(ctx.eval_batches)
        if label is not None and label not in evaluation.columns:
            raise AnalysisError(f"label column {label!r} is not in the evaluation table")
        return df, drop_missing_labels(evaluation, label), "evaluation table"
    mask = validation_mask(df, ctx.options.validation_fraction, ctx.options.seed)
    if mask.any() and not mask.all():
        return df[~mask].reset_index(drop=True), df[mask].reset_index(drop=True), "validation"
    return df, df, "training"


def _fit(estimator: Any, alg: Algorithm, x: np.ndarray, y: np.ndarray | None) -> Any:
    try:
        if y is None:
            return estimator.fit(x)
        return estimator.fit(x, y)
    except ValueError as exc:
        raise AnalysisError(f"{alg.name}: {exc}") from exc


def train(ctx: TrainContext) -> TrainOutcome:
    """Fits the group's estimator on one in-memory pass and saves ``model.skops``."""
    alg, options = ctx.algorithm, ctx.options
    df = read_frame(ctx.batches)
    if df.empty:
        raise AnalysisError("the training table is empty")
    check_label_column(ctx, df.columns)
    ctx.report(stage="read", rows=len(df))
    generic = estimator_class(options.extra) if not alg.estimators else None
    stats = label_stats(df[options.label_col]) if options.label_col else None
    task = decide_task(ctx, stats, estimator_task(generic) if generic else None)
    train_df, eval_df, evaluated_on = _frames(ctx, df, task)
    label = label_info(ctx, task, _stats(options.label_col, train_df, eval_df, task))
    featurizer = FeaturizerBuilder(options.features, options.label_col).fit([train_df])
    cls = generic or choose_class(alg, task, ctx.params)
    estimator, params, ignored = build_estimator(alg, cls, ctx.params, options.seed)
    estimator, warm = warm_started(estimator, ctx.warm_start_from)
    y = label.encode(train_df[label.column]) if label else None
    method = options.extra.get("calibration")
    if method and task != "classification":
        raise AnalysisError(f"calibration applies to classifiers, not to a {task} model")
    if (alg.calibrate or method) and y is not None:
        estimator = calibrated(estimator, y, method or "sigmoid")
    if task == "clustering" and not hasattr(estimator, "predict"):
        raise AnalysisError(f"{cls.__name__} cannot assign new rows to clusters (no predict)")
    _fit(estimator, alg, featurizer.transform(train_df), y)
    ctx.report(stage="fitted", rows=len(train_df))
    return TrainOutcome(
        task=task,
        model_file="model.skops",
        loader="sklearn",
        metrics={},
        params=params,
        featurizer=featurizer,
        label=label,
        rows=len(train_df),
        trusted_types=save_sklearn(estimator, ctx.model_dir),
        ignored_params=ignored,
        evaluation=lambda: iter([eval_df]),
        evaluated_on=evaluated_on,
        extra={
            "estimator": f"{type(estimator).__module__}.{type(estimator).__name__}",
            "warm_started": warm,
            **evaluation_label(ctx, task),
        },
    )


def _stats(
    column: str | None, train_df: pd.DataFrame, eval_df: pd.DataFrame, task: str
) -> LabelStats | None:
    if column is None or task == "clustering":
        return None
    stats = LabelStats(column)
    for part in _distinct_parts(train_df, eval_df):
        stats.update(part[column])
    return stats


def _distinct_parts(train_df: pd.DataFrame, eval_df: pd.DataFrame) -> Iterator[pd.DataFrame]:
    yield train_df
    if eval_df is not train_df:
        yield eval_df
