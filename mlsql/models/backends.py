"""Model files and the backends that score feature matrices, one per loader name.

- ``sklearn``: ``model.skops``. Saved with skops; loaded with an explicit trusted-types list:
  the types skops reports as needing trust must all be listed in the model's metadata (written
  at save time) and come from ``ALLOWED_TYPE_PREFIXES``. Never bare pickle.
- ``keras``: ``model.keras`` (Keras 3 format), loaded with ``safe_mode=True``.
- ``python``: a user algorithm; scored by the user's ``predict`` (see ``python_alg``), so it has
  no backend here.

A backend turns a feature matrix into ``Scores``; ``mlsql.models.loader.PredictModel`` turns
scores into the output columns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlsql.errors import AnalysisError

ALLOWED_TYPE_PREFIXES = ("sklearn.", "numpy.", "scipy.")
SKOPS_FILE = "model.skops"
KERAS_FILE = "model.keras"
KERAS_CHUNK = 8192


@dataclass
class Scores:
    """Raw model output for a batch of rows (what is not produced stays None)."""

    codes: np.ndarray | None = None
    values: np.ndarray | None = None
    proba: np.ndarray | None = None
    distance: np.ndarray | None = None
    embedding: np.ndarray | None = None


def _check_types(types: list[str], trusted: list[str] | None = None) -> None:
    outside = [t for t in types if not t.startswith(ALLOWED_TYPE_PREFIXES)]
    if outside:
        raise AnalysisError(f"model holds types outside {ALLOWED_TYPE_PREFIXES}: {outside}")
    unlisted = sorted(set(types) - set(trusted if trusted is not None else types))
    if unlisted:
        raise AnalysisError(f"model file holds types its metadata does not trust: {unlisted}")


def save_sklearn(estimator: Any, folder: Path) -> list[str]:
    """Saves an estimator as ``model.skops``; returns the types loading must trust."""
    import skops.io as sio

    path = Path(folder) / SKOPS_FILE
    sio.dump(estimator, path)
    types = sorted(sio.get_untrusted_types(file=path))
    _check_types(types)
    return types


def load_sklearn(folder: Path, trusted: list[str]) -> Any:
    """Loads ``model.skops`` trusting only `trusted` (from metadata) within the allowed modules."""
    import skops.io as sio

    path = Path(folder) / SKOPS_FILE
    types = sorted(sio.get_untrusted_types(file=path))
    _check_types(types, trusted)
    return sio.load(path, trusted=types)


def _softmax(scores: np.ndarray) -> np.ndarray:
    if scores.ndim == 1:
        positive = 1.0 / (1.0 + np.exp(-scores))
        return np.column_stack([1.0 - positive, positive])
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


# Estimator modules whose `predict` is `classes_[argmax(predict_proba)]` (same ties), so one
# call gives both: forests, trees, gradient boosting, naive Bayes, calibrated wrappers, logistic.
ARGMAX_MODULES = (
    "sklearn.ensemble._forest",
    "sklearn.ensemble._gb",
    "sklearn.tree.",
    "sklearn.naive_bayes",
    "sklearn.calibration",
    "sklearn.linear_model._logistic",
)


def _predict_is_argmax(est: Any) -> bool:
    module = type(est).__module__ + "."
    return any(module.startswith(prefix) for prefix in ARGMAX_MODULES)


def _logistic_proba(est: Any, x: np.ndarray) -> np.ndarray | None:
    """A logistic regression's ``predict_proba`` of a finite dense float64 matrix: the same
    expressions as scikit-learn's (``x @ coef_.T + intercept_``, then the logistic of one
    decision or the softmax of several), without its input validation, which costs thirty
    times the arithmetic on a few rows (a served request). None for any other estimator or
    input: the caller asks ``predict_proba`` itself."""
    from sklearn.linear_model import LogisticRegression

    if type(est) is not LogisticRegression or not isinstance(x, np.ndarray):
        return None
    coef, intercept = getattr(est, "coef_", None), getattr(est, "intercept_", None)
    if not isinstance(coef, np.ndarray) or not isinstance(intercept, np.ndarray):
        return None  # sparsified coefficients: scikit-learn's own path
    if x.ndim != 2 or x.dtype != np.float64 or x.shape[1] != coef.shape[1]:
        return None
    if not np.isfinite(x).all():
        return None  # scikit-learn raises its own error
    from scipy.special import expit
    from sklearn.utils.extmath import softmax

    scores = x @ coef.T + intercept
    if len(est.classes_) <= 2:
        positive = expit(scores.reshape(-1))
        return np.stack([1 - positive, positive], axis=1)
    return softmax(scores, copy=False)


class SklearnBackend:
    """Scores with a fitted scikit-learn estimator trained on class codes."""

    def __init__(self, estimator: Any, task: str, n_classes: int) -> None:
        self.estimator = estimator
        self.task = task
        self.n_classes = n_classes

    def scores(self, x: np.ndarray) -> Scores:
        """The estimator's output for feature matrix `x`."""
        if self.task == "classification":
            return self._classify(x)
        if self.task == "clustering":
            return self._cluster(x)
        values = self._exact_values(x)
        if values is None:
            values = np.asarray(self.estimator.predict(x), dtype=np.float64)
        return Scores(values=values)

    def _exact_proba(self, x: np.ndarray) -> np.ndarray | None:
        """The estimator's ``predict_proba`` of `x` by a faster path giving the same numbers,
        or None when scikit-learn must answer."""
        return _logistic_proba(self.estimator, x)

    def _exact_values(self, x: np.ndarray) -> np.ndarray | None:
        """A regressor's ``predict`` of `x` by a faster path giving the same numbers, or None
        when scikit-learn must answer."""
        return None

    def _classify(self, x: np.ndarray) -> Scores:
        est = self.estimator
        if hasattr(est, "predict_proba") and _predict_is_argmax(est):
            # One pass: these estimators' `predict` is the arg-max of `predict_proba` itself.
            raw = self._exact_proba(x)
            if raw is None:
                raw = np.asarray(est.predict_proba(x), dtype=np.float64)
            codes = np.asarray(est.classes_).take(np.argmax(raw, axis=1)).astype(np.int64)
            return Scores(codes=codes, proba=self._spread(raw, est))
        codes = np.asarray(est.predict(x)).astype(np.int64)
        if hasattr(est, "predict_proba"):
            raw = np.asarray(est.predict_proba(x), dtype=np.float64)
        elif hasattr(est, "decision_function"):
            raw = _softmax(np.asarray(est.decision_function(x), dtype=np.float64))
        else:
            raw = (np.asarray(est.classes_)[None, :] == codes[:, None]).astype(np.float64)
        return Scores(codes=codes, proba=self._spread(raw, est))

    def _spread(self, raw: np.ndarray, est: Any) -> np.ndarray:
        """Probabilities over every class the model knows (the estimator may have seen fewer)."""
        if raw.shape[1] == self.n_classes and np.array_equal(
            est.classes_, np.arange(self.n_classes)
        ):
            return raw
        proba = np.zeros((len(raw), self.n_classes))
        proba[:, np.asarray(est.classes_, dtype=np.int64)] = raw
        return proba

    def _cluster(self, x: np.ndarray) -> Scores:
        est = self.estimator
        codes = np.asarray(est.predict(x)).astype(np.int64)
        centres = getattr(est, "cluster_centers_", None)
        if centres is None:
            return Scores(codes=codes, distance=np.full(len(x), np.nan))
        diff = x - np.asarray(centres)[codes]
        return Scores(codes=codes, distance=np.sqrt((diff * diff).sum(axis=1)))


class KerasBackend:
    """Scores with a Keras model (softmax over classes, or one regression output)."""

    def __init__(self, model: Any, task: str) -> None:
        self.model = model
        self.task = task

    def scores(self, x: np.ndarray) -> Scores:
        """The network's output for feature matrix `x` (called eagerly, in chunks)."""
        from keras import ops

        x = x.astype(np.float32)
        chunks = [
            ops.convert_to_numpy(self.model(x[i : i + KERAS_CHUNK], training=False))
            for i in range(0, len(x), KERAS_CHUNK)
        ]
        out = np.concatenate(chunks).astype(np.float64)
        if self.task == "classification":
            return Scores(codes=out.argmax(axis=1), proba=out)
        return Scores(values=out[:, 0])


def quiet_tensorflow() -> None:
    """Silences TensorFlow's C++ start-up logging unless the environment already decides."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def load_keras(folder: Path) -> Any:
    """Loads ``model.keras`` in safe mode (no arbitrary code from the file)."""
    quiet_tensorflow()
    import keras

    return keras.models.load_model(Path(folder) / KERAS_FILE, compile=False, safe_mode=True)
