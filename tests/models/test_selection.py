"""One definition of "best" (issue 19 item 2), algIndex and autoSelectByMetric (issue 11 item 4)."""

from __future__ import annotations

import pytest

from mlsql.errors import AnalysisError
from mlsql.models.families import check_family, family_of
from mlsql.models.metrics import best_index
from mlsql.models.selection import choose_version
from mlsql.models.store import ModelStore, publish
from tests.models.helpers import iris, train

STRONG = {"labelCol": "species", "numTrees": "30", "seed": "1"}
WEAK = {"labelCol": "species", "numTrees": "1", "maxDepth": "1", "seed": "1"}


def test_ties_go_to_the_lowest_group_and_missing_values_never_win() -> None:
    assert best_index([("classification", {"f1": 0.9}), ("classification", {"f1": 0.9})]) == 0
    assert best_index([("regression", {"rmse": 2.0}), ("regression", {"rmse": 1.0})]) == 1
    nan = float("nan")
    assert best_index([("classification", {"f1": nan}), ("classification", {"f1": 0.1})]) == 1
    assert best_index([("custom", {}), ("custom", {})]) == 0
    assert best_index([("classification", {"f1": 0.5})], metric="rmse") is None


@pytest.fixture
def two_runs(tmp_path):
    """Run r1 (one strong group), then run r2 (two weak groups), all versions kept."""
    path = tmp_path / "model"
    df = iris()
    for run_id, group, params in (
        ("r1", 0, STRONG),
        ("r2", 0, WEAK),
        ("r2", 1, {**WEAK, "numTrees": "2"}),
    ):
        result, staging = train(
            tmp_path,
            "RandomForest",
            params,
            df,
            name=f"{run_id}-{group}",
            run_id=run_id,
            group=group,
        )
        assert result.ok, result.error
        publish(path, staging, keep_version=True)
    return ModelStore(path)


def test_best_is_the_best_of_the_last_train_run(two_runs: ModelStore) -> None:
    metas = {n: two_runs.metadata(n) for n in two_runs.versions()}
    assert metas[0].metrics["f1"] > max(metas[1].metrics["f1"], metas[2].metrics["f1"])
    marked = 1 + best_index([(metas[n].task, metas[n].metrics) for n in (1, 2)])  # the table's
    assert two_runs.resolve("best") == marked  # not version 0 of the older run
    assert choose_version(two_runs, "latest", alg_index="0") == 1
    assert choose_version(two_runs, "latest", alg_index="1") == 2
    assert choose_version(two_runs, "0", metric="f1") == 0  # the run of version 0
    by_accuracy = max((1, 2), key=lambda n: (metas[n].metrics["accuracy"], -n))
    assert choose_version(two_runs, metric="accuracy") == by_accuracy
    with pytest.raises(AnalysisError, match="algIndex 5"):
        choose_version(two_runs, alg_index="5")
    with pytest.raises(AnalysisError, match="unknown metric 'f2'"):
        choose_version(two_runs, metric="f2")


def test_register_names_must_be_the_models_family() -> None:
    assert family_of("RandomForestClassifier") == family_of("rf") == "RandomForest"
    assert family_of("GBTClassifier") == family_of("GBTs") == family_of("GBTRegressor")
    check_family("LR", "LogisticRegression", "/m")
    with pytest.raises(AnalysisError, match="trained with RandomForest, not NaiveBayes"):
        check_family("NaiveBayes", "RandomForest", "/m")
