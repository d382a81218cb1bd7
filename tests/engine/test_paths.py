"""Paths mean the same everywhere: relative paths are made absolute on the driver.

The unit tests pin `mlsql.models.fs.absolute` and the model store's absolute paths; the cluster test runs the README's
loop on `local-cluster` (executor JVMs and Python workers in Spark's own work folders) with a
relative model path, as a user would from their project folder, and predicts with the result.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlsql.models.fs import absolute, is_remote, join, s3_env, uses_s3
from mlsql.models.store import ModelStore


def test_relative_local_paths_become_absolute(tmp_path: Path) -> None:
    assert absolute("work/model", str(tmp_path)) == str(tmp_path / "work" / "model")
    assert absolute("./a/../b", "/srv") == "/srv/b"
    assert absolute("/data/x", "/srv") == "/data/x"
    assert absolute("file:/data/x") == "file:/data/x"
    assert absolute("s3a://bucket/models/x") == "s3a://bucket/models/x"
    assert absolute("hdfs://nn:8020/m") == "hdfs://nn:8020/m"


def test_schemes() -> None:
    assert is_remote("s3a://b/k") and is_remote("s3://b/k") and is_remote("hdfs://nn/p")
    assert not is_remote("/tmp/x") and not is_remote("file:///tmp/x") and not is_remote("rel/x")
    assert join("s3a://b/m", "_model_0", "x.json") == "s3a://b/m/_model_0/x.json"


def test_a_model_store_made_from_a_relative_path_is_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = ModelStore("work/model")
    assert store.uri == str(tmp_path / "work" / "model") and store.path.is_absolute()
    staging = store.new_staging()
    assert os.path.isabs(staging) and staging.startswith(store.uri)


def test_s3_settings_become_the_python_sides_environment() -> None:
    conf = {
        "spark.hadoop.fs.s3a.endpoint": "http://127.0.0.1:9000",
        "spark.hadoop.fs.s3a.access.key": "k",
        "spark.hadoop.fs.s3a.secret.key": "s",
        "spark.hadoop.fs.s3a.path.style.access": "true",
    }
    assert uses_s3(conf) and not uses_s3({"spark.ui.enabled": "false"})
    assert s3_env(conf) == {
        "MLSQL_S3_ENDPOINT": "http://127.0.0.1:9000",
        "AWS_ACCESS_KEY_ID": "k",
        "AWS_SECRET_ACCESS_KEY": "s",
        "MLSQL_S3_PATH_STYLE": "true",
    }


CLUSTER_SCRIPT = """
load csv.`data/iris.csv` options header="true" and inferSchema="true" as flowers;
train flowers as RandomForest.`work/example/model` where labelCol="species" and numTrees="10";
predict flowers as RandomForest.`work/example/model` as predicted;
save overwrite predicted as parquet.`work/example/predicted`;
"""


@pytest.mark.timeout(1200)
def test_relative_model_path_on_local_cluster(kafka_broker: str, tmp_path: Path) -> None:
    """Executors and workers run in Spark's work folders; the model still lands in the
    driver's `work/example/model` and predicts (before: "was not written by mlsql-python")."""
    from tests.models.helpers import iris

    frame = iris()
    frame.columns = [
        "sepal_length_cm",
        "sepal_width_cm",
        "petal_length_cm",
        "petal_width_cm",
        "species",
    ]
    frame.insert(0, "id", np.arange(len(frame)))
    (tmp_path / "data").mkdir()
    frame.to_csv(tmp_path / "data" / "iris.csv", index=False)
    (tmp_path / "script.mlsql").write_text(CLUSTER_SCRIPT)
    mlsql = str(Path(sys.executable).parent / "mlsql")
    cli = [mlsql, "run", "script.mlsql", "--kafka", kafka_broker, "-q"]
    cli += ["--master", "local-cluster[1,1,1024]"]
    env = {**os.environ, "MLSQL_WORK_DIR": str(tmp_path / "work")}
    done = subprocess.run(cli, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1100)
    assert done.returncode == 0, done.stderr[-3000:]
    store = ModelStore(tmp_path / "work" / "example" / "model")
    assert store.versions() == [0]
    assert not [p for p in store.path.iterdir() if p.name.startswith(".staging-")]

    import pandas as pd

    from mlsql.models.loader import load_model

    predicted = pd.read_parquet(tmp_path / "work" / "example" / "predicted").sort_values("id")
    expected = load_model(store.path).predict(frame)["prediction"].tolist()
    assert predicted["prediction"].tolist() == expected


def test_worker_opened_path_options_are_made_absolute_on_the_driver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pythonFile` and `existed_pretrain_model` (any group, any spelling) reach the training
    worker absolute: a worker on a cluster runs in a folder of its own."""
    from mlsql.engine.training.runner import driver_paths
    from mlsql.parser import parse

    monkeypatch.chdir(tmp_path)
    stmt = parse(
        'train t as DEC.`m` where pythonFile="alg.py" and `fitParam.1.pretrainedModel`="old/c"'
        ' and existed_pretrain_model="/abs/c" and labelCol="y";'
    ).statements[0]
    seen: list[str] = []
    resolved = driver_paths(stmt, lambda p: seen.append(p) or p)
    values = {o.key: o.value for o in resolved.options}
    assert values["pythonFile"] == str(tmp_path / "alg.py")
    assert values["fitParam.1.pretrainedModel"] == str(tmp_path / "old" / "c")
    assert values["existed_pretrain_model"] == "/abs/c" and values["labelCol"] == "y"
    assert seen == ["alg.py", "old/c", "/abs/c"]  # each passed the allowed-roots check first
    assert resolved.path == "m"  # the model path is the store's business (ModelStore)
