"""Every scikit-learn algorithm trained through ``train_group`` equals scikit-learn trained
directly on the same rows with the same seed: predictions, probabilities and metrics."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.calibration import CalibratedClassifierCV
from sklearn.cluster import KMeans
from sklearn.ensemble import (
    ExtraTreesClassifier,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import ElasticNet, LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.svm import SVC, LinearSVC

from tests.models.helpers import iris, toy, trained

SEED = 42


class Case:
    """One algorithm, its script parameters, its data, and the equivalent estimator."""

    def __init__(
        self,
        algorithm: str,
        params: dict[str, str],
        data: Callable[[], pd.DataFrame],
        label: str | None,
        estimator: Callable[[], Any],
    ) -> None:
        self.algorithm, self.params, self.data = algorithm, params, data
        self.label, self.estimator = label, estimator

    def __repr__(self) -> str:
        return f"{self.algorithm}{sorted(self.params)}"


def _iris() -> pd.DataFrame:
    return iris()


def _cancer() -> pd.DataFrame:
    return toy("breast_cancer")


def _wine() -> pd.DataFrame:
    return toy("wine")


def _diabetes() -> pd.DataFrame:
    return toy("diabetes")


def _svm(est: Any) -> Any:
    return CalibratedClassifierCV(est, ensemble=False, cv=3)


def _scaled(est: Any) -> Any:
    """Spark ML's `standardization` (default true for LogisticRegression, LinearRegression and
    the linear SVM) is scikit-learn's StandardScaler before the estimator."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), est)


CASES = [
    Case(
        "RandomForest",
        {"maxDepth": "3", "numTrees": "20"},
        _iris,
        "species",
        lambda: RandomForestClassifier(max_depth=3, n_estimators=20, random_state=SEED),
    ),
    Case(
        "RandomForest",
        {"maxDepth": "4", "numTrees": "10", "minInstancesPerNode": "2"},
        _diabetes,
        "target",
        lambda: RandomForestRegressor(
            max_depth=4, n_estimators=10, min_samples_leaf=2, random_state=SEED
        ),
    ),
    Case(
        "GBTClassifier",
        {"maxIter": "20", "maxDepth": "2", "stepSize": "0.2"},
        _cancer,
        "target",
        lambda: GradientBoostingClassifier(
            n_estimators=20, max_depth=2, learning_rate=0.2, random_state=SEED
        ),
    ),
    Case(
        "GBTRegressor",
        {"maxIter": "15", "subsamplingRate": "0.8"},
        _diabetes,
        "target",
        lambda: GradientBoostingRegressor(n_estimators=15, subsample=0.8, random_state=SEED),
    ),
    Case(
        "GBTs",
        {"maxIter": "10"},
        _wine,
        "target",
        lambda: GradientBoostingClassifier(n_estimators=10, random_state=SEED),
    ),
    Case(
        "LogisticRegression",
        {"maxIter": "1000", "regParam": "0.5"},
        _iris,
        "species",
        lambda: _scaled(LogisticRegression(max_iter=1000, C=2.0, random_state=SEED)),
    ),
    Case("LinearRegression", {}, _diabetes, "target", LinearRegression),
    Case(
        "LinearRegression",
        {"regParam": "0.1"},
        _diabetes,
        "target",
        lambda: _scaled(Ridge(alpha=0.1, random_state=SEED)),
    ),
    Case(
        "LinearRegression",
        {"regParam": "0.01", "elasticNetParam": "0.5"},
        _diabetes,
        "target",
        lambda: _scaled(ElasticNet(alpha=0.01, l1_ratio=0.5, random_state=SEED)),
    ),
    Case("NaiveBayes", {}, _wine, "target", GaussianNB),
    Case(
        "SVM",
        {"regParam": "0.1", "maxIter": "5000"},
        _iris,
        "species",
        lambda: _scaled(_svm(LinearSVC(C=10.0, max_iter=5000, random_state=SEED))),
    ),
    Case(
        "SVC",
        {"kernel": "rbf", "regParam": "0.5"},
        _iris,
        "species",
        lambda: _svm(SVC(kernel="rbf", C=2.0, random_state=SEED)),
    ),
    Case("KMeans", {"k": "3"}, _iris, None, lambda: KMeans(n_clusters=3, random_state=SEED)),
    Case(
        "SKLearn",
        {
            "moduleName": "sklearn.ensemble",
            "className": "ExtraTreesClassifier",
            "n_estimators": "10",
        },
        _wine,
        "target",
        lambda: ExtraTreesClassifier(n_estimators=10, random_state=SEED),
    ),
]


def _expected_classification(y: pd.Series, pred: np.ndarray, proba: np.ndarray) -> dict:
    classes = np.unique(np.concatenate([y.to_numpy(), pred]))
    expected = {
        "accuracy": skm.accuracy_score(y, pred),
        "f1": skm.f1_score(y, pred, average="weighted"),
        "f1_macro": skm.f1_score(y, pred, average="macro"),
    }
    if len(classes) == 2:
        expected["auc"] = skm.roc_auc_score(y, proba[:, 1])
    else:
        expected["auc"] = skm.roc_auc_score(y, proba, multi_class="ovr")
    return expected


def _expected_regression(y: pd.Series, pred: np.ndarray) -> dict:
    return {
        "rmse": math.sqrt(skm.mean_squared_error(y, pred)),
        "mae": skm.mean_absolute_error(y, pred),
        "r2": skm.r2_score(y, pred),
    }


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_equals_scikit_learn(tmp_path, case: Case) -> None:
    df = case.data()
    train_df, eval_df = train_test_split(df, test_size=0.3, random_state=0)
    params = dict(case.params)
    if case.label:
        params["labelCol"] = case.label
    else:
        params["excludeCols"] = "species"
    result, model = trained(tmp_path, case.algorithm, params, train_df, eval_df=eval_df)
    assert result.evaluated_on == "evaluation table"
    features = [c for c in df.columns if c not in (case.label, "species")]
    assert model.feature_columns == features
    estimator = case.estimator()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case.label:
            estimator.fit(train_df[features].to_numpy(), train_df[case.label].to_numpy())
        else:
            estimator.fit(train_df[features].to_numpy())
    x_eval = eval_df[features].to_numpy()
    out = model.predict(eval_df)
    assert list(out.index) == list(eval_df.index)
    expected_pred = estimator.predict(x_eval)
    if result.task != "regression":
        np.testing.assert_array_equal(out["prediction"].to_numpy(), expected_pred)
    if result.task == "classification":
        proba = estimator.predict_proba(x_eval)
        assert model.metadata.classes == list(estimator.classes_)
        np.testing.assert_allclose(np.vstack(out["probabilities"]), proba, rtol=1e-12, atol=1e-12)
        chosen = proba[np.arange(len(proba)), np.searchsorted(estimator.classes_, expected_pred)]
        np.testing.assert_allclose(out["confidence"], chosen, rtol=1e-12, atol=1e-12)
        if len(proba[0]) == 2:  # binary: P(second sorted class), scikit-learn's predict_proba[:, 1]
            np.testing.assert_allclose(out["probability"], proba[:, 1], rtol=1e-12, atol=1e-12)
        expected = _expected_classification(eval_df[case.label], expected_pred, proba)
    elif result.task == "regression":
        np.testing.assert_allclose(out["prediction"], expected_pred, rtol=1e-12)
        expected = _expected_regression(eval_df[case.label], expected_pred)
    else:
        distance = estimator.transform(x_eval)[np.arange(len(x_eval)), expected_pred]
        np.testing.assert_allclose(out["distance"], distance, rtol=1e-9)
        expected = {
            "silhouette": skm.silhouette_score(x_eval, expected_pred, random_state=SEED),
            "inertia": float(np.sum(distance**2)),
        }
    assert result.metrics == pytest.approx(expected, rel=1e-9)
    assert model.metadata.metrics == result.metrics


def test_string_labels_come_back_as_strings(tmp_path) -> None:
    _, model = trained(tmp_path, "NaiveBayes", {"labelCol": "species"}, iris())
    out = model.predict(iris().head(5))
    assert model.metadata.classes == ["setosa", "versicolor", "virginica"]
    assert all(isinstance(v, str) for v in out["prediction"])
