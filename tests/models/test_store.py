"""The model store: versions, keepVersion, best, atomic publishing, refusing foreign folders."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from mlsql.errors import AnalysisError, WorkerError
from mlsql.models.loader import load_model
from mlsql.models.metadata import METADATA_FILE
from mlsql.models.store import MARKER_FILE, ModelStore, publish, seal
from mlsql.workers.training import GroupSpec, train_group
from tests.models.helpers import arrow_source, iris, toy, train

PARAMS = {"labelCol": "species", "numTrees": "5"}


def _staged(tmp_path: Path, name: str, params: dict | None = None, **spec) -> Path:
    result, staging = train(tmp_path, "RandomForest", params or PARAMS, iris(), name=name, **spec)
    assert result.ok, result.error
    return staging


def test_versions_are_numbered_and_kept_with_keep_version(tmp_path) -> None:
    path = tmp_path / "model"
    numbers = [publish(path, _staged(tmp_path, f"s{i}"), keep_version=True) for i in range(3)]
    assert numbers == [0, 1, 2]
    store = ModelStore(path)
    assert store.versions() == [0, 1, 2]
    assert store.resolve("latest") == 2
    assert store.metadata(1).version == 1
    assert load_model(path, 0).metadata.version == 0
    assert sorted(p.name for p in path.iterdir() if not p.name.startswith(".")) == [
        "_model_0",
        "_model_1",
        "_model_2",
    ]


def test_without_keep_version_the_new_version_replaces_the_old(tmp_path) -> None:
    path = tmp_path / "model"
    publish(path, _staged(tmp_path, "a"), keep_version=False)
    publish(path, _staged(tmp_path, "b"), keep_version=False)
    assert ModelStore(path).versions() == [1]
    assert not list(path.glob(".trash-*"))


def test_groups_of_one_run_survive_each_other(tmp_path) -> None:
    path = tmp_path / "model"
    publish(path, _staged(tmp_path, "old", run_id="run-1"), keep_version=False)
    for group in (0, 1):
        staging = _staged(tmp_path, f"g{group}", run_id="run-2", group=group)
        publish(path, staging, keep_version=False)
    store = ModelStore(path)
    assert store.versions() == [1, 2]
    assert [store.metadata(v).group for v in store.versions()] == [0, 1]


def test_best_version_has_the_best_metric_of_the_task(tmp_path) -> None:
    path = tmp_path / "model"
    weak = {**PARAMS, "maxDepth": "1", "numTrees": "1"}
    publish(path, _staged(tmp_path, "strong"), keep_version=True)
    publish(path, _staged(tmp_path, "weak", weak), keep_version=True)
    store = ModelStore(path)
    f1 = [store.metadata(v).metrics["f1"] for v in (0, 1)]
    assert f1[0] > f1[1]
    assert store.resolve("best") == 0
    assert load_model(path, "best").metadata.version == 0


def test_best_regression_version_has_the_lowest_rmse(tmp_path) -> None:
    path = tmp_path / "model"
    for name, depth in (("shallow", "1"), ("deep", "4")):
        params = {"labelCol": "target", "maxDepth": depth, "numTrees": "10"}
        result, staging = train(tmp_path, "RandomForest", params, toy("diabetes"), name=name)
        publish(path, staging, keep_version=True)
    store = ModelStore(path)
    rmse = {v: store.metadata(v).metrics["rmse"] for v in store.versions()}
    assert store.best() == min(rmse, key=rmse.__getitem__)


def test_a_crash_after_writing_staging_publishes_nothing(tmp_path) -> None:
    path = tmp_path / "model"
    staging = Path(ModelStore(path).new_staging())
    result = train_group(GroupSpec("RF", params=PARAMS), arrow_source(iris()), staging, print)
    assert result.ok
    (staging / MARKER_FILE).unlink()  # killed before sealing: files written, no marker
    assert ModelStore(path).versions() == []
    with pytest.raises(WorkerError, match="cannot publish"):
        publish(path, staging, keep_version=False)
    assert not list(path.glob("_model_*"))
    with pytest.raises(AnalysisError, match="no model versions"):
        load_model(path)
    assert ModelStore(path).clean_staging(max_age_s=0) == [staging]
    assert not staging.exists()


def test_a_failing_data_source_leaves_no_version(tmp_path) -> None:
    def broken() -> Iterator[pa.RecordBatch]:
        yield from arrow_source(iris())()
        raise ConnectionError("broker went away")

    path = tmp_path / "model"
    staging = Path(ModelStore(path).new_staging())
    result = train_group(GroupSpec("RF", params=PARAMS), broken, staging, print)
    assert result.status == "failed" and "broker went away" in result.error
    assert not (staging / MARKER_FILE).exists()
    assert ModelStore(path).versions() == []


def test_publish_moves_a_staging_folder_from_elsewhere(tmp_path) -> None:
    path = tmp_path / "model"
    staging = _staged(tmp_path, "outside")
    assert publish(path, staging, keep_version=False) == 0
    assert not staging.exists()
    assert load_model(path).predict(iris().head(2))["prediction"].tolist() == ["setosa"] * 2


def test_loading_refuses_a_folder_not_written_by_the_engine(tmp_path) -> None:
    path = tmp_path / "model"
    foreign = path / "_model_0"
    shutil.copytree(_staged(tmp_path, "s"), foreign)
    (foreign / MARKER_FILE).unlink()
    assert ModelStore(path).versions() == []
    with pytest.raises(AnalysisError, match="not written by mlsql-python"):
        load_model(foreign)


def test_loading_refuses_changed_files(tmp_path) -> None:
    path = tmp_path / "model"
    publish(path, _staged(tmp_path, "s"), keep_version=False)
    model_file = path / "_model_0" / "model.skops"
    model_file.write_bytes(model_file.read_bytes() + b"\0")
    with pytest.raises(AnalysisError, match="model.skops is missing or changed"):
        load_model(path)


def test_loading_refuses_metadata_of_another_engine(tmp_path) -> None:
    folder = _staged(tmp_path, "s")
    meta = json.loads((folder / METADATA_FILE).read_text())
    (folder / METADATA_FILE).write_text(json.dumps({**meta, "engine": "someone-else"}))
    with pytest.raises(AnalysisError, match="not an mlsql-python model"):
        seal(folder)


def test_skops_types_must_be_trusted_by_the_metadata(tmp_path) -> None:
    folder = _staged(tmp_path, "s")
    meta = json.loads((folder / METADATA_FILE).read_text())
    assert meta["trusted_types"] == ["sklearn.tree._tree.Tree"]
    (folder / METADATA_FILE).write_text(json.dumps({**meta, "trusted_types": []}))
    seal(folder)
    with pytest.raises(AnalysisError, match="does not trust"):
        load_model(folder)


def test_metadata_describes_the_model(tmp_path) -> None:
    path = tmp_path / "model"
    publish(path, _staged(tmp_path, "s", run_id="r1"), keep_version=False)
    meta = ModelStore(path).metadata(0)
    assert (meta.algorithm, meta.loader, meta.model_file) == (
        "RandomForest",
        "sklearn",
        "model.skops",
    )
    assert meta.task == "classification" and meta.primary_metric == "f1"
    assert meta.label == {
        "column": "species",
        "task": "classification",
        "dtype": "object",
        "classes": ["setosa", "versicolor", "virginica"],
    }
    assert [c["name"] for c in meta.features["columns"]] == list(iris().columns[:4])
    assert {"python", "scikit-learn", "numpy", "skops"} <= set(meta.libraries)
    assert meta.status == "success" and meta.run_id == "r1" and meta.created
    assert [(o["name"], o["type"]) for o in meta.outputs] == [
        ("prediction", "string"),
        ("confidence", "double"),
        ("probabilities", "array<double>"),
    ]
    assert meta.extra["evaluated_on"] == "validation"
