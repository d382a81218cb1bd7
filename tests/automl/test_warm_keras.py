"""A Hyperband survivor of a Keras network continues from its saved weights (warm start)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from mlsql.models.budget import unit_of
from mlsql.models.metadata import ModelMetadata
from mlsql.models.trials import TrialSpec
from mlsql.workers.training import train_group


def _source(name: str) -> Any:
    from sklearn import datasets

    x, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    table = pa.table({**{f"f{i}": x[:, i] for i in range(x.shape[1])}, "label": y})
    batches = table.to_batches(max_chunksize=128)
    return lambda: iter(batches)


def _round(
    algorithm: str, name: str, folder: Path, epochs: int, previous: tuple[Path, int] | None = None
) -> tuple[Any, list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    params = {"labelCol": "label", "hiddenUnits": "16", "batchSize": "32", "learningRate": "0.01"}
    spec = TrialSpec(
        algorithm,
        group=0,
        params=params,
        seed=5,
        resource=epochs,
        resource_max=9,
        warm_start_from=str(previous[0]) if previous else None,
        warm_start_resource=previous[1] if previous else None,
    )
    result = train_group(spec, _source(name), folder, events.append)
    assert result.ok, result.error
    return result, [e for e in events if e.get("stage") == "epoch"]


@pytest.mark.parametrize(
    ("algorithm", "name"), [("DNNClassifier", "breast_cancer"), ("DNNRegressor", "diabetes")]
)
def test_keras_survivor_continues_its_epochs(tmp_path: Path, algorithm: str, name: str) -> None:
    assert unit_of(algorithm).warm and unit_of(algorithm).additive
    first, first_epochs = _round(algorithm, name, tmp_path / "r1", 2)
    second, later = _round(algorithm, name, tmp_path / "r2", 5, (tmp_path / "r1", 2))
    fresh, fresh_epochs = _round(algorithm, name, tmp_path / "fresh", 3)

    assert [(e["epoch"], e["epochs"]) for e in first_epochs] == [(1, 2), (2, 2)]
    assert [(e["epoch"], e["epochs"]) for e in later] == [(3, 5), (4, 5), (5, 5)]
    assert second.warm_started and not first.warm_started
    meta = ModelMetadata.read(tmp_path / "r2")
    assert meta.extra["epochs_trained"] == 5 and meta.params["epochs"] == 5
    # epoch 3 starts from epoch 2's weights: its loss is near where round 1 stopped, below
    # a fresh network's first epoch
    assert later[0]["loss"] < fresh_epochs[0]["loss"]
    assert later[0]["loss"] < first_epochs[0]["loss"]
    assert later[0]["loss"] <= first_epochs[-1]["loss"] * 1.25
    assert later[-1]["loss"] < first_epochs[-1]["loss"]
    # the continued model is the stored one, not a fresh network's
    assert not np.isclose(second.loss or 0.0, fresh.loss or 0.0)
