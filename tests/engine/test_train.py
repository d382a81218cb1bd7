"""`train` end to end through the real Kafka broker: every algorithm against scikit-learn.

The training table is one Spark partition (so one Kafka partition keeps row order), evaluated
on a separate table; scikit-learn is fitted directly on the same rows in the same order with
the same parameters and seed, and must give the same predictions and metrics.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import datasets, metrics

from mlsql.engine import Job
from mlsql.errors import KafkaError, WorkerError


@dataclass
class Case:
    algorithm: str
    dataset: str
    options: dict[str, str]
    estimator: Any
    task: str
    exact: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def _cases() -> list[Case]:
    from sklearn.cluster import KMeans
    from sklearn.ensemble import (
        GradientBoostingClassifier,
        GradientBoostingRegressor,
        RandomForestClassifier,
    )
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler  # Spark ML's standardization=true

    return [
        Case(
            "RandomForest",
            "iris",
            {"maxDepth": "3", "numTrees": "15", "seed": "7"},
            RandomForestClassifier(max_depth=3, n_estimators=15, random_state=7),
            "classification",
        ),
        Case(
            "GBTClassifier",
            "breast_cancer",
            {"n_estimators": "20", "maxDepth": "2", "seed": "7"},
            GradientBoostingClassifier(n_estimators=20, max_depth=2, random_state=7),
            "classification",
        ),
        Case(
            "GBTRegressor",
            "diabetes",
            {"maxIter": "30", "seed": "7"},
            GradientBoostingRegressor(n_estimators=30, random_state=7),
            "regression",
        ),
        Case(
            "LogisticRegression",
            "iris",
            {"maxIter": "500", "seed": "7"},
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=500, random_state=7)),
            "classification",
            exact=False,
        ),
        Case("LinearRegression", "diabetes", {}, LinearRegression(), "regression", exact=False),
        Case("NaiveBayes", "wine", {}, GaussianNB(), "classification", exact=False),
        Case(
            "KMeans",
            "iris",
            {"k": "3", "seed": "7", "n_init": "4"},
            KMeans(n_clusters=3, random_state=7, n_init=4),
            "clustering",
            exact=False,
        ),
    ]


CASES = _cases()


def _frame(name: str) -> pd.DataFrame:
    bunch = getattr(datasets, f"load_{name}")(as_frame=True)
    frame = bunch.frame.rename(columns={"target": "label"})
    frame.columns = [
        str(c).replace(" ", "_").replace("(", "").replace(")", "") for c in frame.columns
    ]
    frame.insert(0, "id", np.arange(len(frame)))
    return frame


def _script(case: Case, model: Path, features: list[str]) -> str:
    opts = {**case.options, "featureCols": ",".join(features), "evaluateTable": "test_rows"}
    if case.task != "clustering":
        opts["labelCol"] = "label"
    where = " and ".join(f'{k}="{v}"' for k, v in opts.items())
    return f"""
        select /*+ COALESCE(1) */ * from data where id % 4 != 0 order by id as train_rows;
        select * from data where id % 4 = 0 as test_rows;
        train train_rows as {case.algorithm}.`{model}` where {where} as groups;
        predict test_rows as {case.algorithm}.`{model}` as predicted;
    """


@pytest.mark.parametrize("case", CASES, ids=[c.algorithm for c in CASES])
def test_algorithm_matches_sklearn(engine, session, tmp_path: Path, case: Case) -> None:
    frame = _frame(case.dataset)
    features = [c for c in frame.columns if c not in ("id", "label")]
    session.spark.createDataFrame(frame).createOrReplaceTempView("data")
    result = engine.run(_script(case, tmp_path / "model", features), session=session)

    train, test = frame[frame.id % 4 != 0], frame[frame.id % 4 == 0]
    fitted = case.estimator.fit(
        train[features].to_numpy(), None if case.task == "clustering" else train.label.to_numpy()
    )
    expected = fitted.predict(test[features].to_numpy())
    got = pd.DataFrame(result.rows()).sort_values("id")
    groups = engine.run("select * from groups as g;", session=session).rows()
    assert groups[0]["status"] == "success" and groups[0]["best"] is True

    if case.task == "clustering":
        agreement = metrics.adjusted_rand_score(expected, got.prediction.to_numpy())
        assert agreement == pytest.approx(1.0)
        distances = fitted.transform(test[features].to_numpy()).min(axis=1)
        np.testing.assert_allclose(got.distance.to_numpy(), distances, rtol=1e-6)
        assert groups[0]["silhouette"] == pytest.approx(
            metrics.silhouette_score(test[features], expected), rel=1e-6
        )
    elif case.task == "classification":
        assert (got.prediction.to_numpy() == expected).mean() >= (1.0 if case.exact else 0.98)
        proba = fitted.predict_proba(test[features].to_numpy())
        got_proba = np.vstack(got.probabilities.to_numpy())
        np.testing.assert_allclose(got_proba, proba, atol=1e-9 if case.exact else 1e-3)
        assert groups[0]["accuracy"] == pytest.approx(
            metrics.accuracy_score(test.label, expected), abs=0 if case.exact else 0.02
        )
    else:
        np.testing.assert_allclose(
            got.prediction.to_numpy(), expected, rtol=1e-9 if case.exact else 1e-6
        )
        rmse = float(np.sqrt(metrics.mean_squared_error(test.label, expected)))
        assert groups[0]["rmse"] == pytest.approx(rmse, rel=1e-6)
        assert groups[0]["r2"] == pytest.approx(metrics.r2_score(test.label, expected), rel=1e-6)


def test_parameter_groups_train_side_by_side_and_best_is_marked(run, tmp_path: Path) -> None:
    """Three groups on two task slots: they queue, none deadlocks, all train."""
    model = tmp_path / "groups"
    result = run(
        f"""load sklearn.`wine` as wine;
        train wine as RandomForest.`{model}` where labelCol="label" and seed="3"
          and fitParam.0.maxDepth="1" and fitParam.0.numTrees="3"
          and fitParam.1.maxDepth="6" and fitParam.1.numTrees="40"
          and fitParam.2.maxDepth="2" and fitParam.2.numTrees="5" as groups;"""
    )
    rows = sorted(result.rows(), key=lambda r: r["group"])
    assert [r["group"] for r in rows] == [0, 1, 2]
    assert all(r["status"] == "success" and r["f1"] is not None and r["seconds"] > 0 for r in rows)
    assert '"max_depth": 6' in rows[1]["params"]
    best = [r for r in rows if r["best"]]
    assert len(best) == 1 and best[0]["f1"] == max(r["f1"] for r in rows)
    versions = sorted(p.name for p in model.iterdir() if p.name.startswith("_model_"))
    assert versions == ["_model_0", "_model_1", "_model_2"]
    assert not [p for p in model.iterdir() if p.name.startswith(".staging")]


def test_keep_version_keeps_older_versions(run, tmp_path: Path) -> None:
    model = tmp_path / "versions"
    script = f'load sklearn.`iris` as iris; train iris as NaiveBayes.`{model}` where labelCol="label"{{kv}};'
    run(script.format(kv=""))
    run(script.format(kv=' and keepVersion="true"'))
    assert sorted(p.name for p in model.glob("_model_*")) == ["_model_0", "_model_1"]
    run(script.format(kv=""))
    assert sorted(p.name for p in model.glob("_model_*")) == ["_model_2"]


def test_keras_dnn_predictions_equal_model_predict(run, tmp_path: Path) -> None:
    import keras

    model = tmp_path / "dnn"
    result = run(
        f"""load sklearn.`iris` as iris;
        train iris as DNNClassifier.`{model}` where labelCol="label" and hiddenUnits="16,8"
          and epochs="5" and batchSize="16" and learningRate="0.01" and seed="1" as groups;
        predict iris as DNNClassifier.`{model}` as predicted;"""
    )
    rows = result.rows()
    assert len(rows) == 150
    keras_file = next((model / "_model_0").rglob("*.keras"))
    net = keras.saving.load_model(keras_file)
    frame = _frame("iris")
    features = [c for c in frame.columns if c not in ("id", "label")]
    got = np.vstack([r["probabilities"] for r in rows])
    raw = net.predict(_standardise_like_model(model, frame[features]), verbose=0)
    np.testing.assert_allclose(got, raw, atol=1e-5)


def _standardise_like_model(model: Path, features: pd.DataFrame) -> np.ndarray:
    """The DNN's input matrix: the model's own stored featuriser applied to the rows."""
    from mlsql.models.store import verify

    meta = verify(model / "_model_0")
    return meta.featurizer().transform(features)


def _watch_for_pid(job: Job, found: dict[str, int]) -> None:
    def listener(j: Job) -> None:
        for info in j.training.get("groups", {}).values():
            if info.get("pid") and info.get("rows", 0) > 0 and "pid" not in found:
                found["pid"] = int(info["pid"])

    job.listeners.append(listener)


def test_killed_worker_fails_job_publishes_nothing_and_deletes_topic(
    engine, session, tmp_path: Path
) -> None:
    from kafka import KafkaAdminClient

    model = tmp_path / "killed"
    job, found = Job(name="kill-test"), {}
    _watch_for_pid(job, found)

    def killer() -> None:
        deadline = time.monotonic() + 120
        while "pid" not in found and time.monotonic() < deadline:
            time.sleep(0.1)
        if "pid" in found:
            os.kill(found["pid"], signal.SIGKILL)

    threading.Thread(target=killer, daemon=True).start()
    with pytest.raises(WorkerError) as info:
        engine.run(
            f"""load sklearn.`digits` as d;
            train d as RandomForest.`{model}` where labelCol="label" and numTrees="3000" and seed="1";""",
            session=session,
            job=job,
        )
    assert "killed" in info.value.message and "no model version was published" in info.value.message
    assert not list(model.glob("_model_*")) and not list(model.glob(".staging-*"))
    admin = KafkaAdminClient(bootstrap_servers=engine.kafka_bootstrap())
    try:
        assert not [t for t in admin.list_topics() if job.id in t]
    finally:
        admin.close()


def test_unreachable_broker_fails_fast_with_advice(run, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(KafkaError) as info:
        run(
            f"""load sklearn.`iris` as iris;
            train iris as RandomForest.`{tmp_path / "m"}` where labelCol="label"
              and `kafkaParam.bootstrap.servers`="127.0.0.1:{port}";"""
        )
    assert time.monotonic() - started < 60
    assert f"127.0.0.1:{port}" in info.value.render()
    assert not (tmp_path / "m").exists() or not list((tmp_path / "m").glob("_model_*"))


def test_unknown_algorithm_and_parameter_are_named(run, tmp_path: Path) -> None:
    from mlsql.errors import AnalysisError

    with pytest.raises(AnalysisError) as info:
        run(
            f'load sklearn.`iris` as iris;\ntrain iris as NoSuchAlg.`{tmp_path}/m` where labelCol="label";'
        )
    assert "NoSuchAlg" in info.value.message and info.value.line == 2
    with pytest.raises(AnalysisError) as info:  # checked on the driver, before Kafka starts
        run(
            f'load sklearn.`iris` as iris; train iris as RandomForest.`{tmp_path}/m` where labelCol="label" and bogusParam="1";'
        )
    assert "bogusParam" in info.value.message


USER_ALGORITHM = """
import json, os
import numpy as np

def train(params, batches, model_dir):
    total, count = None, 0
    for frame in batches():
        values = frame[params["featureCols"]].to_numpy(dtype=float)
        total = values.sum(axis=0) if total is None else total + values.sum(axis=0)
        count += len(values)
    with open(os.path.join(model_dir, "means.json"), "w") as out:
        json.dump({"means": (total / count).tolist(), "columns": params["featureCols"]}, out)
    return {"rows_seen": count}

def predict(model_dir, df):
    with open(os.path.join(model_dir, "means.json")) as src:
        model = json.load(src)
    centred = df[model["columns"]].to_numpy(dtype=float) - np.array(model["means"])
    return (centred ** 2).sum(axis=1)
"""


def test_python_algorithm_contract_through_kafka(run, tmp_path: Path) -> None:
    """A user's train/predict file: data batches in, model folder out, predictions back."""
    code = tmp_path / "alg.py"
    code.write_text(USER_ALGORITHM)
    model = tmp_path / "user"
    rows = run(
        f"""load sklearn.`iris` as iris;
        train iris as PythonAlg.`{model}` where pythonFile="{code}"
          and featureCols="sepal_length_cm,petal_length_cm" as groups;
        predict iris as PythonAlg.`{model}` as scored;"""
    ).rows()
    frame = _frame("iris")
    values = frame[["sepal_length_cm", "petal_length_cm"]].to_numpy()
    expected = ((values - values.mean(axis=0)) ** 2).sum(axis=1)
    np.testing.assert_allclose([r["prediction"] for r in rows], expected, rtol=1e-9)
