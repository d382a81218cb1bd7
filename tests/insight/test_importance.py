"""Permutation importance through `evaluate … where importance="true"`."""

from __future__ import annotations

import pytest

from mlsql.errors import AnalysisError
from tests.insight.conftest import signal_frame


def test_the_two_signal_columns_rank_first(run, session, models) -> None:
    frame = signal_frame(n=400, seed=9)  # fresh rows from the same process
    session.spark.createDataFrame(frame).repartition(3).createOrReplaceTempView("fresh")
    rows = run(
        f'evaluate fresh as RandomForest.`{models["signal"]}` where importance="true" as m;'
    ).rows()
    ranked = [r["class"] for r in rows if r["metric"] == "importance"]
    assert sorted(ranked) == ["a", "b", "c", "d", "e", "kind"]  # original columns, not one-hot
    assert set(ranked[:2]) == {"a", "b"}
    values = {r["class"]: r["value"] for r in rows if r["metric"] == "importance"}
    assert min(values["a"], values["b"]) > 5 * max(abs(values[c]) for c in ("c", "d", "e", "kind"))


def test_clustering_has_no_importance_method(run, models) -> None:
    run("load sklearn.`iris` as iris;")
    with pytest.raises(AnalysisError, match="no importance method for a clustering model"):
        run(f'evaluate iris as KMeans.`{models["km"]}` where importance="true" as m;')


def test_per_prediction_contributions_pick_the_signal_columns(run, session, models) -> None:
    frame = signal_frame(n=200, seed=11)
    session.spark.createDataFrame(frame).repartition(2).createOrReplaceTempView("fresh2")
    rows = run(
        f'predict fresh2 as RandomForest.`{models["signal"]}` where explain="2" as p;'
    ).rows()
    assert len(rows) == 200 and all(len(r["explanation"]) == 2 for r in rows)
    top_two = [{e["column"] for e in r["explanation"]} for r in rows]
    assert sum(t == {"a", "b"} for t in top_two) >= 0.8 * len(rows)
    # signed: a large positive `a` pushes y = 3a - 2b up
    signs = [
        next(e["contribution"] for e in r["explanation"] if e["column"] == "a") > 0
        for r in rows
        if r["a"] > 1 and "a" in {e["column"] for e in r["explanation"]}
    ]
    assert signs and sum(signs) >= 0.9 * len(signs)
    first = [r["explanation"][0]["contribution"] for r in rows]
    second = [r["explanation"][1]["contribution"] for r in rows]
    assert all(abs(x) >= abs(y) for x, y in zip(first, second, strict=True))


def test_explaining_a_clustering_model_is_an_error(run, models) -> None:
    run("load sklearn.`iris` as iris;")
    with pytest.raises(AnalysisError, match="no explanation method for a clustering model"):
        run(f'predict iris as KMeans.`{models["km"]}` where explain="3" as p;')
