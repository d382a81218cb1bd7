"""Keras DNNs: streamed epochs (one batch-source call each), predictions equal the saved
``model.keras`` network's within tolerance, same output columns as scikit-learn models."""

from __future__ import annotations

import numpy as np
import pytest

from mlsql.errors import AnalysisError
from mlsql.models.algorithms.dnn import dnn_params
from mlsql.models.loader import open_folder
from mlsql.models.store import verify
from mlsql.workers.training import GroupSpec, train_group
from tests.models.helpers import CountingSource, iris, toy

keras = pytest.importorskip("keras")

# Keras 3.15 on TensorFlow 2.21 converts tensors with np.array(x), which NumPy 2.4 warns about.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def _train(tmp_path, algorithm, params, df):
    source, events = CountingSource(df, chunk=40), []
    result = train_group(GroupSpec(algorithm, params=params), source, tmp_path, events.append)
    assert result.ok, (result.error, result.detail)
    return result, open_folder(tmp_path, verify(tmp_path)), source, events


def test_classifier_streams_epochs_and_matches_the_keras_model(tmp_path) -> None:
    df = iris()
    params = {
        "labelCol": "species",
        "hiddenUnits": "16,8",
        "epochs": "4",
        "batchSize": "16",
        "learningRate": "0.01",
    }
    result, model, source, events = _train(tmp_path, "DNNClassifier", params, df)
    assert source.passes == 1 + 4 + 1  # featuriser pass, one pass per epoch, evaluation pass
    epochs = [e["epoch"] for e in events if e.get("stage") == "epoch"]
    assert epochs == [1, 2, 3, 4]
    assert {"accuracy", "f1", "auc"} <= set(result.metrics)
    network = keras.models.load_model(tmp_path / "model.keras", compile=False)
    expected = network.predict(model.featurizer.transform(df).astype("float32"), verbose=0)
    out = model.predict(df)
    np.testing.assert_allclose(np.vstack(out["probabilities"]), expected, rtol=1e-5, atol=1e-6)
    classes = np.asarray(model.metadata.classes)
    np.testing.assert_array_equal(out["prediction"], classes[expected.argmax(axis=1)])
    np.testing.assert_allclose(out["confidence"], expected.max(axis=1), rtol=1e-5)
    assert list(out.columns) == ["prediction", "confidence", "probabilities"]
    assert isinstance(out["prediction"].iloc[0], str)


def test_regressor_predicts_in_label_units(tmp_path) -> None:
    df = toy("diabetes")
    params = {"labelCol": "target", "hiddenUnits": "8", "epochs": "3", "maxIter": "3"}
    result, model, _, _ = _train(tmp_path, "DNNRegressor", params, df)
    assert result.task == "regression" and result.params["epochs"] == 3
    network = keras.models.load_model(tmp_path / "model.keras", compile=False)
    expected = network.predict(model.featurizer.transform(df).astype("float32"), verbose=0)[:, 0]
    out = model.predict(df)
    np.testing.assert_allclose(out["prediction"], expected, rtol=1e-5)
    assert 50 < out["prediction"].mean() < 250  # de-standardised back to the label's scale
    assert model.metadata.features["spec"]["standardize"] is True


def test_dnn_parameters_are_checked() -> None:
    params, _ = dnn_params("DNNClassifier", {"hiddenUnits": "32", "stepSize": "0.1"})
    assert params["hiddenUnits"] == [32] and params["learningRate"] == 0.1
    with pytest.raises(AnalysisError, match="hiddenUnits"):
        dnn_params("DNNClassifier", {"hiddenUnits": "a,b"})
    with pytest.raises(AnalysisError, match="layerz"):
        dnn_params("DNNClassifier", {"layerz": "3"})
