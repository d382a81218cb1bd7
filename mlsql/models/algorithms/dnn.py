"""``DNNClassifier`` / ``DNNRegressor``: Keras dense networks trained over streamed epochs.

Parameters (Spark-ML aliases in brackets): ``hiddenUnits`` ("64,32"), ``epochs`` [maxIter]
(10), ``batchSize`` (32), ``learningRate`` [stepSize] (0.001), ``activation`` ("relu"),
``dropout`` (0.0), ``optimizer`` ("adam"). Features are standardised by default.

The data is never all in memory: the first pass fits the featuriser and learns the label;
then every epoch is one more call of the batch source, each Arrow batch is shuffled (seeded),
cut into mini-batches and fed to ``train_on_batch``. Classification ends in a softmax over the
classes (sparse cross-entropy); regression learns a standardised target and the saved model
ends in a ``Rescaling`` layer back to label units, so ``model.predict`` gives the prediction.

Warm start (a Hyperband survivor, ``TrainContext.warm_start_from``): the previous round's
network continues with its weights (a classifier also with its optimizer state; a regressor's
optimizer starts afresh, as its saved model is not compiled), its featuriser, label and target
scale; ``epochs`` is then the number of *further* epochs (``mlsql.models.budget``), numbered and
shuffled as the straight run's epochs ``done + 1 …`` would be. ``extra["epochs_trained"]``
records the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlsql.errors import AnalysisError
from mlsql.models.algorithms.base import FrameSource, TrainContext, TrainOutcome
from mlsql.models.algorithms.common import (
    check_label_column,
    decide_task,
    evaluation_source,
    label_info,
    training_part,
)
from mlsql.models.algorithms.epochs import run_epochs
from mlsql.models.backends import KERAS_FILE, quiet_tensorflow
from mlsql.models.features import Featurizer, FeaturizerBuilder
from mlsql.models.labels import LabelInfo, LabelStats
from mlsql.models.params import resolve_params

DEFAULTS: dict[str, Any] = {
    "hiddenUnits": [64, 32],
    "epochs": 10,
    "batchSize": 32,
    "learningRate": 0.001,
    "activation": "relu",
    "dropout": 0.0,
    "optimizer": "adam",
}


def dnn_params(algorithm: str, params: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The network parameters: defaults overridden by the script's, checked."""
    resolved, ignored = resolve_params(algorithm, params, DEFAULTS)
    merged = {**DEFAULTS, **resolved}
    units = merged["hiddenUnits"]
    merged["hiddenUnits"] = [units] if isinstance(units, int) else list(units or [])
    if not all(isinstance(u, int) and u > 0 for u in merged["hiddenUnits"]):
        raise AnalysisError(f'hiddenUnits must be positive integers, e.g. "64,32": {units!r}')
    for key in ("epochs", "batchSize"):
        if not isinstance(merged[key], int) or merged[key] < 1:
            raise AnalysisError(f"{key} must be a positive integer, not {merged[key]!r}")
    return merged, ignored


class _Target:
    """Label statistics of the first pass: classes, and mean/std of a regression target."""

    def __init__(self, column: str) -> None:
        self.stats = LabelStats(column)
        self.count, self.total, self.squares = 0, 0.0, 0.0

    def update(self, values: Any) -> None:
        """Adds one batch of label values."""
        self.stats.update(values)
        numbers = np.asarray(values, dtype=object)
        try:
            floats = numbers.astype(np.float64)
        except (TypeError, ValueError):
            return
        self.count += len(floats)
        self.total += float(floats.sum())
        self.squares += float((floats * floats).sum())

    def scale(self) -> tuple[float, float]:
        """Mean and standard deviation of a numeric label (std 1 when constant)."""
        mean = self.total / max(self.count, 1)
        std = float(np.sqrt(max(self.squares / max(self.count, 1) - mean * mean, 0.0)))
        return mean, std if std > 0 else 1.0


def _first_pass(ctx: TrainContext, frames: FrameSource) -> tuple[Featurizer, _Target, int]:
    builder = FeaturizerBuilder(ctx.options.features, ctx.options.label_col)
    target = _Target(ctx.options.label_col or "")
    rows = 0
    for df in frames():
        if rows == 0:
            check_label_column(ctx, df.columns)
        builder.update(df)
        target.update(df[ctx.options.label_col])
        rows += len(df)
    if rows == 0:
        raise AnalysisError("the training table is empty")
    ctx.report(stage="read", rows=rows)
    return builder.finish(), target, rows


def build_network(n_inputs: int, n_outputs: int, params: Mapping[str, Any]) -> Any:
    """A compiled dense network (softmax over `n_outputs` classes, or one linear output)."""
    import keras

    layers: list[Any] = [keras.Input((n_inputs,))]
    for units in params["hiddenUnits"]:
        layers.append(keras.layers.Dense(units, activation=params["activation"]))
        if params["dropout"]:
            layers.append(keras.layers.Dropout(float(params["dropout"])))
    classify = n_outputs > 1
    layers.append(keras.layers.Dense(n_outputs, activation="softmax" if classify else None))
    model = keras.Sequential(layers)
    _compile(model, params, classify)
    return model


def _compile(model: Any, params: Mapping[str, Any], classify: bool) -> None:
    import keras

    optimizer = keras.optimizers.get(
        {"class_name": params["optimizer"], "config": {"learning_rate": params["learningRate"]}}
    )
    loss = "sparse_categorical_crossentropy" if classify else "mean_squared_error"
    model.compile(optimizer=optimizer, loss=loss)


@dataclass
class _Previous:
    """The previous round of a warm-started configuration."""

    model: Any  # compiled, without the regression Rescaling layer
    featurizer: Featurizer
    label: LabelInfo
    scale: tuple[float, float] | None
    epochs: int


def _previous(ctx: TrainContext, params: Mapping[str, Any]) -> _Previous | None:
    """The warm-start model (None: train from scratch)."""
    folder = ctx.warm_start_from
    if folder is None or not (Path(folder) / KERAS_FILE).is_file():
        return None
    import keras

    from mlsql.models.metadata import ModelMetadata

    meta = ModelMetadata.read(Path(folder))
    featurizer, label = meta.featurizer(), meta.label_info()
    if meta.algorithm != ctx.algorithm.name or featurizer is None or label is None:
        return None
    model = keras.saving.load_model(Path(folder) / KERAS_FILE)
    scale = None
    if label.task != "classification":
        rescale = model.layers[-1]
        scale = (float(rescale.offset), float(rescale.scale))
        n_inputs = len(featurizer.output_names)
        model = keras.Sequential([keras.Input((n_inputs,)), *model.layers[:-1]])
        _compile(model, params, classify=False)
    done = int(meta.extra.get("epochs_trained") or meta.params.get("epochs") or 0)
    return _Previous(model, featurizer, label, scale, done)


def _epochs(
    ctx: TrainContext,
    model: Any,
    featurizer: Featurizer,
    encode: Any,
    params: Mapping[str, Any],
    done: int = 0,
) -> None:
    """`params["epochs"]` epochs, after `done` (numbered and seeded as a straight run's)."""
    frames = training_part(ctx)
    label = ctx.options.label_col or ""

    def report(**fields: Any) -> None:
        if fields.get("stage") == "epoch":
            fields.update(epoch=fields["epoch"] + done, epochs=fields["epochs"] + done)
        ctx.report(**fields)

    run_epochs(
        model,
        lambda: (
            (featurizer.transform(df).astype(np.float32), encode(df[label])) for df in frames()
        ),
        epochs=params["epochs"],
        batch_size=params["batchSize"],
        seed=ctx.options.seed + done,
        report=report,
    )


def _encoder(
    label: LabelInfo, target: _Target, scale: tuple[float, float] | None = None
) -> tuple[Any, tuple[float, float] | None]:
    if label.task == "classification":
        return (lambda s: label.encode(s).astype(np.int64)), None
    mean, std = scale or target.scale()
    return (lambda s: ((label.encode(s) - mean) / std).astype(np.float32)), (mean, std)


def train(ctx: TrainContext) -> TrainOutcome:
    """Trains the network over streamed epochs and saves ``model.keras``."""
    quiet_tensorflow()
    import keras

    params, ignored = dnn_params(ctx.algorithm.name, ctx.params)
    previous = _previous(ctx, params)
    done = previous.epochs if previous else 0
    keras.utils.set_random_seed(ctx.options.seed + done)
    featurizer, target, rows = _first_pass(ctx, training_part(ctx))
    task = decide_task(ctx, target.stats, None)
    label = label_info(ctx, task, target.stats)
    assert label is not None
    n_outputs = len(label.classes or []) if task == "classification" else 1
    if task == "classification" and n_outputs < 2:
        raise AnalysisError(f"{ctx.algorithm.name} needs at least two classes; got {label.classes}")
    if previous is not None:  # the same configuration's earlier round: continue it
        featurizer, label, model = previous.featurizer, previous.label, previous.model
    n_inputs = len(featurizer.output_names)
    if previous is None:
        model = build_network(n_inputs, n_outputs, params)
    encode, scale = _encoder(label, target, previous.scale if previous else None)
    _epochs(ctx, model, featurizer, encode, params, done)
    if scale is not None:
        rescale = keras.layers.Rescaling(scale[1], offset=scale[0])
        model = keras.Sequential([keras.Input((n_inputs,)), *model.layers, rescale])
    model.save(ctx.model_dir / KERAS_FILE)
    evaluation, evaluated_on = evaluation_source(ctx)
    return TrainOutcome(
        task=task,
        model_file=KERAS_FILE,
        loader="keras",
        metrics={},
        params={**params, "epochs": done + params["epochs"]},
        featurizer=featurizer,
        label=label,
        rows=rows,
        ignored_params=ignored,
        libraries=("tensorflow-cpu", "tensorflow", "keras"),
        evaluation=evaluation,
        evaluated_on=evaluated_on,
        extra={"warm_started": previous is not None, "epochs_trained": done + params["epochs"]},
    )
