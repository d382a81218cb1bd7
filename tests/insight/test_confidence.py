"""Split-conformal intervals: empirical coverage on fresh rows is within 3 points of nominal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlsql.errors import AnalysisError


def linear_gaussian(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    y = x @ np.array([2.0, -1.0, 0.5]) + rng.normal(scale=1.0, size=n)
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "x3": x[:, 2], "y": y})


def nonlinear_heavy_tailed(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    u = rng.uniform(-3, 3, size=(n, 2))
    y = np.sin(u[:, 0]) * 3 + u[:, 1] ** 2 + rng.laplace(scale=0.7, size=n)
    return pd.DataFrame({"u1": u[:, 0], "u2": u[:, 1], "y": y})


CASES = {
    "lin": ("LinearRegression", linear_gaussian, ""),
    "rf": ("RandomForest", nonlinear_heavy_tailed, ' and numTrees="30" and maxDepth="8"'),
}


@pytest.fixture(scope="module")
def calibrated(engine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("conformal")
    session = engine.session("insight-conformal", fresh=True)
    paths = {}
    for name, (alg, make, extra) in CASES.items():
        session.spark.createDataFrame(make(4000, 1)).createOrReplaceTempView(f"train_{name}")
        paths[name] = root / name
        engine.run(
            f'train train_{name} as {alg}.`{paths[name]}` where labelCol="y" and seed="4"'
            f' and validationFraction="0.3"{extra};',
            session=session,
        )
    return paths


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("level", [0.8, 0.9])
def test_coverage_is_within_3_points(run, session, calibrated, name: str, level: float) -> None:
    alg, make, _ = CASES[name]
    session.spark.createDataFrame(make(3000, 99)).createOrReplaceTempView("fresh")
    rows = run(
        f'predict fresh as {alg}.`{calibrated[name]}` where confidence="{level}" as p;'
    ).rows()
    y = np.array([r["y"] for r in rows])
    lower = np.array([r["lower"] for r in rows])
    upper = np.array([r["upper"] for r in rows])
    assert np.all(lower <= upper)
    coverage = float(np.mean((lower <= y) & (y <= upper)))
    print(f"{name} level={level} coverage={coverage:.4f}")
    assert abs(coverage - level) <= 0.03


def test_registered_function_returns_the_same_interval(run, session, calibrated) -> None:
    session.spark.createDataFrame(linear_gaussian(50, 7)).createOrReplaceTempView("few")
    path = calibrated["lin"]
    run(f'register LinearRegression.`{path}` as band options confidence="0.9";')
    got = run("select band(x1, x2, x3) as b, y from few as out;").rows()
    want = run(f'predict few as LinearRegression.`{path}` where confidence="0.9" as p;').rows()
    for g, w in zip(got, want, strict=True):
        assert g["b"]["lower"] == pytest.approx(w["lower"])
        assert g["b"]["upper"] == pytest.approx(w["upper"])


def test_confidence_needs_a_calibrated_regression(run, models) -> None:
    run("load sklearn.`diabetes` as db; load sklearn.`iris` as iris;")
    with pytest.raises(AnalysisError, match="no conformal calibration"):
        run(f'predict db as LinearRegression.`{models["lin"]}` where confidence="0.9" as p;')
    with pytest.raises(AnalysisError, match="confidence intervals are for regression models"):
        run(f'predict iris as KMeans.`{models["km"]}` where confidence="0.9" as p;')
