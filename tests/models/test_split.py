"""The seeded validation split: by row content, so every pass holds out the same rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.ensemble import RandomForestClassifier

from mlsql.models.dataset import split_frame, validation_mask
from tests.models.helpers import arrow_source, iris, toy, trained


def test_the_split_ignores_row_order_and_batching() -> None:
    df = toy("wine")
    mask = validation_mask(df, 0.25, seed=3)
    shuffled = df.sample(frac=1.0, random_state=0)
    np.testing.assert_array_equal(validation_mask(shuffled, 0.25, seed=3), mask[shuffled.index])
    per_batch = np.concatenate(
        [validation_mask(b.to_pandas(), 0.25, 3) for b in arrow_source(df, chunk=17)()]
    )
    np.testing.assert_array_equal(per_batch, mask)
    assert 0.15 < mask.mean() < 0.35


def test_the_split_depends_on_the_seed_and_fraction() -> None:
    df = toy("wine")
    assert (validation_mask(df, 0.3, 1) != validation_mask(df, 0.3, 2)).any()
    assert not validation_mask(df, 0.0, 1).any()


@pytest.mark.parametrize("seed", [1, 42])
def test_held_out_training_equals_scikit_learn_on_the_same_rows(tmp_path, seed: int) -> None:
    df = iris()
    params = {"labelCol": "species", "numTrees": "8", "seed": str(seed)}
    result, model = trained(tmp_path, "RandomForest", params, df)
    assert result.evaluated_on == "validation"
    train_df, valid_df = split_frame(df, 0.2, seed)
    assert result.rows == len(train_df)
    features = list(df.columns[:4])
    direct = RandomForestClassifier(n_estimators=8, random_state=seed)
    direct.fit(train_df[features].to_numpy(), train_df["species"].to_numpy())
    expected = direct.predict(valid_df[features].to_numpy())
    np.testing.assert_array_equal(model.predict(valid_df)["prediction"], expected)
    assert result.metrics["accuracy"] == pytest.approx(
        float(np.mean(expected == valid_df["species"]))
    )


def test_read_frame_of_arrow_batches_is_the_concatenation_of_their_frames() -> None:
    """One Arrow table converted once gives the frame that per-batch frames concatenated give:
    a null in one batch widens the int column for all rows in both ways."""
    from mlsql.models.dataset import frame_source, read_frame

    batches = [
        pa.record_batch({"a": pa.array([1, 2], pa.int64()), "s": ["x", "y"]}),
        pa.record_batch({"a": pa.array([], pa.int64()), "s": pa.array([], pa.string())}),
        pa.record_batch({"a": pa.array([None, 4], pa.int64()), "s": [None, "z"]}),
    ]
    got = read_frame(frame_source(lambda: iter(batches)))
    by_frames = pd.concat([b.to_pandas() for b in batches if b.num_rows], ignore_index=True)
    pd.testing.assert_frame_equal(got, by_frames)
    assert got["a"].dtype == np.float64 and len(got) == 4
    # batches of different schemas: pandas reconciles them as before
    mixed = [pa.record_batch({"a": [1, 2]}), pa.record_batch({"a": [0.5, None]})]
    pd.testing.assert_frame_equal(
        read_frame(frame_source(lambda: iter(mixed))),
        pd.DataFrame({"a": [1.0, 2.0, 0.5, np.nan]}),
    )
    assert read_frame(frame_source(lambda: iter([]))).empty
