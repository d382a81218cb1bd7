"""TreeSHAP contributions (`predict … where explain="k"` on tree models) and `explainMethod`.

Shapley values add up: for every row, the expected value plus the contributions of *all* input
columns equals the model's raw output. The tests check that identity against the model's own
predictions, which holds only if the library's per-matrix-column values were taken for the
right class and summed over the right one-hot columns.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlsql.errors import AnalysisError
from mlsql.models.loader import load_model
from tests.insight.conftest import signal_frame


def _expected_value(path) -> np.ndarray:
    import shap

    estimator = load_model(path).backend.estimator
    return np.atleast_1d(np.asarray(shap.TreeExplainer(estimator).expected_value, dtype=float))


def _total(row) -> float:
    return sum(e["contribution"] for e in row["explanation"])


def test_regression_contributions_add_up_to_the_prediction(run, session, models) -> None:
    frame = signal_frame(n=150, seed=21)
    session.spark.createDataFrame(frame).createOrReplaceTempView("shap_reg")
    rows = run(f'predict shap_reg as RandomForest.`{models["signal"]}` where explain="6" as p;')
    rows = rows.rows()
    base = _expected_value(models["signal"])[0]
    assert len(rows) == 150
    for row in rows:
        assert {e["column"] for e in row["explanation"]} == {"a", "b", "c", "d", "e", "kind"}
        assert base + _total(row) == pytest.approx(row["prediction"], abs=1e-6)
    top_two = [{e["column"] for e in r["explanation"][:2]} for r in rows]
    assert sum(t == {"a", "b"} for t in top_two) >= 0.9 * len(rows)


def test_forest_classifier_contributions_explain_the_predicted_class(run, models) -> None:
    run(
        "load sklearn.`iris` as iris;"
        " select *, case label when 0 then 'setosa' when 1 then 'versicolor' else 'virginica'"
        " end as species from iris as shap_iris;"
    )
    rows = run(f'predict shap_iris as RandomForest.`{models["rf"]}` where explain="4" as p;')
    rows = rows.rows()
    base = _expected_value(models["rf"])  # one per class, in code order
    classes = ["setosa", "versicolor", "virginica"]
    for row in rows:
        # a forest's raw output is the class probability: base + Σ = P(predicted class)
        expected = base[classes.index(row["prediction"])] + _total(row)
        assert expected == pytest.approx(row["confidence"], abs=1e-6)


def test_binary_boosting_contributions_are_signed_for_the_predicted_class(run, tmp_path) -> None:
    path = tmp_path / "gbt"
    run(
        "load sklearn.`breast_cancer` as bc;"
        f' train bc as GBTs.`{path}` where labelCol="label" and maxIter="15" and maxDepth="2"'
        ' and seed="4" and validationFraction="0";'
        f' predict bc as GBTs.`{path}` where explain="30" as bcp;'
    )
    rows = run("select * from bcp limit 120 as t;").rows()
    base = _expected_value(path)[0]  # log-odds of class 1
    for row in rows:
        log_odds = np.log(row["probability"] / (1 - row["probability"]))
        sign = 1.0 if row["prediction"] == 1 else -1.0
        assert sign * base + _total(row) == pytest.approx(sign * log_odds, abs=1e-5)


def test_occlusion_can_be_asked_for_and_differs_from_treeshap(run, session, models) -> None:
    frame = signal_frame(n=40, seed=5)
    session.spark.createDataFrame(frame).createOrReplaceTempView("shap_occ")
    path = models["signal"]
    shap_rows = run(f'predict shap_occ as RandomForest.`{path}` where explain="6" as p;').rows()
    occ_rows = run(
        f'predict shap_occ as RandomForest.`{path}` where explain="6"'
        ' and explainMethod="occlusion" as p;'
    ).rows()
    base = _expected_value(path)[0]
    # occlusion's values are not Shapley values: they do not add up to the prediction
    off = [abs(base + _total(r) - r["prediction"]) for r in occ_rows]
    assert max(off) > 1e-3
    assert all(abs(base + _total(r) - r["prediction"]) < 1e-6 for r in shap_rows)


def test_treeshap_on_a_linear_model_is_an_error(run, models) -> None:
    run("load sklearn.`breast_cancer` as bc2;")
    with pytest.raises(AnalysisError, match="treeshap.*needs a tree model"):
        run(
            f'predict bc2 as LogisticRegression.`{models["bin"]}` where explain="3"'
            ' and explainMethod="treeshap" as p;'
        )


def test_unknown_explain_method_is_an_error(run, models) -> None:
    run("load sklearn.`breast_cancer` as bc3;")
    with pytest.raises(AnalysisError, match='unknown explainMethod "lime"'):
        run(
            f'predict bc3 as LogisticRegression.`{models["bin"]}` where explain="3"'
            ' and explainMethod="lime" as p;'
        )
