"""Registered model functions are checked when a select is analysed (issue 19 item 5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlsql.errors import AnalysisError
from mlsql.models.store import publish
from tests.models.helpers import train

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


@pytest.fixture(scope="module")
def flowers() -> pd.DataFrame:
    from sklearn.datasets import load_iris

    data = load_iris(as_frame=True)
    frame = data.frame.drop(columns="target")
    frame.columns = FEATURES
    frame["species"] = np.asarray(data.target_names)[data.target]
    frame.insert(0, "id", np.arange(len(frame)))
    return frame


@pytest.fixture(scope="module")
def model(flowers, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A RandomForest on the four measurements (trained without Spark, published)."""
    root = tmp_path_factory.mktemp("calls")
    params = {"labelCol": "species", "featureCols": ",".join(FEATURES), "numTrees": "10"}
    result, staging = train(root, "RandomForest", params, flowers)
    assert result.ok, result.error
    publish(root / "rf", staging, keep_version=False)
    return root / "rf"


@pytest.fixture
def registered(run, session, flowers, model):
    session.spark.createDataFrame(flowers).createOrReplaceTempView("flowers")
    run(f"register RandomForest.`{model}` as kind;")
    return run


def test_a_wrong_argument_count_names_the_expected_arguments(registered) -> None:
    with pytest.raises(AnalysisError) as info:
        registered("select id,\n  kind(sepal_length, petal_width) as k from flowers as out;")
    err = info.value
    assert "takes 4 argument(s)" in err.message and "called with 2" in err.message
    assert "kind(sepal_length double, sepal_width double" in (err.hint or "")
    assert err.line == 1 and "Traceback" not in str(err) and "java" not in str(err).lower()


def test_swapped_columns_are_refused(registered) -> None:
    with pytest.raises(AnalysisError) as info:
        registered(
            "select kind(sepal_width, sepal_length, petal_length, petal_width) as k"
            " from flowers as out;"
        )
    assert "training order" in info.value.message
    assert "kind(sepal_length, sepal_width, petal_length, petal_width)" in info.value.message


def test_a_type_that_does_not_fit_is_refused(registered) -> None:
    with pytest.raises(AnalysisError, match="argument 1 'species' is string"):
        registered("select kind(species, 1.0, 2.0, 3.0) as k from flowers as out;")
    # expressions and other column names bind by position as before
    rows = registered(
        "select kind(sepal_length + 0, sepal_width, petal_length, petal_width * 1) as k"
        " from flowers order by id as ok;"
    ).rows()
    assert len(rows) == 150


def test_star_and_struct_arguments_bind_by_name(registered, flowers) -> None:
    cols = ", ".join(FEATURES)
    rows = registered(
        f"""select id, kind({cols}) as positional, kind(*) as star,
               kind(struct(petal_width, petal_length, sepal_width, sepal_length)) as named,
               kind(f.*) as qualified
        from flowers f order by id as out;"""
    ).rows()
    assert all(r["positional"] == r["star"] == r["named"] == r["qualified"] for r in rows)
    assert sum(r["positional"] == s for r, s in zip(rows, flowers.species, strict=True)) > 140
    with pytest.raises(AnalysisError, match="lacks petal_width"):
        registered(
            "select kind(struct(sepal_length, sepal_width, petal_length)) from flowers as x;"
        )


def test_a_search_name_registers_what_it_trained(registered, model) -> None:
    registered(f"register Hyperband.`{model}` as searched;")
    shown = {r["name"]: r["model"] for r in registered("!show functions;").rows()}
    assert shown["searched"].startswith("RandomForest.`")
    with pytest.raises(AnalysisError, match="trained with RandomForest, not NaiveBayes"):
        registered(f"register NaiveBayes.`{model}` as wrong;")
