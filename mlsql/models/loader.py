"""The one model loader: any model version → a ``PredictModel`` with one ``predict(DataFrame)``.

The training worker's evaluation, the Spark prediction UDF and the serving worker all load
through ``load_model``. Output columns of ``PredictModel.predict``:

- classification: ``prediction`` (the class in its original type), ``probability`` (of the
  predicted class: the confidence), ``probabilities`` (one float per class, in the order of
  ``metadata.classes``);
- regression: ``prediction`` (float);
- clustering: ``prediction`` (cluster id, int) and ``distance`` (to that cluster's centre);
- Python algorithms: what the user's ``predict`` returns (at least ``prediction``).

Keras models give the same columns as scikit-learn ones.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from mlsql.errors import AnalysisError
from mlsql.models.backends import KerasBackend, Scores, SklearnBackend, load_keras, load_sklearn
from mlsql.models.features import Featurizer
from mlsql.models.labels import LabelInfo
from mlsql.models.metadata import METADATA_FILE, ModelMetadata
from mlsql.models.store import ModelStore, verify

OUTPUTS = {
    "classification": [
        {"name": "prediction", "type": "string"},
        {"name": "probability", "type": "double"},
        {"name": "probabilities", "type": "array<double>"},
    ],
    "regression": [{"name": "prediction", "type": "double"}],
    "clustering": [{"name": "prediction", "type": "int"}, {"name": "distance", "type": "double"}],
}
"""Output columns per task, with Spark SQL types (a classifier's prediction has its label's)."""

LABEL_TYPES = {bool: "boolean", int: "bigint", float: "double", str: "string"}


def output_schema(task: str, label: LabelInfo | None) -> list[dict[str, str]]:
    """The output columns of a model of `task` (``prediction`` typed like the classes)."""
    columns = [dict(c) for c in OUTPUTS.get(task, [{"name": "prediction", "type": "string"}])]
    if task == "classification" and label is not None and label.classes:
        kinds = {LABEL_TYPES.get(type(c), "string") for c in label.classes}
        columns[0]["type"] = kinds.pop() if len(kinds) == 1 else "string"
    return columns


class Backend(Protocol):
    """Scores a feature matrix."""

    def scores(self, x: np.ndarray) -> Scores:
        """Raw output for `x`."""
        ...


class PredictModel:
    """A loaded model version: metadata, the featuriser, and ``predict``."""

    def __init__(
        self,
        folder: Path,
        metadata: ModelMetadata,
        backend: Backend | None = None,
        user_predict: Callable[[str, pd.DataFrame], Any] | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.metadata = metadata
        self.backend = backend
        self.user_predict = user_predict
        self.featurizer: Featurizer | None = metadata.featurizer()
        self.label: LabelInfo | None = metadata.label_info()

    @property
    def feature_columns(self) -> list[str]:
        """Input columns the model reads (empty when a Python algorithm does not say)."""
        if self.featurizer is not None:
            return self.featurizer.input_columns
        return list(self.metadata.extra.get("input_columns", []))

    def predict(self, df: pd.DataFrame, outputs: Sequence[str] | None = None) -> pd.DataFrame:
        """Predictions for the rows of `df`, index aligned with `df` (columns: module doc).

        Args:
            df: the rows, with the model's feature columns.
            outputs: only these output columns (all when None): a function returning the label
                alone does not build per-row probability lists.
        """
        if self.user_predict is not None:
            return _user_frame(self.user_predict(str(self.folder / "artifacts"), df), df.index)
        if self.backend is None or self.featurizer is None:
            raise AnalysisError(f"model {self.folder} has no backend to predict with")
        if df.empty:
            return self._frame(_empty_scores(self._n_classes()), df.index, outputs)
        return self._frame(self.backend.scores(self.featurizer.transform(df)), df.index, outputs)

    def _n_classes(self) -> int:
        return len(self.metadata.classes or [])

    def _frame(
        self, scores: Scores, index: pd.Index, outputs: Sequence[str] | None = None
    ) -> pd.DataFrame:
        task = self.metadata.task
        if task == "classification" and self.label is not None:
            return self._classification_frame(scores, index, outputs)
        if task == "clustering":
            return pd.DataFrame(
                {
                    "prediction": np.asarray(scores.codes, dtype=np.int64),
                    "distance": scores.distance,
                },
                index=index,
            )
        return pd.DataFrame(
            {"prediction": np.asarray(scores.values, dtype=np.float64)}, index=index
        )

    def _classification_frame(
        self, scores: Scores, index: pd.Index, outputs: Sequence[str] | None
    ) -> pd.DataFrame:
        assert self.label is not None
        want = set(outputs) if outputs else {"prediction", "probability", "probabilities"}
        codes = np.asarray(scores.codes)
        proba = np.asarray(scores.proba)
        columns: dict[str, Any] = {}
        if "prediction" in want:
            columns["prediction"] = self.label.decode(codes).set_axis(index)
        if "probability" in want:
            columns["probability"] = proba[np.arange(len(codes)), codes] if len(codes) else []
        if "probabilities" in want:
            columns["probabilities"] = list(proba)
        return pd.DataFrame(columns, index=index)


def _empty_scores(n_classes: int) -> Scores:
    empty = np.empty(0)
    return Scores(
        codes=np.empty(0, dtype=np.int64),
        values=empty,
        proba=np.empty((0, n_classes)),
        distance=empty,
    )


def _user_frame(out: Any, index: pd.Index) -> pd.DataFrame:
    if isinstance(out, np.ndarray | list) and np.ndim(out) == 1:
        out = pd.Series(out)
    if isinstance(out, pd.Series):
        frame = out.to_frame("prediction")
    elif isinstance(out, pd.DataFrame) and "prediction" in out.columns:
        frame = out
    else:
        raise AnalysisError(
            "a Python algorithm's predict must return a Series, a 1-d array or a DataFrame with a"
            f" 'prediction' column, not {type(out).__name__}"
        )
    if len(frame) != len(index):
        raise AnalysisError(f"predict returned {len(frame)} rows for {len(index)} input rows")
    return frame.set_axis(index)


def open_folder(folder: Path, metadata: ModelMetadata) -> PredictModel:
    """A ``PredictModel`` over a folder whose metadata was already read (and verified)."""
    folder = Path(folder)
    if metadata.loader == "sklearn":
        estimator = load_sklearn(folder, metadata.trusted_types)
        n_classes = len(metadata.classes or [])
        return PredictModel(folder, metadata, SklearnBackend(estimator, metadata.task, n_classes))
    if metadata.loader == "keras":
        return PredictModel(folder, metadata, KerasBackend(load_keras(folder), metadata.task))
    from mlsql.models.algorithms.python_alg import load_user_predict

    return PredictModel(folder, metadata, user_predict=load_user_predict(folder, metadata))


def resolve_folder(path: str | os.PathLike[str], version: int | str = "latest") -> Path:
    """The version folder that `path` and `version` name.

    `path` is a model path holding ``_model_<N>`` folders, or one version folder itself.
    """
    path = Path(path)
    if (path / METADATA_FILE).is_file():
        return path
    store = ModelStore(path)
    return store.version_dir(store.resolve(version))


def load_model(path: str | os.PathLike[str], version: int | str = "latest") -> PredictModel:
    """Loads a model version for prediction.

    Args:
        path: A model path (``train … as X.`<path>```), or a version folder.
        version: A version number, ``"latest"`` or ``"best"`` (best primary metric).

    Returns:
        The model, ready to ``predict``.

    Raises:
        AnalysisError: No such version, or a folder not written by this engine or changed since.
    """
    folder = resolve_folder(path, version)
    return open_folder(folder, verify(folder))
