"""Models for the serving tests, trained without Spark (`train_group`) and published to a store."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlsql.models.store import publish
from tests.models.helpers import train

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def iris_frame() -> pd.DataFrame:
    """Iris with plain column names and the species as strings."""
    from sklearn.datasets import load_iris

    data = load_iris(as_frame=True)
    frame = data.frame.drop(columns="target")
    frame.columns = FEATURES
    frame["species"] = np.asarray(data.target_names)[data.target]
    return frame


def events_frame(n: int = 240) -> pd.DataFrame:
    """A binary task over a string, a timestamp and a number (featurised: one-hot, date parts)."""
    rng = np.random.default_rng(7)
    city = rng.choice(["paris", "lyon", "nice"], n)
    when = pd.date_range("2024-01-01 00:00:00", periods=n, freq="7h")
    amount = rng.normal(size=n).round(3)
    score = (city == "paris") * 1.0 + (when.hour > 12) * 1.0 + amount + rng.normal(0, 0.5, n)
    label = np.where(score > 1.0, "yes", "no")
    return pd.DataFrame({"city": city, "when": when, "amount": amount, "label": label})


def publish_model(
    root: Path, name: str, algorithm: str, params: dict[str, Any], df: pd.DataFrame
) -> Path:
    """Train one group and publish it as a new version of `root/name`; returns the model path."""
    result, staging = train(root / "staging", algorithm, params, df, name=uuid.uuid4().hex)
    assert result.ok, (result.error, result.detail)
    publish(root / name, staging, keep_version=True)
    return root / name
