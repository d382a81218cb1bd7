"""The label column: which task it implies, its class values, and their integer codes.

Task inference (``task="classification|regression|clustering"`` overrides it):

- strings, booleans, categoricals → classification;
- integers → classification with at most ``MAX_CLASSES`` distinct values, else regression;
- floats → regression; except that algorithms which are classifiers in MLSQL/Spark
  (``RandomForest``) read whole-valued floats with few distinct values (Spark's ``0.0/1.0``
  labels) as classes.

Classes are the sorted distinct label values, kept in their original type (strings stay
strings); models are trained on their integer codes and predictions decode back. Rows whose
label is missing are left out of training and evaluation.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlsql.errors import AnalysisError
from mlsql.models.feature_kinds import json_value

TASKS = ("classification", "regression", "clustering")
TASK_NAMES = {
    "classification": "classification",
    "classifier": "classification",
    "regression": "regression",
    "regressor": "regression",
    "clustering": "clustering",
    "cluster": "clustering",
}
MAX_CLASSES = 20
MAX_TRACKED = 1000


def normalise_task(name: str | None) -> str | None:
    """The canonical task name for a ``task`` option value (None stays None)."""
    if name is None:
        return None
    task = TASK_NAMES.get(str(name).strip().lower())
    if task is None:
        raise AnalysisError(f"unknown task {name!r}; expected one of {', '.join(TASKS)}")
    return task


@dataclass
class LabelInfo:
    """The label column of a trained model."""

    column: str
    task: str
    dtype: str
    classes: list[Any] | None = None

    def encode(self, series: pd.Series) -> np.ndarray:
        """Class codes (-1 for unseen values) for classification, floats for regression."""
        if self.task != "classification":
            return pd.to_numeric(series, errors="coerce").to_numpy(np.float64)
        values = series.astype(object).map(_class_key)
        keys = [_class_key(c) for c in self.classes or []]
        return pd.Categorical(values, categories=keys).codes.astype(np.int64)

    def decode(self, codes: np.ndarray) -> np.ndarray | pd.Series:
        """Class values of codes, in the classes' own type: a typed array when the classes
        share one numpy type, else a Series of the inferred type."""
        classes = list(self.classes or [])
        kinds = {type(c) for c in classes}
        # One numpy type for the classes when they share one (ints, floats, bools): a typed
        # `take` needs no per-row type inference.
        typed = len(kinds) == 1 and kinds <= {int, float, bool}
        table = np.asarray(classes) if typed else np.asarray(classes, dtype=object)
        values = table.take(np.asarray(codes, dtype=np.int64))
        return values if typed else pd.Series(values).infer_objects()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "column": self.column,
            "task": self.task,
            "dtype": self.dtype,
            "classes": self.classes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LabelInfo:
        """Inverse of ``to_dict``."""
        return cls(**data)


def _class_key(value: Any) -> Any:
    """Whole floats and ints compare as the same class (Spark's 1.0 equals a table's 1)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


class LabelStats:
    """Learns a label column's type and distinct values batch by batch."""

    def __init__(self, column: str) -> None:
        self.column = column
        self.dtype: str | None = None
        self.kind = "numeric"
        self.values: set[Any] = set()
        self.overflow = False
        self.whole = True

    def update(self, series: pd.Series) -> None:
        """Adds one batch of label values."""
        values = series.dropna()
        if self.dtype is None:
            self.dtype = str(series.dtype)
            self.kind = _label_kind(series)
        if self.kind == "float" and len(values):
            self.whole = self.whole and bool(np.all(np.mod(values.to_numpy(np.float64), 1) == 0))
        if not self.overflow:
            self.values.update(json_value(v) for v in values.unique())
            self.overflow = len(self.values) > MAX_TRACKED

    def finish(self, task: str | None, whole_floats_are_classes: bool = False) -> LabelInfo:
        """The label info for `task` (inferred when None)."""
        if self.dtype is None or not self.values:
            raise AnalysisError(f"label column {self.column!r} has no values")
        task = task or self._infer(whole_floats_are_classes)
        classes = None
        if task == "classification":
            if self.overflow:
                raise AnalysisError(
                    f"label column {self.column!r} has more than {MAX_TRACKED} distinct values;"
                    " it cannot be a classification label"
                )
            classes = sorted(self.values, key=lambda v: (type(v).__name__, v))
        return LabelInfo(self.column, task, self.dtype, classes)

    def _infer(self, whole_floats_are_classes: bool) -> str:
        few = not self.overflow and len(self.values) <= MAX_CLASSES
        if self.kind in ("string", "bool"):
            return "classification"
        if self.kind == "int":
            return "classification" if few else "regression"
        if self.kind == "float" and whole_floats_are_classes and self.whole and few:
            return "classification"
        return "regression"


def _label_kind(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    values = series.dropna()
    if len(values) and isinstance(values.iloc[0], decimal.Decimal):
        return "float"
    return "string"


def label_stats(series: pd.Series) -> LabelStats:
    """Label stats of a whole in-memory column."""
    stats = LabelStats(str(series.name))
    stats.update(series)
    return stats
