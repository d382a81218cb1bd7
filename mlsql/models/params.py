"""Training parameters: string values parsed, Spark-ML names mapped to scikit-learn names.

MLSQL scripts name parameters the Spark-ML way (``fitParam.0.maxDepth="3"``); the estimators
here are scikit-learn's. The mapping is data: ``COMMON_ALIASES`` applies to every algorithm,
``ALGORITHM_ALIASES`` overrides it per algorithm (``maxIter`` is the number of trees for
gradient boosting, ``regParam`` is ``1/C`` for logistic regression and SVMs), ``VALUE_MAPS``
translates Spark spellings of values (``impurity="variance"``). scikit-learn's own names pass
through unchanged. Spark-only knobs without an equivalent are accepted and reported as ignored
(``IGNORED_SPARK_PARAMS``); anything else unknown is an ``AnalysisError`` naming the valid names.

Framework options (label, features, task, split, seed, …) are not estimator parameters; they are
listed in ``FRAMEWORK_KEYS`` and read by ``mlsql.models.options``. ``seed`` is one of them: it
seeds the validation split, Keras initialisation, and becomes ``random_state`` of every
estimator that has one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from typing import Any, NamedTuple

from mlsql.errors import AnalysisError


class Alias(NamedTuple):
    """A Spark-ML parameter name's scikit-learn target and an optional value transform."""

    target: str
    transform: str | None = None


COMMON_ALIASES: dict[str, Alias] = {
    "maxDepth": Alias("max_depth"),
    "numTrees": Alias("n_estimators"),
    "maxIter": Alias("max_iter"),
    "regParam": Alias("alpha"),
    "elasticNetParam": Alias("l1_ratio"),
    "k": Alias("n_clusters"),
    "stepSize": Alias("learning_rate"),
    "minInstancesPerNode": Alias("min_samples_leaf"),
    "minInfoGain": Alias("min_impurity_decrease"),
    "subsamplingRate": Alias("subsample"),
    "featureSubsetStrategy": Alias("max_features"),
    "impurity": Alias("criterion"),
    "tol": Alias("tol"),
    "fitIntercept": Alias("fit_intercept"),
    "initMode": Alias("init"),
    "lossType": Alias("loss"),
}

_GBT = {"maxIter": Alias("n_estimators"), "stepSize": Alias("learning_rate")}
_INVERSE_C = {"regParam": Alias("C", "reciprocal")}

ALGORITHM_ALIASES: dict[str, dict[str, Alias]] = {
    "GBTClassifier": _GBT,
    "GBTRegressor": _GBT,
    "GBTs": _GBT,
    "RandomForest": {"subsamplingRate": Alias("max_samples")},
    "LogisticRegression": _INVERSE_C,
    "SVM": _INVERSE_C,
    "SVC": _INVERSE_C,
    "DNNClassifier": {"maxIter": Alias("epochs"), "stepSize": Alias("learningRate")},
    "DNNRegressor": {"maxIter": Alias("epochs"), "stepSize": Alias("learningRate")},
    "DEC": {
        "k": Alias("n_clusters"),
        "nClusters": Alias("n_clusters"),
        "encodeUnits": Alias("encode_units"),
        "pretrain_dims": Alias("encode_units"),
        "pretrainedModel": Alias("existed_pretrain_model"),
        "maxIter": Alias("train_max_iters"),
        "batchSize": Alias("train_batch_size"),
        "stepSize": Alias("train_lr"),
        "activation": Alias("pretrain_activation_func"),
    },
}

VALUE_MAPS: dict[str, dict[str, Any]] = {
    "criterion": {"variance": "squared_error"},
    "max_features": {"auto": "sqrt", "all": None, "onethird": 1.0 / 3.0},
    "init": {"k-means||": "k-means++"},
    "loss": {"logistic": "log_loss", "squared": "squared_error", "absolute": "absolute_error"},
}

TRANSFORMS = {"reciprocal": lambda v: 1.0 / float(v) if float(v) != 0 else float("inf")}

IGNORED_SPARK_PARAMS = frozenset(
    {
        "maxBins",
        "cacheNodeIds",
        "checkpointInterval",
        "maxMemoryInMB",
        "aggregationDepth",
        "initSteps",
        "family",
        "threshold",
        "thresholds",
        "weightCol",
        "predictionCol",
        "probabilityCol",
        "rawPredictionCol",
        "leafCol",
        "validationIndicatorCol",
        "blockSize",
        "smoothing",
        "modelType",
    }
)

FRAMEWORK_KEYS = frozenset(
    {
        "labelCol",
        "evalLabelCol",
        "seed",
        "featuresCol",
        "featureCol",
        "inputCol",
        "featureCols",
        "excludeCols",
        "task",
        "autoFeatures",
        "standardize",
        "standardization",
        "maxCategories",
        "textFeatures",
        "validationFraction",
        "calibration",
        "moduleName",
        "className",
        "pythonFile",
        "code",
        "keepVersion",
        "evaluateTable",
        "validateTable",
        "modelPath",
    }
)
IGNORED_PREFIXES = ("kafkaParam.", "systemParam.", "fitParam.")

STANDARDIZED_BY_DEFAULT = frozenset({"LogisticRegression", "LinearRegression", "SVM"})
"""Algorithms whose features are standardised unless ``standardization="false"``: Spark ML's
``LogisticRegression``, ``LinearRegression`` and ``LinearSVC`` default ``standardization`` to
true (regularisation then weighs every feature on one scale). ``standardization`` (Spark's
name) and ``standardize`` mean the same framework option."""

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$|^[+-]?(inf|nan)$", re.I)


def parse_value(value: Any) -> Any:
    """A parameter value from its script text: int, float, bool, None, list or JSON, else str.

    ``"3"`` → 3, ``"0.1"`` → 0.1, ``"true"`` → True, ``"None"``/``"null"`` → None,
    ``"64,32"`` → [64, 32], ``"[1, 2]"``/``'{"a": 1}'`` → parsed JSON. Non-strings pass through.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            return text
    if "," in text:
        return [parse_value(part) for part in text.split(",") if part.strip()]
    return text


def alias_table(algorithm: str) -> dict[str, Alias]:
    """The Spark-ML → scikit-learn name table of one algorithm (common table + its overrides)."""
    return {**COMMON_ALIASES, **ALGORITHM_ALIASES.get(algorithm, {})}


def is_estimator_key(key: str) -> bool:
    """Whether an option key is meant for the estimator (not framework, not another prefix)."""
    return key not in FRAMEWORK_KEYS and not key.startswith(IGNORED_PREFIXES)


def resolve_params(
    algorithm: str, params: Mapping[str, Any], valid: Collection[str]
) -> tuple[dict[str, Any], list[str]]:
    """Maps parameter names and values of `algorithm` onto an estimator's parameter names.

    Args:
        algorithm: Canonical algorithm name (selects the alias table).
        params: Estimator parameters as the script gave them (framework keys already removed).
        valid: The estimator's parameter names.

    Returns:
        The resolved parameters, and the names of Spark-only parameters that were ignored.

    Raises:
        AnalysisError: A parameter is neither valid for the estimator nor a known alias.
    """
    table = alias_table(algorithm)
    resolved: dict[str, Any] = {}
    ignored: list[str] = []
    unknown: list[str] = []
    for key, raw in params.items():
        alias = table.get(key)
        if alias is None and key in IGNORED_SPARK_PARAMS:
            ignored.append(key)
            continue
        target = alias.target if alias else key
        value = parse_value(raw)
        if alias and alias.transform:
            value = TRANSFORMS[alias.transform](value)
        if isinstance(value, str):
            value = VALUE_MAPS.get(target, {}).get(value, value)
        if target not in valid:
            unknown.append(key if target == key else f"{key} (→ {target})")
            continue
        resolved[target] = value
    if unknown:
        raise AnalysisError(_unknown_message(algorithm, unknown, valid, table))
    return resolved, ignored


def _unknown_message(
    algorithm: str, unknown: list[str], valid: Collection[str], table: Mapping[str, Alias]
) -> str:
    spark = sorted(name for name, alias in table.items() if alias.target in valid)
    names = ", ".join(sorted(valid))
    text = f"unknown parameter(s) for {algorithm}: {', '.join(unknown)}; valid: {names}"
    if spark:
        text += f"; Spark-ML aliases: {', '.join(spark)}"
    return text
