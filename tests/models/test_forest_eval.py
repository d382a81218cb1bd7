"""The fused tree-ensemble evaluator against scikit-learn itself, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from mlsql.models.backends import SklearnBackend
from mlsql.models.forest_eval import TreeEnsembleBackend, compile_ensemble, sklearn_backend


def _data(rows: int = 600, features: int = 6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, features))
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype(int) + (x[:, 3] > 1).astype(int)
    return x, y


def _probe(estimator, x: np.ndarray, seed: int = 1) -> np.ndarray:
    """Fresh rows, plus rows sitting on, just above and just below the trees' thresholds in
    float64 (they round to float32 either way: the cast must be the trees' own)."""
    rng = np.random.default_rng(seed)
    fresh = rng.normal(size=(500, x.shape[1]))
    tree = (estimator.estimators_[0] if hasattr(estimator, "estimators_") else estimator).tree_
    split = (tree.feature >= 0) & np.isfinite(tree.threshold)
    edges = np.repeat(x[:1], int(split.sum()) * 3, axis=0)
    for k, (f, t) in enumerate(zip(tree.feature[split], tree.threshold[split], strict=True)):
        edges[3 * k : 3 * k + 3, f] = [t, np.nextafter(t, np.inf), np.nextafter(t, -np.inf)]
    return np.vstack([fresh, edges, x[:200]])


def _same(a: np.ndarray, b: np.ndarray) -> None:
    assert a.shape == b.shape
    assert np.array_equal(a, b), float(np.abs(a - b).max())


@pytest.mark.parametrize(
    "estimator",
    [
        RandomForestClassifier(n_estimators=25, max_depth=8, random_state=0),
        RandomForestClassifier(n_estimators=7, random_state=3),  # unbounded depth
        ExtraTreesClassifier(n_estimators=20, max_depth=6, random_state=0),
        DecisionTreeClassifier(max_depth=5, random_state=0),
    ],
    ids=["rf", "rf-deep", "extra", "tree"],
)
def test_classifier_probabilities_are_bit_identical(estimator) -> None:
    x, y = _data()
    estimator.fit(x, y)
    probe = _probe(estimator, x)
    ours = compile_ensemble(estimator)
    assert ours is not None
    _same(ours.evaluate(probe), estimator.predict_proba(probe))


def test_binary_forest_labels_match() -> None:
    x, y = _data()
    forest = RandomForestClassifier(n_estimators=30, max_depth=10, random_state=2).fit(x, y > 0)
    probe = _probe(forest, x)
    scores = sklearn_backend(forest, "classification", 2).scores(probe)
    assert np.array_equal(scores.codes, forest.predict(probe).astype(np.int64))
    _same(scores.proba, forest.predict_proba(probe))


@pytest.mark.parametrize(
    "estimator",
    [
        RandomForestRegressor(n_estimators=20, max_depth=9, random_state=0),
        ExtraTreesRegressor(n_estimators=15, random_state=0),
        DecisionTreeRegressor(max_depth=7, random_state=0),
    ],
    ids=["rf", "extra", "tree"],
)
def test_regressor_predictions_are_bit_identical(estimator) -> None:
    x, _ = _data()
    target = x[:, 0] * 3 - x[:, 1] ** 2
    estimator.fit(x, target)
    probe = _probe(estimator, x)
    _same(compile_ensemble(estimator).evaluate(probe), estimator.predict(probe))
    backend = sklearn_backend(estimator, "regression", 0)
    assert isinstance(backend, TreeEnsembleBackend)
    _same(backend.scores(probe).values, estimator.predict(probe))


@pytest.mark.parametrize("trained_with_nan", [True, False])
def test_missing_values_follow_the_nodes(trained_with_nan: bool) -> None:
    x, y = _data(seed=4)
    rng = np.random.default_rng(5)
    if trained_with_nan:
        x = np.where(rng.random(x.shape) < 0.15, np.nan, x)
    forest = RandomForestClassifier(n_estimators=20, max_depth=8, random_state=0).fit(x, y)
    probe = _probe(forest, np.nan_to_num(x))
    probe = np.where(rng.random(probe.shape) < 0.2, np.nan, probe)
    _same(compile_ensemble(forest).evaluate(probe), forest.predict_proba(probe))


def test_one_class_forest_and_single_leaf_trees() -> None:
    x, _ = _data()
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(x, np.zeros(len(x)))
    ours = compile_ensemble(forest)
    _same(ours.evaluate(x), forest.predict_proba(x))
    constant = RandomForestRegressor(n_estimators=4, random_state=0).fit(x, np.full(len(x), 2.5))
    _same(compile_ensemble(constant).evaluate(x), constant.predict(x))


def test_what_it_does_not_cover_goes_to_scikit_learn() -> None:
    x, y = _data()
    boosted = GradientBoostingClassifier(n_estimators=5).fit(x, y)
    assert compile_ensemble(boosted) is None
    assert type(sklearn_backend(boosted, "classification", 3)) is SklearnBackend
    two_outputs = RandomForestRegressor(n_estimators=3).fit(x, np.column_stack([y, y]))
    assert compile_ensemble(two_outputs) is None
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(x, y)
    ours = compile_ensemble(forest)
    assert ours.evaluate(np.full((2, x.shape[1]), np.inf)) is None  # scikit-learn raises
    assert ours.evaluate(x[:, :3]) is None  # wrong width: scikit-learn's error
    backend = sklearn_backend(forest, "classification", 3)
    with pytest.raises(ValueError):
        backend.scores(np.full((2, x.shape[1]), np.inf))


def test_empty_input() -> None:
    x, y = _data()
    forest = RandomForestClassifier(n_estimators=3, random_state=0).fit(x, y)
    assert compile_ensemble(forest).evaluate(np.empty((0, x.shape[1]))).shape == (0, 3)
