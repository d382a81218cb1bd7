"""The seeded validation split: by row content, so every pass holds out the same rows."""

from __future__ import annotations

import numpy as np
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
