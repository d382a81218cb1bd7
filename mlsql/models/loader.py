"""The one model loader: any model version → a ``PredictModel`` with one ``predict(DataFrame)``.

The training worker's evaluation, the Spark prediction UDF and the serving worker all load
through ``load_model``. ``PredictModel.predict`` returns the output columns of the version's
``ModelSignature`` (``mlsql.models.signature``, the one place they are defined):

- classification: ``prediction`` (the class in its original type), ``probability`` (of the
  positive class: binary models, or with a ``positiveClass``), ``confidence`` (of the
  predicted class), ``probabilities`` (one float per class, in the order of
  ``metadata.classes``);
- regression: ``prediction`` (float);
- clustering: ``prediction`` and ``group_id`` (cluster id, int; ``group_id`` is SQLFlow's
  name), ``distance`` (to that cluster's centre); DEC models also ``probabilities`` (the soft
  assignment) and ``embedding``;
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
from mlsql.models.backends import KerasBackend, Scores, load_keras, load_sklearn
from mlsql.models.features import Featurizer
from mlsql.models.fs import is_remote
from mlsql.models.labels import LabelInfo
from mlsql.models.metadata import METADATA_FILE, ModelMetadata
from mlsql.models.signature import ModelSignature, class_index
from mlsql.models.signature import output_schema as signature_outputs
from mlsql.models.store import ModelStore, verify


def output_schema(task: str, label: LabelInfo | None) -> list[dict[str, str]]:
    """The output columns of a model of `task` as recorded in its metadata (see the signature)."""
    metadata = ModelMetadata(
        algorithm="",
        loader="sklearn",
        model_file="",
        task=task,
        label=label.to_dict() if label is not None else None,
    )
    return signature_outputs(metadata)


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
        self.signature = ModelSignature.from_metadata(metadata)

    @property
    def feature_columns(self) -> list[str]:
        """Input columns the model reads (empty when a Python algorithm does not say)."""
        if self.featurizer is not None:
            return self.featurizer.input_columns
        return list(self.metadata.extra.get("input_columns", []))

    def predict(
        self,
        df: pd.DataFrame,
        outputs: Sequence[str] | None = None,
        positive_class: Any | None = None,
    ) -> pd.DataFrame:
        """Predictions for the rows of `df`, index aligned with `df` (columns: module doc).

        Args:
            df: the rows, with the model's feature columns.
            outputs: only these output columns (all of the signature's when None): a function
                returning the label alone does not build per-row probability lists.
            positive_class: the class whose probability ``probability`` is (default: the
                signature's, the second class of a binary model).
        """
        if self.user_predict is not None:
            return _user_frame(self.user_predict(str(self.folder / "artifacts"), df), df.index)
        if self.backend is None or self.featurizer is None:
            raise AnalysisError(f"model {self.folder} has no backend to predict with")
        if df.empty:
            return self._frame(_empty_scores(self._n_classes()), df.index, outputs, positive_class)
        scores = self.backend.scores(self.featurizer.transform(df))
        return self._frame(scores, df.index, outputs, positive_class)

    def _n_classes(self) -> int:
        return len(self.metadata.classes or [])

    def predict_matrix(
        self,
        matrix: np.ndarray,
        outputs: Sequence[str] | None = None,
        positive_class: Any | None = None,
    ) -> dict[str, Any] | None:
        """The output columns (arrays, or lists of per-row arrays) for a float64 matrix of
        exactly ``feature_columns``, without a data frame: the same featurisation, scores and
        outputs as ``predict``. None when the model cannot (a non-numeric column, a Python
        algorithm's own predict); the caller then builds a frame for ``predict``."""
        if self.user_predict is not None or self.backend is None or self.featurizer is None:
            return None
        if len(matrix) == 0:
            return None
        x = self.featurizer.transform_numeric(matrix)
        if x is None:
            return None
        return self._columns(self.backend.scores(x), outputs, positive_class)

    def _frame(
        self,
        scores: Scores,
        index: pd.Index,
        outputs: Sequence[str] | None = None,
        positive_class: Any | None = None,
    ) -> pd.DataFrame:
        columns = self._columns(scores, outputs, positive_class)
        for name, values in columns.items():
            if isinstance(values, pd.Series):
                columns[name] = values.set_axis(index)
        return pd.DataFrame(columns, index=index)

    def _columns(
        self, scores: Scores, outputs: Sequence[str] | None, positive_class: Any | None
    ) -> dict[str, Any]:
        """The output columns of `scores`, by name, in the order of the outputs asked."""
        task = self.metadata.task
        if task == "classification" and self.label is not None:
            return self._classification_columns(scores, outputs, positive_class)
        if task == "clustering":
            return self._cluster_columns(scores, outputs)
        return {"prediction": np.asarray(scores.values, dtype=np.float64)}

    def _cluster_columns(self, scores: Scores, outputs: Sequence[str] | None) -> dict[str, Any]:
        """Cluster outputs: ``prediction`` and ``group_id`` (the same id), ``distance``, and
        a DEC model's ``probabilities`` (soft assignment) and ``embedding``."""
        want = list(outputs) if outputs else list(self.signature.output_names)
        codes = np.asarray(scores.codes, dtype=np.int64)
        columns: dict[str, Any] = {}
        for name in want:
            if name in ("prediction", "group_id"):
                columns[name] = codes
            elif name == "distance":
                columns[name] = scores.distance
            elif name == "probabilities" and scores.proba is not None:
                columns[name] = list(scores.proba)
            elif name == "embedding" and scores.embedding is not None:
                columns[name] = list(scores.embedding)
        return columns

    def _classification_columns(
        self, scores: Scores, outputs: Sequence[str] | None, positive_class: Any | None
    ) -> dict[str, Any]:
        assert self.label is not None
        signature = self.signature
        positive = signature.positive_index
        if positive_class is not None:
            positive = class_index(signature.classes or (), positive_class)
            if signature.positive_index is None:  # a multi-class model given a positive class
                signature = ModelSignature.from_metadata(self.metadata, positive_class)
        want = list(outputs) if outputs else list(signature.output_names)
        if "probability" in want and positive is None:
            signature.output("probability")  # raises, saying why there is none
        codes = np.asarray(scores.codes)
        proba = np.asarray(scores.proba)
        rows = np.arange(len(codes))
        columns: dict[str, Any] = {}
        for name in want:
            if name == "prediction":
                columns[name] = self.label.decode(codes)
            elif name == "probability":
                columns[name] = proba[:, positive] if len(codes) else []
            elif name == "confidence":
                columns[name] = proba[rows, codes] if len(codes) else []
            elif name == "probabilities":
                columns[name] = list(proba)
        return columns


def _empty_scores(n_classes: int) -> Scores:
    empty = np.empty(0)
    return Scores(
        codes=np.empty(0, dtype=np.int64),
        values=empty,
        proba=np.empty((0, n_classes)),
        distance=empty,
        embedding=np.empty((0, 0)),
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
        from mlsql.models.forest_eval import sklearn_backend

        estimator = load_sklearn(folder, metadata.trusted_types)
        n_classes = len(metadata.classes or [])
        return PredictModel(folder, metadata, sklearn_backend(estimator, metadata.task, n_classes))
    if metadata.loader == "keras":
        return PredictModel(folder, metadata, KerasBackend(load_keras(folder), metadata.task))
    if metadata.loader == "dec":
        from mlsql.models.algorithms.dec import load_backend

        return PredictModel(folder, metadata, load_backend(folder, metadata.extra))
    from mlsql.models.algorithms.python_alg import load_user_predict

    return PredictModel(folder, metadata, user_predict=load_user_predict(folder, metadata))


def resolve_folder(path: str | os.PathLike[str], version: int | str = "latest") -> Path:
    """The version folder that `path` and `version` name.

    `path` is a model path holding ``_model_<N>`` folders, or one version folder itself; on
    S3/HDFS (``mlsql.models.remote_store``) the version is materialised in a local cache folder.
    """
    if not is_remote(os.fspath(path)) and (Path(path) / METADATA_FILE).is_file():
        return Path(path)
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
