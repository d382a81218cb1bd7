"""`evaluate`: metrics merged from per-partition statistics equal scikit-learn's on the same rows.

The predictions compared are the model's own (`predict` with the same version); the table is
spread over several partitions so the merge is exercised.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics

from mlsql.errors import AnalysisError


def _table(rows: list[dict]) -> dict[tuple, float]:
    return {(r["metric"], r["class"], r["predicted"]): r["value"] for r in rows}


def _predicted(run, table: str, alg: str, path: Path) -> list[dict]:
    return run(f"predict {table} as {alg}.`{path}` as p;").rows()


def test_classification_metrics_equal_sklearn(run, models) -> None:
    run(
        """load sklearn.`iris` as iris;
        select *, case label when 0 then 'setosa' when 1 then 'versicolor' else 'virginica' end
          as species from iris as iris2;
        select * from iris2 distribute by rand(1) as t;"""
    )
    got = _table(run(f'evaluate t as RandomForest.`{models["rf"]}` where version="0" as m;').rows())
    assert run("select count(*) as n from m as c;").rows()[0]["n"] == len(got)
    rows = _predicted(run, "t", "RandomForest", models["rf"])
    y = np.array([r["species"] for r in rows])
    yhat = np.array([r["prediction"] for r in rows])
    proba = np.array([r["probabilities"] for r in rows])
    classes = ["setosa", "versicolor", "virginica"]
    assert got[("rows", None, None)] == len(rows) == 150
    assert got[("accuracy", None, None)] == pytest.approx(metrics.accuracy_score(y, yhat))
    for avg in ("macro", "weighted"):
        for name, fn in (
            ("precision", metrics.precision_score),
            ("recall", metrics.recall_score),
            ("f1", metrics.f1_score),
        ):
            want = fn(y, yhat, labels=classes, average=avg, zero_division=0)
            assert got[(f"{name}_{avg}", None, None)] == pytest.approx(want)
    per_class = metrics.precision_recall_fscore_support(y, yhat, labels=classes, zero_division=0)
    for i, cls in enumerate(classes):
        assert got[("precision", cls, None)] == pytest.approx(per_class[0][i])
        assert got[("recall", cls, None)] == pytest.approx(per_class[1][i])
        assert got[("f1", cls, None)] == pytest.approx(per_class[2][i])
        assert got[("support", cls, None)] == per_class[3][i]
    confusion = metrics.confusion_matrix(y, yhat, labels=classes)
    for i, true in enumerate(classes):
        for j, pred in enumerate(classes):
            assert got[("confusion", true, pred)] == confusion[i, j]
    assert got[("log_loss", None, None)] == pytest.approx(
        metrics.log_loss(y, proba, labels=classes), rel=1e-6
    )
    assert got[("auc", None, None)] == pytest.approx(
        metrics.roc_auc_score(y, proba, multi_class="ovr", labels=classes), abs=1e-3
    )


def test_binary_auc_and_log_loss_equal_sklearn(run, models) -> None:
    run("load sklearn.`breast_cancer` as bc; select * from bc distribute by rand(2) as t;")
    got = _table(run(f"evaluate t as LogisticRegression.`{models['bin']}` as m;").rows())
    rows = _predicted(run, "t", "LogisticRegression", models["bin"])
    y = np.array([r["label"] for r in rows])
    score = np.array([r["probability"] for r in rows])
    proba = np.array([r["probabilities"] for r in rows])
    # continuous scores: the 4096-bin histogram AUC is within its documented bound
    assert got[("auc", None, None)] == pytest.approx(metrics.roc_auc_score(y, score), abs=2e-3)
    assert got[("log_loss", None, None)] == pytest.approx(
        metrics.log_loss(y, proba, labels=[0, 1]), rel=1e-6
    )
    yhat = np.array([r["prediction"] for r in rows])
    assert got[("f1", "1", None)] == pytest.approx(metrics.f1_score(y, yhat))


def test_regression_metrics_equal_sklearn(run, models) -> None:
    run("load sklearn.`diabetes` as db; select * from db distribute by rand(3) as t;")
    got = _table(run(f"evaluate t as LinearRegression.`{models['lin']}` as m;").rows())
    rows = _predicted(run, "t", "LinearRegression", models["lin"])
    y = np.array([r["label"] for r in rows], dtype=float)
    yhat = np.array([r["prediction"] for r in rows], dtype=float)
    assert got[("rows", None, None)] == len(y)
    assert got[("rmse", None, None)] == pytest.approx(np.sqrt(metrics.mean_squared_error(y, yhat)))
    assert got[("mae", None, None)] == pytest.approx(metrics.mean_absolute_error(y, yhat))
    assert got[("r2", None, None)] == pytest.approx(metrics.r2_score(y, yhat))
    assert got[("mape", None, None)] == pytest.approx(
        metrics.mean_absolute_percentage_error(y, yhat)
    )


def test_clustering_metrics_equal_sklearn(run, models) -> None:
    run("load sklearn.`iris` as iris; select * from iris distribute by rand(4) as t;")
    got = _table(run(f"evaluate t as KMeans.`{models['km']}` as m;").rows())
    rows = _predicted(run, "t", "KMeans", models["km"])
    y = np.array([r["label"] for r in rows])
    groups = np.array([r["prediction"] for r in rows])
    assert got[("nmi", None, None)] == pytest.approx(
        metrics.normalized_mutual_info_score(y, groups)
    )
    assert got[("ari", None, None)] == pytest.approx(metrics.adjusted_rand_score(y, groups))
    from scipy.optimize import linear_sum_assignment

    table = metrics.confusion_matrix(groups, y)
    r, c = linear_sum_assignment(-table)
    assert got[("acc", None, None)] == pytest.approx(table[r, c].sum() / len(y))
    inertia = sum(r["distance"] ** 2 for r in rows)
    assert got[("inertia", None, None)] == pytest.approx(inertia)


def test_missing_label_column_is_named(run, models) -> None:
    run("load sklearn.`iris` as iris;")
    with pytest.raises(AnalysisError, match="no label column 'species'") as err:
        run(f"select * from iris as t;\nevaluate t as RandomForest.`{models['rf']}` as m;")
    assert err.value.line == 2
    with pytest.raises(AnalysisError, match="no label column 'nope'"):
        run(f'evaluate iris as KMeans.`{models["km"]}` where labelCol="nope" as m;')
