"""What an algorithm is (a registry entry, data) and what a trainer receives and returns."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mlsql.models.features import FeatureSpec, Featurizer
from mlsql.models.labels import LabelInfo

FrameSource = Callable[[], Iterator[pd.DataFrame]]
"""One call = one pass over a table, as pandas frames."""

Progress = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Algorithm:
    """A registry entry: a name, its aliases, and how it trains.

    Attributes:
        name: Canonical name (``RandomForest``).
        family: Trainer and loader: ``sklearn``, ``keras``, ``python`` or ``dec``.
        estimators: Estimator class per task, as ``"module:Class"`` (scikit-learn family).
        aliases: Other names (matched case-insensitively, like the name).
        defaults: Estimator parameters set unless the script sets them.
        variants: ``(parameter names, "module:Class")`` pairs: when every named parameter is
            set, that class replaces the task's estimator (``LinearRegression`` with a
            ``regParam`` is ridge regression).
        calibrate: Wrap the estimator in ``CalibratedClassifierCV`` for probabilities (SVMs).
        whole_floats_are_classes: Read whole-valued float labels as classes (MLSQL classifiers).
        standardize: Default of the ``standardize`` option.
        runs_user_code: Trains or predicts with code the script names (``PythonAlg``); the
            engine's sandbox runs it only for owners granted ``allow_user_code``.
        description: One line for ``!show`` listings.
    """

    name: str
    family: str
    estimators: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    defaults: Mapping[str, Any] = field(default_factory=dict)
    variants: tuple[tuple[tuple[str, ...], str], ...] = ()
    calibrate: bool = False
    whole_floats_are_classes: bool = False
    standardize: bool = False
    description: str = ""
    runs_user_code: bool = False

    @property
    def tasks(self) -> tuple[str, ...]:
        """Tasks this algorithm can train (empty = decided by the estimator or the user)."""
        return tuple(self.estimators)


@dataclass(frozen=True)
class TrainOptions:
    """Framework options of one parameter group (everything that is not an estimator param)."""

    label_col: str | None
    features: FeatureSpec
    task: str | None = None
    seed: int = 42
    validation_fraction: float = 0.2
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class TrainContext:
    """Everything a trainer needs for one parameter group.

    ``params`` are the estimator parameters (framework keys removed), ``all_params`` every
    option of the group as given; ``batches``/``eval_batches`` are frame sources (one call =
    one pass); trainers write their model file into ``model_dir``; ``warm_start_from`` is the
    sealed folder of the same configuration's previous search round, to continue from.
    """

    algorithm: Algorithm
    options: TrainOptions
    params: dict[str, Any]
    batches: FrameSource
    eval_batches: FrameSource | None
    model_dir: Path
    progress: Progress
    group: int = 0
    all_params: dict[str, Any] = field(default_factory=dict)
    warm_start_from: Path | None = None  # previous round's sealed model (mlsql.models.budget)

    def report(self, **fields: Any) -> None:
        """Sends a progress event (``{"event": "progress", "group": …, **fields}``)."""
        self.progress({"event": "progress", "group": self.group, **fields})


@dataclass
class TrainOutcome:
    """What a trainer produced: the model file in ``model_dir`` plus what to record about it.

    ``evaluation`` yields the rows to evaluate on (validation part, evaluation table, or the
    training rows when nothing was held out, as ``evaluated_on`` says); ``metrics`` holds what
    the trainer measured itself (a Python algorithm's own metrics), merged under the standard
    metrics computed from ``evaluation``.
    """

    task: str
    model_file: str
    loader: str
    metrics: dict[str, float]
    params: dict[str, Any]
    featurizer: Featurizer | None = None
    label: LabelInfo | None = None
    rows: int = 0
    trusted_types: list[str] = field(default_factory=list)
    ignored_params: list[str] = field(default_factory=list)
    libraries: tuple[str, ...] = ()
    evaluation: FrameSource | None = None
    evaluated_on: str = "validation"
    extra: dict[str, Any] = field(default_factory=dict)
    outputs: list[dict[str, str]] = field(default_factory=list)  # beyond the task's own
