"""``PythonAlg``: a user's file with ``train`` and ``predict`` (the documented contract)."""

from __future__ import annotations

from mlsql.models.loader import load_model
from mlsql.models.store import publish
from tests.models.helpers import iris, train, trained

CENTROIDS = """
import json, os
import pandas as pd

def train(params, batches, model_dir):
    passes = [pd.concat(list(batches())) for _ in range(int(params.get("passes", 1)))]
    df = passes[-1]
    label = params["labelCol"]
    means = df.groupby(label).mean(numeric_only=True)
    with open(os.path.join(model_dir, "means.json"), "w") as out:
        json.dump({"columns": list(means.columns), "classes": list(means.index),
                   "means": means.to_numpy().tolist()}, out)
    return {"train_rows": len(df), "passes": len(passes)}

def predict(model_dir, df):
    import numpy as np
    with open(os.path.join(model_dir, "means.json")) as src:
        saved = json.load(src)
    x = df[saved["columns"]].to_numpy()
    d = ((x[:, None, :] - np.asarray(saved["means"])[None]) ** 2).sum(-1)
    return pd.Series(np.asarray(saved["classes"], dtype=object)[d.argmin(1)])
"""


def test_inline_code_trains_predicts_and_is_evaluated(tmp_path) -> None:
    params = {"labelCol": "species", "code": CENTROIDS, "passes": "2"}
    result, model = trained(tmp_path, "PythonAlg", params, iris())
    assert result.task == "classification"
    assert result.metrics["passes"] == 2 and result.metrics["train_rows"] < 150
    assert result.metrics["accuracy"] > 0.8
    out = model.predict(iris().iloc[[0, 60, 120]])
    assert out["prediction"].tolist() == ["setosa", "versicolor", "virginica"]
    assert list(out.index) == [0, 60, 120]


def test_python_file_model_is_published_with_its_code(tmp_path) -> None:
    source = tmp_path / "alg.py"
    source.write_text(CENTROIDS)
    result, staging = train(
        tmp_path, "PythonAlg", {"labelCol": "species", "pythonFile": str(source)}, iris()
    )
    assert result.ok, result.error
    publish(tmp_path / "model", staging, keep_version=False)
    source.unlink()
    model = load_model(tmp_path / "model")
    assert model.metadata.loader == "python"
    assert (model.folder / "algorithm.py").read_text() == CENTROIDS
    assert not list(model.folder.rglob("__pycache__"))
    assert model.predict(iris().head(2))["prediction"].tolist() == ["setosa", "setosa"]


def test_without_a_label_the_task_is_custom_and_metrics_are_the_users(tmp_path) -> None:
    code = CENTROIDS.replace('params["labelCol"]', '"species"')
    result, model = trained(tmp_path, "PythonAlg", {"code": code}, iris())
    assert result.task == "custom"
    assert result.metrics == {"train_rows": 150.0, "passes": 1.0}
    assert model.feature_columns == list(iris().columns)


def test_a_file_without_predict_fails_clearly(tmp_path) -> None:
    code = "def train(params, batches, model_dir):\n    return None\n"
    result, _ = train(tmp_path, "PythonAlg", {"labelCol": "species", "code": code}, iris())
    assert result.status == "failed" and "does not define predict()" in result.error


def test_a_missing_file_fails_clearly(tmp_path) -> None:
    params = {"labelCol": "species", "pythonFile": str(tmp_path / "nope.py")}
    result, _ = train(tmp_path, "PythonAlg", params, iris())
    assert result.status == "failed" and "cannot read pythonFile" in result.error
