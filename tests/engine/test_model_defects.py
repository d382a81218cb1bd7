"""Issue 19 items 1, 2, 6 and issue 11 item 4 through the engine: what `probability` means,
register checks, one "best", parameter checks on the driver, Spark ML defaults."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import datasets

from mlsql.errors import AnalysisError


@pytest.fixture(scope="module")
def cancer() -> pd.DataFrame:
    frame = datasets.load_breast_cancer(as_frame=True).frame.rename(columns={"target": "label"})
    frame.columns = [c.replace(" ", "_") for c in frame.columns]
    frame.insert(0, "id", np.arange(len(frame)))
    return frame


@pytest.fixture(scope="module")
def cancer_models(engine, cancer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """RandomForest (two groups) then LogisticRegression (two groups) into one path, kept."""
    root = tmp_path_factory.mktemp("defects")
    session = engine.session("defects-training", fresh=True)
    session.spark.createDataFrame(cancer).coalesce(1).createOrReplaceTempView("cancer")
    both = root / "both"
    features = ",".join(c for c in cancer.columns if c not in ("id", "label"))
    rf = engine.run(
        f"""train cancer as RandomForest.`{both}` where labelCol="label"
              and featureCols="{features}" and seed="3" and keepVersion="true"
              and fitParam.0.numTrees="40" and fitParam.1.numTrees="2" and fitParam.1.maxDepth="1"
              as rf_groups;""",
        session=session,
    ).rows()
    lr = engine.run(
        f"""train cancer as LogisticRegression.`{both}` where labelCol="label"
              and featureCols="{features}" and seed="3" and keepVersion="true"
              and fitParam.0.maxIter="3" and fitParam.1.maxIter="500" as lr_groups;""",
        session=session,
    ).rows()
    single = root / "rf"
    engine.run(
        f"""train cancer as RandomForest.`{single}` where labelCol="label"
              and featureCols="{features}" and seed="3" and numTrees="30"
              and validationFraction="0";""",
        session=session,
    )
    return {"both": both, "rf": single, "rf_rows": rf, "lr_rows": lr}  # type: ignore[dict-item]


@pytest.fixture
def with_cancer(session, cancer):
    session.spark.createDataFrame(cancer).createOrReplaceTempView("cancer")
    return session


def _features(cancer: pd.DataFrame) -> list[str]:
    return [c for c in cancer.columns if c not in ("id", "label")]


def test_probability_is_the_positive_class_and_top_risk_rows_are_positive(
    run, with_cancer, cancer, cancer_models
) -> None:
    from sklearn.ensemble import RandomForestClassifier

    cols = ", ".join(_features(cancer))
    rows = run(
        f"""register RandomForest.`{cancer_models["rf"]}` as risk options output="probability";
        register RandomForest.`{cancer_models["rf"]}` as sure options output="confidence";
        select id, label, risk({cols}) as p, sure({cols}) as c from cancer
        order by p desc, id as scored;"""
    ).rows()
    direct = RandomForestClassifier(n_estimators=30, random_state=3)
    direct.fit(cancer[_features(cancer)].to_numpy(), cancer["label"].to_numpy())
    expected = direct.predict_proba(cancer[_features(cancer)].to_numpy())
    by_id = {r["id"]: r for r in rows}
    np.testing.assert_allclose([by_id[i]["p"] for i in cancer.id], expected[:, 1], atol=1e-12)
    np.testing.assert_allclose([by_id[i]["c"] for i in cancer.id], expected.max(axis=1), atol=1e-12)
    assert all(r["label"] == 1 for r in rows[:100])  # the README's `risk(…) > 0.8` rows churn


def test_predict_statement_options_and_desc_show_the_class_order(
    run, with_cancer, cancer_models
) -> None:
    rows = run(
        f"""predict cancer as RandomForest.`{cancer_models["rf"]}` where positiveClass="0" as t;
        select * from t order by id as out;"""
    ).rows()
    assert {"prediction", "probability", "confidence", "probabilities"} <= set(rows[0])
    assert all(abs(r["probability"] - r["probabilities"][0]) < 1e-12 for r in rows)
    run(f'register RandomForest.`{cancer_models["rf"]}` as risk2 options output="probability";')
    desc = {(r["section"], r["name"]): r["details"] for r in run("!desc risk2;").rows()}
    assert desc[("model", "classes")] == "0, 1" and desc[("model", "positiveClass")] == "1"
    assert desc[("output", "probability")].startswith("double")
    by_path = run(f"!desc `{cancer_models['rf']}`;").rows()
    assert ("input 1", "mean_radius") in {(r["section"], r["name"]) for r in by_path}
    shown = {r["name"]: r["model"] for r in run("!show functions;").rows()}
    assert "classes [0, 1]" in shown["risk2"]


def test_register_checks_the_algorithm_family(run, with_cancer, cancer_models) -> None:
    path = cancer_models["rf"]
    with pytest.raises(AnalysisError) as info:
        run(f"\nregister NaiveBayes.`{path}` as nb;")
    assert "RandomForest" in info.value.message and "NaiveBayes" in info.value.message
    assert info.value.line == 2
    for alias in ("RandomForestClassifier", "RF", "randomforest"):
        run(f"register {alias}.`{path}` as ok_{alias.lower()};")
    assert "RandomForest.`" in run("!show functions;").rows()[0]["model"]


def test_best_is_what_the_train_table_marked(run, with_cancer, cancer_models) -> None:
    path = cancer_models["both"]
    lr_rows = cancer_models["lr_rows"]
    marked = [r for r in lr_rows if r["best"]]
    assert len(marked) == 1
    run(f'register LogisticRegression.`{path}` as best_fn options version="best";')
    shown = {r["name"]: r["model"] for r in run("!show functions;").rows()}
    assert f"version {marked[0]['version']} " in shown["best_fn"]
    best_f1 = max(r["f1"] for r in lr_rows)
    assert marked[0]["f1"] == best_f1
    run(f'register LogisticRegression.`{path}` as group1 options algIndex="1";')
    run(f'register LogisticRegression.`{path}` as by_acc options autoSelectByMetric="accuracy";')
    shown = {r["name"]: r["model"] for r in run("!show functions;").rows()}
    group1 = next(r for r in lr_rows if r["group"] == 1)
    assert f"version {group1['version']} " in shown["group1"]
    top = max(lr_rows, key=lambda r: (r["accuracy"], -r["group"]))
    assert f"version {top['version']} " in shown["by_acc"]
    rf_versions = {r["version"] for r in cancer_models["rf_rows"]}
    run(f'register RandomForest.`{path}` as old_rf options version="{min(rf_versions)}";')
    with pytest.raises(AnalysisError, match="algIndex 7"):
        run(f'register LogisticRegression.`{path}` as nope options algIndex="7";')


def test_parameter_typos_fail_on_the_driver_with_a_did_you_mean(run, with_cancer, tmp_path) -> None:
    model = tmp_path / "typo"
    started = time.monotonic()
    with pytest.raises(AnalysisError) as info:
        run(
            f"""select * from cancer as data;
train data as RandomForest.`{model}` where labelCol="label"
  and maxDept="3";"""
        )
    assert time.monotonic() - started < 5  # no Kafka topic, no worker
    assert "maxDept" in info.value.message and "maxDepth" in info.value.message
    assert info.value.line == 3 and info.value.column in (6, 7)  # at `maxDept` (0- or 1-based)
    with pytest.raises(AnalysisError) as info:
        run(f'train cancer as RandomForest.`{model}` where labelCol="lable";')
    assert "lable" in info.value.message and "'label'" in info.value.message
    assert "mean_radius" in (info.value.hint or "")
    with pytest.raises(AnalysisError, match="featureCols: column 'radius'"):
        run(f'train cancer as GBTs.`{model}` where labelCol="label" and featureCols="radius";')
    with pytest.raises(AnalysisError, match="LogisticRegression"):
        run(f'train cancer as LogisticRegresion.`{model}` where labelCol="label";')
    assert not model.exists() or not any(model.iterdir())


def test_libsvm_trains_with_spark_ml_defaults(run, with_cancer, cancer, tmp_path) -> None:
    from sklearn.datasets import dump_svmlight_file
    from sklearn.ensemble import GradientBoostingClassifier

    x = cancer[_features(cancer)].to_numpy()[:, :6]
    y = cancer["label"].to_numpy()
    data = tmp_path / "cancer.libsvm"
    dump_svmlight_file(x, y, str(data), zero_based=False)
    plain, exact = tmp_path / "gbt", tmp_path / "gbt_all_rows"
    groups = run(
        f"""load libsvm.`{data}` as data;
        train data as GBTs.`{plain}`;
        train data as GBTs.`{exact}` where validationFraction="0" as g;"""
    ).rows()
    assert groups[0]["status"] == "success" and groups[0]["accuracy"] is not None
    rows = run(
        f"""load libsvm.`{data}` as data;
        predict data as GBTs.`{exact}` where algIndex="0" as t;
        select label, prediction, probability from t as out;"""
    ).rows()
    direct = GradientBoostingClassifier(random_state=42).fit(x, y)
    assert [r["prediction"] for r in rows] == list(direct.predict(x).astype(float))
    np.testing.assert_allclose([r["probability"] for r in rows], direct.predict_proba(x)[:, 1])
    desc = {r["name"]: r["details"] for r in run(f"!desc `{plain}`;").rows()}
    assert desc["label"] == "label" and desc["features"].startswith("vector")
    assert desc["task"] == "classification"


def test_multiclass_struct_with_a_positive_class_has_its_probability(run, tmp_path) -> None:
    """A multi-class model registered with positiveClass and output="struct" returns the
    ``probability`` its declared type promises: that class's entry of ``probabilities``."""
    path = tmp_path / "iris"
    run(
        "load sklearn.`iris` as mc_iris;"
        f' train mc_iris as RandomForest.`{path}` where labelCol="label" and numTrees="5"'
        ' and seed="1" and validationFraction="0";'
        f' register RandomForest.`{path}` as mc_fn options output="struct"'
        ' and positiveClass="2";'
    )
    features = "sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm"
    rows = run(f"select mc_fn({features}) as p from mc_iris as out;").rows()
    assert len(rows) == 150
    for row in rows:
        p = row["p"]
        assert p["probability"] == pytest.approx(p["probabilities"][2], abs=1e-12)
