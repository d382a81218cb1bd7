"""Framework options of a parameter group: label, features, task, seed, validation split.

Keys (all optional; values are script strings):

- ``labelCol``: the label column (none for clustering).
- ``evalLabelCol``: a column of true classes for evaluating a clustering model only (``acc``,
  ``nmi``, ``ari``); never a feature, never used for training.
- ``featuresCol`` / ``featureCol`` / ``inputCol``: one vector column; ``featureCols``: a
  comma-separated column list; ``excludeCols``: columns left out of the default "all columns".
- ``autoFeatures`` (default true), ``standardize`` or Spark's ``standardization`` (default
  false; true for DNNs and, as in Spark ML, for LogisticRegression, LinearRegression and SVM),
  ``maxCategories`` (20), ``textFeatures`` (256): see ``mlsql.models.features``.
- ``task``: ``classification``, ``regression`` or ``clustering`` (overrides inference).
- ``seed``: seeds the split, the estimator's ``random_state`` and Keras.
- ``validationFraction`` (0.2): share of rows held out for evaluation when no evaluation table
  is given; 0 evaluates on the training rows.
- ``calibration``: ``isotonic`` or ``sigmoid`` calibrates a scikit-learn classifier's
  probabilities on out-of-fold predictions of the training rows (``CalibratedClassifierCV``).
- ``moduleName``, ``className`` (``SKLearn``), ``pythonFile``, ``code`` (``PythonAlg``).

Everything else goes to the estimator (``mlsql.models.params``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlsql.errors import AnalysisError
from mlsql.models.algorithms.base import Algorithm, TrainOptions
from mlsql.models.features import FeatureSpec
from mlsql.models.labels import normalise_task
from mlsql.models.params import (
    FRAMEWORK_KEYS,
    STANDARDIZED_BY_DEFAULT,
    is_estimator_key,
    parse_value,
)

VECTOR_KEYS = ("featuresCol", "featureCol", "inputCol")
EXTRA_KEYS = ("moduleName", "className", "pythonFile", "code", "evalLabelCol", "calibration")
CALIBRATIONS = ("isotonic", "sigmoid")


def _names(value: Any) -> tuple[str, ...]:
    return tuple(part.strip() for part in str(value).split(",") if part.strip())


def _bool(params: Mapping[str, Any], key: str, default: bool) -> bool:
    if key not in params:
        return default
    value = parse_value(params[key])
    if not isinstance(value, bool):
        raise AnalysisError(f'{key} must be "true" or "false", not {params[key]!r}')
    return value


def _number(params: Mapping[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = parse_value(params.get(key, default))
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise AnalysisError(f"{key} must be a number in [{low}, {high}], not {params.get(key)!r}")
    return float(value)


def _standardize(algorithm: Algorithm, params: Mapping[str, Any]) -> bool:
    default = algorithm.standardize or algorithm.name in STANDARDIZED_BY_DEFAULT
    return _bool(params, "standardize", _bool(params, "standardization", default))


def feature_spec(algorithm: Algorithm, params: Mapping[str, Any]) -> FeatureSpec:
    """The feature spec that the options of a group describe."""
    vector = next((str(params[k]) for k in VECTOR_KEYS if params.get(k)), None)
    columns = _names(params["featureCols"]) if params.get("featureCols") else None
    return FeatureSpec(
        vector_col=vector,
        columns=columns,
        exclude=_names(params.get("excludeCols", "")) + _names(params.get("evalLabelCol", "")),
        auto=_bool(params, "autoFeatures", True),
        standardize=_standardize(algorithm, params),
        max_categories=int(_number(params, "maxCategories", 20, 1, 100_000)),
        text_features=int(_number(params, "textFeatures", 256, 1, 1 << 20)),
    )


def _calibration(algorithm: Algorithm, params: Mapping[str, Any]) -> dict[str, str]:
    if "calibration" not in params:
        return {}
    method = str(params["calibration"]).strip().lower()
    if method not in CALIBRATIONS:
        raise AnalysisError(
            f'calibration must be "isotonic" or "sigmoid", not {params["calibration"]!r}'
        )
    if algorithm.family != "sklearn":
        raise AnalysisError(
            f"calibration applies to scikit-learn classifiers; {algorithm.name} is a"
            f" {algorithm.family} model"
        )
    if algorithm.tasks and "classification" not in algorithm.tasks:
        raise AnalysisError(
            f"calibration applies to classifiers, not to a {'/'.join(algorithm.tasks)} model"
            f" ({algorithm.name})"
        )
    return {"calibration": method}


def split_options(
    algorithm: Algorithm, params: Mapping[str, Any], *, seed: int = 42
) -> tuple[TrainOptions, dict[str, Any]]:
    """Splits a group's options into framework options and estimator parameters.

    Args:
        algorithm: The algorithm being trained (gives defaults such as ``standardize``).
        params: The group's options, keys without the ``fitParam.N.`` prefix.
        seed: Seed used when the options set none.

    Returns:
        The framework options, and the estimator parameters (values still as given).
    """
    framework = {k: v for k, v in params.items() if k in FRAMEWORK_KEYS}
    options = TrainOptions(
        label_col=str(framework["labelCol"]) if framework.get("labelCol") else None,
        features=feature_spec(algorithm, framework),
        task=normalise_task(framework.get("task")),
        seed=int(_number(framework, "seed", seed, 0, 2**32 - 1)),
        validation_fraction=_number(framework, "validationFraction", 0.2, 0.0, 0.9),
        extra={
            **{k: framework[k] for k in EXTRA_KEYS if k in framework},
            **_calibration(algorithm, framework),
        },
    )
    estimator = {k: v for k, v in params.items() if is_estimator_key(k)}
    return options, estimator
