"""The per-process model cache: one load per (model path, version)."""

from __future__ import annotations

import pytest

from mlsql.models import cache
from mlsql.models.store import publish
from tests.models.helpers import iris, train


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _publish(tmp_path, path, name: str) -> int:
    result, staging = train(tmp_path, "NaiveBayes", {"labelCol": "species"}, iris(), name=name)
    assert result.ok
    return publish(path, staging, keep_version=True)


def test_a_model_loads_once_per_key(tmp_path) -> None:
    path = tmp_path / "model"
    _publish(tmp_path, path, "a")
    before = cache.load_count()
    first = cache.get_model(path)
    assert cache.get_model(str(path)) is first
    assert cache.get_model(path, 0) is first
    assert cache.get_model(path / ".." / "model", "latest") is first
    assert cache.load_count() == before + 1
    first.predict(iris().head(3))


def test_a_new_version_is_a_new_key(tmp_path) -> None:
    path = tmp_path / "model"
    _publish(tmp_path, path, "a")
    before = cache.load_count()
    old = cache.get_model(path)
    _publish(tmp_path, path, "b")
    new = cache.get_model(path)
    assert new is not old and new.metadata.version == 1
    assert cache.get_model(path, 0) is old
    assert cache.load_count() == before + 2
