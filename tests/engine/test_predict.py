"""register/predict: models as vectorised Spark SQL functions, compared with scikit-learn.

Run with MLSQL_TEST_MASTER="local-cluster[2,1,1024]" too (CI does): separate executor JVMs and
Python workers; the load counter then proves each worker process loaded the model once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import datasets

from mlsql.errors import AnalysisError

SPECIES = {0: "setosa", 1: "versicolor", 2: "virginica"}
FEATURES = ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"]


@pytest.fixture(scope="module")
def iris() -> pd.DataFrame:
    frame = datasets.load_iris(as_frame=True).frame
    frame.columns = [*FEATURES, "target"]
    frame.insert(0, "id", np.arange(len(frame)))
    frame["species"] = frame.target.map(SPECIES)
    return frame.drop(columns="target")


@pytest.fixture(scope="module")
def trained(
    engine, iris: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """A RandomForest and a LogisticRegression trained on all iris rows (one partition, in order)."""
    root = tmp_path_factory.mktemp("models")
    session = engine.session("predict-training", fresh=True)
    session.spark.createDataFrame(iris).coalesce(1).createOrReplaceTempView("iris")
    paths = {"rf": root / "rf", "lr": root / "lr"}
    engine.run(
        f"""train iris as RandomForest.`{paths["rf"]}` where labelCol="species"
              and featureCols="{",".join(FEATURES)}" and numTrees="25" and seed="5" and validationFraction="0";
            train iris as LogisticRegression.`{paths["lr"]}` where labelCol="species"
              and featureCols="{",".join(FEATURES)}" and maxIter="300" and seed="5" and validationFraction="0";""",
        session=session,
    )
    return paths


def _sklearn(name: str, iris: pd.DataFrame):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    est = (
        RandomForestClassifier(n_estimators=25, random_state=5)
        if name == "rf"  # LogisticRegression standardizes by default, as in Spark ML
        else make_pipeline(StandardScaler(), LogisticRegression(max_iter=300, random_state=5))
    )
    return est.fit(iris[FEATURES].to_numpy(), iris.species.to_numpy())


@pytest.fixture
def with_iris(session, iris: pd.DataFrame):
    session.spark.createDataFrame(iris).createOrReplaceTempView("iris")
    return session


@pytest.mark.parametrize("name", ["rf", "lr"])
def test_registered_function_equals_sklearn(run, with_iris, iris, trained, name: str) -> None:
    cols = ", ".join(FEATURES)
    alg = "RandomForest" if name == "rf" else "LogisticRegression"
    rows = run(
        f"""register {alg}.`{trained[name]}` as m_label;
        register {alg}.`{trained[name]}` as m_proba options output="probabilities";
        register {alg}.`{trained[name]}` as m_conf options output="confidence";
        select id, m_label({cols}) as label, m_proba({cols}) as proba, m_conf({cols}) as conf
        from iris order by id as out;"""
    ).rows()
    est = _sklearn(name, iris)
    x = iris[FEATURES].to_numpy()
    assert [r["label"] for r in rows] == list(est.predict(x))
    expected = est.predict_proba(x)
    tolerance = 1e-12 if name == "rf" else 1e-4
    np.testing.assert_allclose(np.array([r["proba"] for r in rows]), expected, atol=tolerance)
    np.testing.assert_allclose([r["conf"] for r in rows], expected.max(axis=1), atol=tolerance)


def test_predict_statement_adds_label_confidence_probabilities(
    run, with_iris, iris, trained
) -> None:
    rows = run(
        f"predict iris as RandomForest.`{trained['rf']}` as scored; select * from scored order by id as s;"
    ).rows()
    assert set(rows[0]) == {
        "id",
        *FEATURES,
        "species",
        "prediction",
        "confidence",
        "probabilities",
    }
    est = _sklearn("rf", iris)
    assert [r["prediction"] for r in rows] == list(est.predict(iris[FEATURES].to_numpy()))
    assert all(abs(r["confidence"] - max(r["probabilities"])) < 1e-12 for r in rows)


def test_function_in_where_group_by_and_join(run, with_iris, iris, trained) -> None:
    cols = ", ".join(FEATURES)
    rows = run(
        f"""register RandomForest.`{trained["rf"]}` as rf;
        select rf({cols}) as predicted, count(*) as n from iris where rf({cols}) != 'setosa'
          group by rf({cols}) order by predicted as counts;
        select i.id, c.n from iris i join counts c on rf(i.{", i.".join(FEATURES)}) = c.predicted as joined;
        select count(*) as n from joined as total;"""
    ).rows()
    predicted = _sklearn("rf", iris).predict(iris[FEATURES].to_numpy())
    assert rows == [{"n": int((predicted != "setosa").sum())}]


def test_struct_output_and_versions(run, with_iris, trained, tmp_path: Path) -> None:
    cols = ", ".join(FEATURES)
    row = run(
        f"""register RandomForest.`{trained["rf"]}` as rf_all options output="struct" and version="0";
        select rf_all({cols}) as p from iris where id = 0 as one;"""
    ).rows()[0]["p"]
    assert row["prediction"] == "setosa" and row["confidence"] == max(row["probabilities"])
    with pytest.raises(AnalysisError) as info:
        run(f'register RandomForest.`{trained["rf"]}` as bad options version="9";')
    assert "9" in info.value.message


def test_unregister_and_functions_persist_across_scripts(run, with_iris, trained) -> None:
    cols = ", ".join(FEATURES)
    run(f"register RandomForest.`{trained['rf']}` as keep_me;")
    assert run(f"select keep_me({cols}) as p from iris where id = 0 as t;").rows() == [
        {"p": "setosa"}
    ]
    assert "keep_me" in [r["name"] for r in run("!show functions;").rows()]
    run("unregister keep_me;")
    with pytest.raises(AnalysisError) as info:
        run(f"select keep_me({cols}) as p from iris as t;")
    assert "keep_me" in info.value.message


def test_feature_mismatch_is_named(run, with_iris, trained) -> None:
    with pytest.raises(AnalysisError) as info:
        run(
            f"select id, sepal_length_cm from iris as thin;\npredict thin as RandomForest.`{trained['rf']}`;"
        )
    assert "petal_width_cm" in info.value.message and info.value.line == 2
    run(f"register RandomForest.`{trained['rf']}` as rf2;")
    with pytest.raises(AnalysisError) as info:  # checked when the select is analysed
        run("select rf2(sepal_length_cm, sepal_width_cm) as p from iris as t;")
    assert "takes 4 argument(s)" in info.value.message and "called with 2" in info.value.message


def test_model_loaded_once_per_python_worker(run, engine, session, with_iris, trained) -> None:
    from pyspark.sql.functions import pandas_udf

    cols = ", ".join(FEATURES)
    run(f"register RandomForest.`{trained['rf']}` as counted;")
    big = (
        session.spark.table("iris")
        .crossJoin(session.spark.range(40).withColumnRenamed("id", "copy"))
        .repartition(16)
    )
    big.createOrReplaceTempView("big_iris")
    total = run(f"select count(counted({cols})) as n from big_iris as c;").rows()[0]["n"]
    assert total == 150 * 40

    model_path = str(trained["rf"])

    @pandas_udf("string")
    def loads(ids: pd.Series) -> pd.Series:
        import os

        from mlsql.models import cache

        return pd.Series([f"{os.getpid()}:{cache.load_count(model_path)}"] * len(ids))

    session.spark.udf.register("model_loads", loads)
    seen = run("select distinct model_loads(id) as w from big_iris as w;").rows()
    counts = {int(r["w"].split(":")[1]) for r in seen}
    assert counts <= {0, 1} and 1 in counts, seen
