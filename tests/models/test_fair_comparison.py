"""Fair comparisons by default (issue 19 item 7): Spark ML's `standardization`, and a held-out
split that depends on the rows and the seed only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mlsql.models.dataset import read_frame, split_frame, validation_mask
from tests.models.helpers import toy, trained


def _batches(df: pd.DataFrame, chunk: int) -> list[pd.DataFrame]:
    # Without pandas metadata, as Spark sends them: an int batch with a null becomes float64.
    table = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)
    return [b.to_pandas() for b in table.to_batches(max_chunksize=chunk)]


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    count = pd.array(rng.integers(0, 50, n), dtype="Int64")
    count[::97] = pd.NA  # only some batches hold a null: their ints arrive as floats
    flag = pd.array(rng.integers(0, 2, n).astype(bool), dtype="boolean")
    flag[5::131] = pd.NA  # ... and their booleans as objects
    return pd.DataFrame(
        {
            "count": count,
            "flag": flag,
            "x": rng.normal(size=n),
            "when": pd.date_range("2024-01-01", periods=n, freq="h"),
            "city": rng.choice(["Oslo", "Lima", None], n),
        }
    )


@pytest.mark.parametrize("chunk", [7, 50, 1000])
def test_the_held_out_rows_do_not_depend_on_batching_or_dtypes(mixed, chunk: int) -> None:
    whole = validation_mask(mixed, 0.25, seed=11)
    parts = _batches(mixed, chunk)
    if chunk < len(mixed):
        assert {str(p["count"].dtype) for p in parts} == {"float64", "int64"}
        assert {str(p["flag"].dtype) for p in parts} == {"object", "bool"}
    per_batch = np.concatenate([validation_mask(p, 0.25, 11) for p in parts])
    np.testing.assert_array_equal(per_batch, whole)
    shuffled = mixed.sample(frac=1.0, random_state=3)
    np.testing.assert_array_equal(validation_mask(shuffled, 0.25, 11), whole[shuffled.index])
    reordered = mixed[list(reversed(mixed.columns))]
    np.testing.assert_array_equal(validation_mask(reordered, 0.25, 11), whole)
    assert 0.15 < whole.mean() < 0.35


def test_in_memory_and_streamed_trainers_hold_out_the_same_rows(mixed) -> None:
    parts = _batches(mixed, 13)
    in_memory = validation_mask(read_frame(lambda: iter(parts)), 0.2, 5)  # one concatenated frame
    streamed = np.concatenate([validation_mask(p, 0.2, 5) for p in parts])  # batch by batch
    np.testing.assert_array_equal(in_memory, streamed)


@pytest.fixture(scope="module")
def wine() -> pd.DataFrame:
    return toy("wine")


def test_logistic_regression_standardizes_by_default_as_spark_ml(tmp_path, wine) -> None:
    params = {"labelCol": "target", "maxIter": "2000", "regParam": "0.5", "seed": "4"}
    result, model = trained(tmp_path, "LogisticRegression", params, wine, name="default")
    assert "standardization" not in result.ignored_params
    train_df, valid_df = split_frame(wine, 0.2, 4)
    features = [c for c in wine.columns if c != "target"]
    scaled = make_pipeline(StandardScaler(), LogisticRegression(C=2.0, max_iter=2000))
    scaled.fit(train_df[features].to_numpy(), train_df["target"].to_numpy())
    out = model.predict(valid_df)
    expected = scaled.predict_proba(valid_df[features].to_numpy())
    np.testing.assert_allclose(np.vstack(out["probabilities"]), expected, atol=1e-4)

    off = {**params, "standardization": "false"}
    _, raw_model = trained(tmp_path, "LogisticRegression", off, wine, name="raw")
    raw = LogisticRegression(C=2.0, max_iter=2000, random_state=4)
    raw.fit(train_df[features].to_numpy(), train_df["target"].to_numpy())
    raw_out = raw_model.predict(valid_df)
    raw_expected = raw.predict_proba(valid_df[features].to_numpy())
    np.testing.assert_allclose(np.vstack(raw_out["probabilities"]), raw_expected, atol=1e-4)
    assert not np.allclose(expected, raw_expected, atol=1e-3)  # the option matters here


def test_two_algorithms_on_one_table_are_evaluated_on_the_same_rows(tmp_path, mixed) -> None:
    df = mixed.assign(label=(mixed["x"] > 0).astype(int))
    params = {"labelCol": "label", "seed": "9", "excludeCols": "when"}
    rf, _ = trained(tmp_path, "RandomForest", {**params, "numTrees": "5"}, df, name="rf")
    nb, _ = trained(tmp_path, "NaiveBayes", params, df, name="nb")
    expected = int(validation_mask(df, 0.2, 9).sum())
    assert rf.rows == nb.rows == len(df) - expected
