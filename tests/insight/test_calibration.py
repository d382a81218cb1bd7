"""`calibration="isotonic|sigmoid"`: calibrated probabilities of scikit-learn classifiers.

Gaussian naive Bayes on correlated features is badly over-confident. Calibrated on out-of-fold
predictions of the training rows, its probabilities on fresh rows must have a lower Brier
score and a lower expected calibration error, and match scikit-learn's
``CalibratedClassifierCV`` fitted on the same rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlsql.errors import AnalysisError


def _frames(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training and fresh rows (`n` each) of one problem."""
    from sklearn.datasets import make_classification

    x, y = make_classification(
        n_samples=2 * n, n_features=8, n_informative=3, n_redundant=5, random_state=1
    )
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(8)])
    frame["y"] = y
    return frame.iloc[:n].reset_index(drop=True), frame.iloc[n:].reset_index(drop=True)


def _ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    edges = np.minimum((p * bins).astype(int), bins - 1)
    return sum(
        abs(p[edges == b].mean() - y[edges == b].mean()) * (edges == b).mean()
        for b in range(bins)
        if (edges == b).any()
    )


@pytest.fixture(scope="module")
def calibration_runs(engine, tmp_path_factory):
    session = engine.session("calibration", fresh=True)

    def run(text: str):
        return engine.run(text, session=session)

    train, test = _frames(3000)
    session.spark.createDataFrame(train).coalesce(1).createOrReplaceTempView("cal_train")
    session.spark.createDataFrame(test).createOrReplaceTempView("cal_test")
    root = tmp_path_factory.mktemp("calibration")
    probs = {}
    for name, option in (("raw", ""), ("iso", "isotonic"), ("sig", "sigmoid")):
        extra = f' and calibration="{option}"' if option else ""
        run(
            f'train cal_train as NaiveBayes.`{root / name}` where labelCol="y"'
            f' and validationFraction="0"{extra};'
            f" predict cal_test as NaiveBayes.`{root / name}` as out_{name};"
        )
        rows = run(f"select f0, y, probability from out_{name} as t;").rows()
        probs[name] = pd.DataFrame(rows).sort_values("f0")
    return train, test, probs


def test_calibration_lowers_brier_score_and_calibration_error(calibration_runs) -> None:
    _, _, probs = calibration_runs
    y = probs["raw"]["y"].to_numpy()
    brier = {k: float(np.mean((v["probability"].to_numpy() - y) ** 2)) for k, v in probs.items()}
    ece = {k: _ece(v["probability"].to_numpy(), y) for k, v in probs.items()}
    # scikit-learn on these rows: Brier 0.096 → 0.090 (isotonic), 0.093 (sigmoid);
    # ECE 0.067 → 0.022, 0.031
    assert brier["iso"] < brier["raw"] and brier["sig"] < brier["raw"]
    assert ece["iso"] < ece["raw"] / 2 and ece["sig"] < ece["raw"] / 2


@pytest.mark.parametrize(("name", "method"), [("iso", "isotonic"), ("sig", "sigmoid")])
def test_calibrated_probabilities_match_scikit_learn(calibration_runs, name, method) -> None:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.naive_bayes import GaussianNB

    train, test, probs = calibration_runs
    features = [f"f{i}" for i in range(8)]
    reference = CalibratedClassifierCV(GaussianNB(), method=method, cv=3, ensemble=False)
    reference.fit(train[features].to_numpy(), train["y"].to_numpy())
    expected = reference.predict_proba(test.sort_values("f0")[features].to_numpy())[:, 1]
    ours = probs[name]["probability"].to_numpy()
    # the folds see the rows in the order Kafka delivers them; the fitted curves agree closely
    assert np.mean(np.abs(ours - expected)) < 0.02


def test_unknown_calibration_is_an_error_at_the_option(run, tmp_path) -> None:
    with pytest.raises(AnalysisError, match='calibration must be "isotonic" or "sigmoid"') as err:
        run(
            "load sklearn.`iris` as cal_iris;\n"
            f'train cal_iris as NaiveBayes.`{tmp_path / "m"}` where labelCol="label"'
            ' and calibration="platt";'
        )
    assert err.value.span is not None and err.value.span.line == 2
    assert not (tmp_path / "m").exists()


def test_calibrating_a_regression_is_an_error(run, tmp_path) -> None:
    with pytest.raises(AnalysisError, match="calibration applies to classifiers"):
        run(
            "load sklearn.`diabetes` as cal_db;"
            f' train cal_db as LinearRegression.`{tmp_path / "r"}` where labelCol="label"'
            ' and calibration="sigmoid";'
        )
    assert not list((tmp_path).glob("r/_model_*"))


def test_calibrating_a_keras_model_is_an_error(run, tmp_path) -> None:
    with pytest.raises(AnalysisError, match="calibration applies to scikit-learn classifiers"):
        run(
            "load sklearn.`iris` as cal_iris2;"
            f' train cal_iris2 as DNNClassifier.`{tmp_path / "k"}` where labelCol="label"'
            ' and calibration="sigmoid";'
        )
