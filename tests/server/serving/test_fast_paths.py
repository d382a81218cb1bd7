"""The worker's frame-free path gives exactly what the frame path gives.

`PredictModel.predict_matrix` (float64 matrix → scores → columns, used by the serving worker
for all-numeric models) against `PredictModel.predict` on a data frame of the same rows (a
forest's fused evaluator is tested against scikit-learn in tests/models/test_forest_eval.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlsql.models.loader import load_model
from mlsql.server.serving.worker import _json_columns, _result_columns
from tests.server.serving.helpers import FEATURES, iris_frame, publish_model

FIXED = {"labelCol": "species", "seed": "3", "validationFraction": "0"}


@pytest.mark.parametrize(
    "algorithm, params",
    [
        ("LogisticRegression", {"maxIter": "300"}),
        ("RandomForest", {"numTrees": "7"}),
        ("GBTClassifier", {"maxIter": "5"}),
    ],
)
def test_matrix_path_equals_frame_path(tmp_path: Path, algorithm: str, params: dict) -> None:
    iris = iris_frame()
    model = load_model(publish_model(tmp_path, "m", algorithm, {**FIXED, **params}, iris))
    x = iris[FEATURES].to_numpy(np.float64)[::7].copy()
    x[3, 1] = np.nan  # a missing value: filled as the frame path fills it
    frame = pd.DataFrame(x, columns=FEATURES)
    for outputs in (None, ["prediction"], ["confidence", "probabilities"]):
        fast = model.predict_matrix(x, outputs)
        assert fast is not None
        assert _json_columns(fast) == _result_columns(model.predict(frame, outputs))


def test_matrix_path_declines_non_numeric_models(tmp_path: Path) -> None:
    iris = iris_frame()  # KMeans without a label reads the string column too
    model = load_model(publish_model(tmp_path, "k", "KMeans", {"k": "3", "seed": "3"}, iris))
    assert model.predict_matrix(iris[FEATURES].to_numpy(np.float64)) is None
