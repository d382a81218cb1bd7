"""Searches end to end: Spark writes the table to Kafka once, trials run as Spark tasks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlsql.errors import AnalysisError
from mlsql.models.loader import load_model
from mlsql.models.store import ModelStore

SPLIT = """load sklearn.`{data}` as all_rows;
select * from all_rows where hash(*) % 4 != 0 as train_rows;
select * from all_rows where hash(*) % 4 = 0 as val;
"""


def test_hyperband_publishes_every_trial_and_marks_the_best(run, tmp_path: Path) -> None:
    model = tmp_path / "hb"
    run(
        SPLIT.format(data="wine")
        + f"""train train_rows as Hyperband.`{model}` where algorithm="RandomForest" and R="3"
          and eta="3" and `space.maxDepth`="[2, 16, 'linear']"
          and `space.max_features`="['sqrt', 'log2']" and labelCol="label"
          and evaluateTable="val" as trials;
        register Hyperband.`{model}` as best_fn options version="best";
        select label, best_fn(*) as p from val as scored;
        predict val as Hyperband.`{model}` as predicted;"""
    )
    rows = run("select * from trials as t;").rows()
    # R=3, eta=3: bracket 1 samples 3 configurations (1 tree), bracket 0 samples 2 (3 trees)
    assert sorted((r["mst_key"], r["s"]) for r in rows) == [(1, 1), (2, 1), (3, 1), (4, 0), (5, 0)]
    survivor = [r for r in rows if r["s"] == 1 and r["i"] == 1]
    assert len(survivor) == 1 and survivor[0]["metrics_iters"] == [1, 3]
    assert len(survivor[0]["validation_loss"]) == 2
    assert survivor[0]["validation_loss"][1] == survivor[0]["validation_loss_final"]
    losers = [r for r in rows if r["s"] == 1 and r["i"] == 0]
    assert all(r["metrics_iters"] == [1] for r in losers)
    assert min(r["validation_loss_final"] for r in losers) >= min(
        r["validation_loss"][0] for r in survivor
    )  # the bracket kept its lowest-loss configuration
    assert all(r["status"] == "success" and r["loss_type"] for r in rows)
    store = ModelStore(model)
    assert len(store.versions()) == 5
    assert all(load_model(model, v) is not None for v in store.versions())  # every trial loads
    best = [r for r in rows if r["best"]]
    assert len(best) == 1 and best[0]["f1"] == max(r["f1"] for r in rows)
    assert best[0]["version"] == store.resolve("best")
    assert best[0]["modelPath"].endswith(f"_model_{best[0]['version']}")
    meta = store.metadata(survivor[0]["version"])
    assert meta.params["n_estimators"] == 3 and meta.extra["warm_started"] is True
    assert '"n_estimators": 3' in survivor[0]["params"]
    # the registered best version predicts what that version's model predicts
    val = run("select * from val as v2;").df.toPandas()
    expected = load_model(model, best[0]["version"]).predict(val)["prediction"].to_numpy()
    scored = run("select * from scored as s2;").df.toPandas()
    np.testing.assert_array_equal(scored["p"].to_numpy(), expected)
    predicted = run("select * from predicted as p2;").df.toPandas()
    assert len(predicted) == len(val)


def test_hyperopt_and_automl_sweep(run, tmp_path: Path) -> None:
    opt, sweep = tmp_path / "opt", tmp_path / "sweep"
    run(
        SPLIT.format(data="breast_cancer")
        + f"""train train_rows as Hyperopt.`{opt}` where algorithm="RandomForest"
          and num_configs="3" and num_iterations="4" and `space.maxDepth`="[2, 8, 'linear']"
          and labelCol="label" and evaluateTable="val" as opt_trials;
        train train_rows as AutoML.`{sweep}` where
          algos="GBTs,LogisticRegression,NaiveBayes,RandomForest" and sortedBy="f1"
          and labelCol="label" and evaluateTable="val" as sweep_rows;"""
    )
    trials = run("select * from opt_trials as t;").rows()
    assert [r["mst_key"] for r in trials] == [1, 2, 3]
    assert all(r["metrics_iters"] == [4] and r["s"] is None for r in trials)
    assert all(ModelStore(opt).metadata(r["version"]).params["n_estimators"] == 4 for r in trials)
    rows = run("select * from sweep_rows as s;").rows()
    assert [r["alg"] for r in rows] != [] and len(rows) == 4
    f1 = [dict((m["name"], m["value"]) for m in r["metrics"])["f1"] for r in rows]
    assert f1 == sorted(f1, reverse=True)  # Byzer: sorted by the metric, best first
    assert {r["alg"] for r in rows} == {"GBTs", "LogisticRegression", "NaiveBayes", "RandomForest"}
    assert rows[0]["best"] is True and rows[0]["version"] == ModelStore(sweep).resolve("best")
    assert all(r["modelPath"].startswith(str(sweep)) for r in rows)


def test_grid_rows_carry_byzer_columns_and_a_failing_group(run, tmp_path: Path) -> None:
    model = tmp_path / "grid"
    result = run(
        f"""load sklearn.`iris` as iris;
        train iris as RandomForest.`{model}` where labelCol="label" and numTrees="5"
          and fitParam.0.maxDepth="3" and fitParam.1.maxDepth="-3" as groups;"""
    )
    rows = sorted(result.rows(), key=lambda r: r["algIndex"])
    assert [r["status"] for r in rows] == ["success", "fail"]
    assert "max_depth" in rows[1]["message"] and rows[1]["modelPath"] == ""
    assert rows[0]["modelPath"] == f"{model}/_model_{rows[0]['version']}"
    assert rows[0]["alg"] == "RandomForest" and rows[0]["trainParams"]["maxDepth"] == "3"
    assert 0 < rows[0]["startTime"] <= rows[0]["endTime"]
    assert {m["name"] for m in rows[0]["metrics"]} >= {"accuracy", "f1"}
    assert rows[0]["group"] == 0 and rows[0]["best"] is True and rows[0]["accuracy"] > 0.8
    assert "mst_key" not in rows[0]  # MADlib's columns belong to searches
    assert ModelStore(model).versions() == [rows[0]["version"]]


def test_hyperband_schedule_command(run) -> None:
    rows = run("!hyperband_schedule 81 3 0;").rows()
    assert len(rows) == 15
    assert [(r["s"], r["i"], r["n_i"], r["r_i"]) for r in rows][-3:] == [
        (1, 0, 6, 27),
        (1, 1, 2, 81),
        (0, 0, 5, 81),
    ]
    with pytest.raises(AnalysisError, match="skip_last"):
        run("!hyperband_schedule 81 3 5;")


BAD = [
    ('R="2" and eta="3"', 'R="2"', "must not be less than eta"),
    ('R="9" and eta="1"', 'eta="1"', "greater than 1"),
    ('R="9" and skip_last="7"', 'skip_last="7"', "skip_last"),
    ('R="9" and `space.maxDepth`="[]"', "`space.maxDepth`", "non-empty list"),
    ('R="9" and `space.maxDepth`="[2, 16, \'cubic\']"', "`space.maxDepth`", "scale"),
    ('R="9" and `space.maxDpeth`="[2, 16, \'linear\']"', "`space.maxDpeth`", "maxDpeth"),
    ('R="9" and numTrees="10"', 'numTrees="10"', "budget"),
]


@pytest.mark.parametrize(("where", "at", "message"), BAD)
def test_bad_search_options_point_at_the_option(run, tmp_path: Path, where, at, message) -> None:
    model = tmp_path / "bad"
    space = "" if "space." in where else " and `space.maxDepth`=\"[2, 4, 'linear']\""
    line = (
        f'train iris as Hyperband.`{model}` where algorithm="RandomForest" and labelCol="label"'
        f" and {where}{space};"
    )
    with pytest.raises(AnalysisError, match=message) as info:
        run(f"load sklearn.`iris` as iris;\n{line}")
    assert info.value.line == 2
    assert info.value.column == line.index(at)  # 0-based, as MLSQLError.column is
    assert not model.exists() or not ModelStore(model).versions()
