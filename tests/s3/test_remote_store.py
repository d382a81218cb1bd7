"""The model store on a real S3 API (moto's server on loopback): the same promises as on a local
folder, with the marker written last as the commit instead of a rename."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from mlsql.errors import AnalysisError, WorkerError
from mlsql.models import fs
from mlsql.models.loader import load_model
from mlsql.models.metadata import ModelMetadata
from mlsql.models.remote_store import CLAIM_PREFIX, RemoteModelStore
from mlsql.models.store import MARKER_FILE, ModelStore, publish
from mlsql.workers.staging import train_remote
from mlsql.workers.training import GroupSpec, train_group
from tests.models.helpers import arrow_source, iris, train

PARAMS = {"labelCol": "species", "numTrees": "5"}


def _staged(tmp_path: Path, name: str, **spec) -> Path:
    result, staging = train(tmp_path, "RandomForest", PARAMS, iris(), name=name, **spec)
    assert result.ok, result.error
    return staging


def _keys(prefix: str) -> list[str]:
    import pyarrow.fs as pafs

    filesystem, path = fs.filesystem(prefix)
    infos = filesystem.get_file_info(pafs.FileSelector(path, recursive=True, allow_not_found=True))
    return sorted(i.path[len(path) + 1 :] for i in infos if i.type == pafs.FileType.File)


def test_s3a_paths_get_the_remote_store(s3_prefix: str) -> None:
    store = ModelStore(f"{s3_prefix}/m")
    assert isinstance(store, RemoteModelStore)
    assert store.uri == f"{s3_prefix}/m"
    assert store.versions() == []
    with pytest.raises(AnalysisError, match="no model versions"):
        store.resolve("latest")


def test_publish_load_and_predict_like_a_local_store(tmp_path: Path, s3_prefix: str) -> None:
    uri = f"{s3_prefix}/m"
    assert publish(uri, _staged(tmp_path, "a"), keep_version=True) == 0
    assert publish(uri, _staged(tmp_path, "b"), keep_version=True) == 1
    store = ModelStore(uri)
    assert store.versions() == [0, 1]
    assert store.metadata(1).version == 1
    local = _staged(tmp_path, "local")
    rows = iris().head(20)
    expected = load_model(local).predict(rows)["prediction"].tolist()
    assert load_model(uri, 0).predict(rows)["prediction"].tolist() == expected
    files = _keys(uri)
    assert f"_model_0/{MARKER_FILE}" in files and "_model_0/mlsql-model.json" in files
    assert not [f for f in files if CLAIM_PREFIX in f]


def test_without_keep_version_old_versions_go(tmp_path: Path, s3_prefix: str) -> None:
    uri = f"{s3_prefix}/m"
    publish(uri, _staged(tmp_path, "a"), keep_version=False)
    publish(uri, _staged(tmp_path, "b"), keep_version=False)
    assert ModelStore(uri).versions() == [1]
    assert not [f for f in _keys(uri) if f.startswith("_model_0/")]


def test_a_failed_upload_leaves_no_visible_version(
    tmp_path: Path, s3_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri = f"{s3_prefix}/m"
    publish(uri, _staged(tmp_path, "ok"), keep_version=True)
    real_write = fs.write_bytes
    written: list[str] = []

    def failing(location: str, data: bytes) -> None:
        written.append(location)
        if len(written) == 3:  # after the claim and one model file: the store goes away
            raise OSError("connection reset by peer")
        real_write(location, data)

    monkeypatch.setattr(fs, "write_bytes", failing)
    with pytest.raises(WorkerError, match="connection reset"):
        publish(uri, _staged(tmp_path, "broken"), keep_version=False)
    monkeypatch.setattr(fs, "write_bytes", real_write)
    store = ModelStore(uri)
    assert store.versions() == [0]  # the old version is still there and still the latest
    assert load_model(uri).metadata.version == 0
    assert not [f for f in _keys(uri) if f.startswith("_model_1/")]


def test_files_without_the_marker_are_never_a_version(tmp_path: Path, s3_prefix: str) -> None:
    """A publisher killed before its last write: every file is there but the marker."""
    uri = f"{s3_prefix}/m"
    fs.upload_folder(_staged(tmp_path, "half"), f"{uri}/_model_0", skip=(MARKER_FILE,))
    store = ModelStore(uri)
    assert store.versions() == []
    assert publish(uri, _staged(tmp_path, "next"), keep_version=True) == 1  # 0 is never reused
    assert store.versions() == [1]


def test_a_changed_object_is_refused(tmp_path: Path, s3_prefix: str) -> None:
    uri = f"{s3_prefix}/m"
    staging = _staged(tmp_path, "a")
    model_file = ModelMetadata.read(staging).model_file
    publish(uri, staging, keep_version=True)
    fs.write_bytes(f"{uri}/_model_0/{model_file}", b"not the model")  # before any reader
    with pytest.raises(AnalysisError, match="changed since"):
        load_model(uri)


def test_an_unsealed_staging_folder_is_not_published(tmp_path: Path, s3_prefix: str) -> None:
    uri = f"{s3_prefix}/m"
    staging = _staged(tmp_path, "unsealed")
    (staging / MARKER_FILE).unlink()
    with pytest.raises(WorkerError, match="cannot publish"):
        publish(uri, staging, keep_version=False)
    assert ModelStore(uri).versions() == [] and _keys(uri) == []


def test_concurrent_publishers_get_distinct_versions(tmp_path: Path, s3_prefix: str) -> None:
    """Claims order publishers the process lock does not see (another store's claim on N)."""
    uri = f"{s3_prefix}/m"
    fs.write_bytes(f"{uri}/_model_0/{CLAIM_PREFIX}other-driver", b"")
    stagings = [_staged(tmp_path, f"s{i}") for i in range(3)]
    found: list[int] = []
    threads = [
        threading.Thread(target=lambda s=s: found.append(publish(uri, s, keep_version=True)))
        for s in stagings
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(found) == [1, 2, 3]
    assert ModelStore(uri).versions() == [1, 2, 3]


def test_a_worker_trains_locally_and_uploads_to_its_staging_uri(
    tmp_path: Path, s3_prefix: str
) -> None:
    store = ModelStore(f"{s3_prefix}/m")
    staging = store.new_staging()
    assert staging.startswith(f"{s3_prefix}/m/.staging-")

    def run(trial: GroupSpec, local: Path):
        return train_group(trial, arrow_source(iris()), local, lambda event: None)

    result = train_remote(staging, GroupSpec("RandomForest", params=PARAMS), run)
    assert result.ok, result.error
    assert result.staging_dir == staging
    assert MARKER_FILE in _keys(staging)
    assert store.publish(staging, keep_version=False) == 0
    assert _keys(staging) == []  # the staging prefix is gone once published
    warm = GroupSpec("RandomForest", params=PARAMS, warm_start_from=staging)
    assert store.versions() == [0] and warm.warm_start_from == staging


def test_groups_of_one_run_survive_each_other(tmp_path: Path, s3_prefix: str) -> None:
    uri = f"{s3_prefix}/m"
    publish(uri, _staged(tmp_path, "old", run_id="run-1"), keep_version=False)
    for group in (0, 1):
        staging = _staged(tmp_path, f"g{group}", run_id="run-2", group=group)
        publish(uri, staging, keep_version=False)
    store = ModelStore(uri)
    assert store.versions() == [1, 2]
    assert [store.metadata(v).group for v in store.versions()] == [0, 1]
