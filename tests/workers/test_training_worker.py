"""The training worker: its data model, and its process entry run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from mlsql.models.loader import load_model
from mlsql.models.store import ModelStore, publish
from mlsql.workers.sources import WorkerSpec
from mlsql.workers.training import GroupResult, GroupSpec, main
from tests.models.helpers import iris, train

TIMEOUT_S = 120


def _run_worker(spec: WorkerSpec, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "spec.json"
    spec.write(path)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "mlsql.workers.training", "--spec", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, env=env)


def _arrow_file(df, path: Path) -> str:
    table = pa.Table.from_pandas(df, preserve_index=False)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=40):
            writer.write_batch(batch)
    return str(path)


def _events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def test_group_spec_and_result_round_trip() -> None:
    spec = GroupSpec("RF", group=1, params={"maxDepth": "3"}, run_id="r", seed=3, model_path="/m")
    assert GroupSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
    result = GroupResult(1, "RandomForest", "success", {"max_depth": 3}, {"f1": 0.9}, 1.5)
    assert GroupResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_worker_process_trains_and_reports(tmp_path) -> None:
    model_path = tmp_path / "model"
    spec = WorkerSpec(
        group=GroupSpec("RandomForest", group=0, params={"labelCol": "species"}).to_dict(),
        staging_dir=str(ModelStore(model_path).new_staging()),
        result_path=str(tmp_path / "result.json"),
        arrow_files=[_arrow_file(iris(), tmp_path / "train.arrows")],
    )
    done = _run_worker(spec, tmp_path)
    assert done.returncode == 0, done.stderr
    events = _events(done.stdout)
    assert {"event": "progress", "group": 0, "stage": "read", "rows": 150} in events
    assert events[-1]["event"] == "result" and events[-1]["status"] == "success"
    result = GroupResult.from_dict(json.loads(Path(spec.result_path).read_text()))
    assert result.ok and result.metrics["accuracy"] > 0.8
    assert publish(model_path, Path(spec.staging_dir), keep_version=False) == 0
    assert load_model(model_path).predict(iris().head(1))["prediction"].tolist() == ["setosa"]


def test_prints_of_a_python_algorithm_do_not_reach_the_event_stream(tmp_path) -> None:
    code = (
        "def train(params, batches, model_dir):\n"
        "    print('hello from train')\n"
        "    return {'passes': 1}\n"
        "def predict(model_dir, df):\n"
        "    return df.iloc[:, 0]\n"
    )
    spec = WorkerSpec(
        group=GroupSpec("PythonAlg", params={"code": code}).to_dict(),
        staging_dir=str(tmp_path / "staging"),
        arrow_files=[_arrow_file(iris(), tmp_path / "train.arrows")],
    )
    done = _run_worker(spec, tmp_path)
    assert done.returncode == 0, done.stderr
    assert all(line.startswith("{") for line in done.stdout.splitlines())
    assert "hello from train" in done.stderr
    assert _events(done.stdout)[-1]["metrics"] == {"passes": 1.0}


def test_unreachable_kafka_exits_non_zero_with_a_clear_error(tmp_path) -> None:
    spec = WorkerSpec(
        group=GroupSpec("RandomForest", params={"labelCol": "label"}).to_dict(),
        staging_dir=str(tmp_path / "staging"),
        result_path=str(tmp_path / "result.json"),
        topic={"bootstrap_servers": "127.0.0.1:1", "topic": "nowhere", "partitions": 1},
        group_id="test-unreachable",
        timeout_s=2.0,
    )
    done = _run_worker(spec, tmp_path)
    assert done.returncode == 1
    result = json.loads(Path(spec.result_path).read_text())
    assert result["status"] == "failed" and result["error"]
    assert result["error_code"] in ("kafka", "kafka_timeout", "worker")
    assert "group 0 failed" in done.stderr and result["error"] in done.stderr
    assert not (tmp_path / "staging" / ".mlsql-model").exists()


def test_missing_training_data_exits_non_zero(tmp_path) -> None:
    spec = WorkerSpec(
        group=GroupSpec("RF", params={"labelCol": "species"}).to_dict(),
        staging_dir=str(tmp_path / "staging"),
        result_path=str(tmp_path / "result.json"),
        arrow_files=[str(tmp_path / "missing.arrows")],
    )
    assert main(["--spec", _written(spec, tmp_path)]) == 1
    result = json.loads(Path(spec.result_path).read_text())
    assert "does not exist" in result["error"] and result["error_code"] == "worker"


def test_a_spec_without_data_or_readable_json_is_refused(tmp_path, capsys) -> None:
    spec = WorkerSpec(group={"algorithm": "RF"}, staging_dir=str(tmp_path / "s"))
    assert main(["--spec", _written(spec, tmp_path)]) == 1
    assert "names no training data" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["--spec", str(bad)]) == 2


def _written(spec: WorkerSpec, tmp_path: Path) -> str:
    path = tmp_path / "spec.json"
    spec.write(path)
    return str(path)


@pytest.mark.parametrize("eval_table", [False, True])
def test_groups_train_side_by_side_and_the_best_wins(tmp_path, eval_table: bool) -> None:
    df = iris()
    eval_df = df.sample(frac=0.3, random_state=1) if eval_table else None
    path = tmp_path / "model"
    for group, depth in enumerate(("1", "4")):
        params = {"labelCol": "species", "maxDepth": depth, "numTrees": "1"}
        result, staging = train(
            tmp_path, "RandomForest", params, df, eval_df, name=f"g{group}", group=group, run_id="r"
        )
        assert result.ok
        publish(path, staging, keep_version=False)
    store = ModelStore(path)
    assert store.versions() == [0, 1]
    assert store.metadata(store.best()).group == 1
