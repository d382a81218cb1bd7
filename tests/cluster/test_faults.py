"""Faults on the real cluster, each with what it must keep.

- a Spark worker (its JVM, executor and Python workers: the whole machine) SIGKILLed while a
  training worker runs, and while a large table is predicted and saved: the statement completes
  through Spark's task retries with the metrics and predictions of an undisturbed run;
- one Kafka broker of three SIGKILLed while a table is written into the job's topic: the job
  completes and the training worker read exactly the table's rows (count and checksum);
- all three brokers gone while the training worker reads: the statement fails within a bounded
  time with an error that says what to do, publishes no version and leaves nothing behind.

The recovery figures are printed (run with `-s` to see them).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tests.cluster import workload
from tests.cluster.conftest import Cluster, RunOutcome

pytestmark = pytest.mark.cluster

TRAINING_WORKER = "mlsql.workers.training"
FAILURE_BOUND_S = 240.0  # from the last broker's death to the statement's error (loaded machine)


@dataclass
class Tables:
    data: Path  # 100k rows, 8 files
    big: Path  # 400k rows, 40 files (the predicted table)
    frame: pd.DataFrame
    alg: Path


@pytest.fixture(scope="module")
def tables(cluster: Cluster) -> Tables:
    frame = workload.table(100_000)
    data = workload.write_parquet(frame, cluster.base / "data" / "train", 8)
    big = workload.write_parquet(
        workload.table(400_000, seed=11), cluster.base / "data" / "big", 40
    )
    alg = cluster.base / "checksum_alg.py"
    alg.write_text(workload.CHECKSUM_ALG)
    return Tables(data, big, frame, alg)


@pytest.fixture
def healthy(cluster: Cluster) -> Iterator[Cluster]:
    """The cluster with both Spark workers and all three brokers up, before and after a test."""
    _heal(cluster)
    yield cluster
    _heal(cluster)


def _heal(cluster: Cluster) -> None:
    for index in range(cluster.spark.workers):
        if index not in cluster.spark.worker_procs:
            cluster.spark.start_worker(index)
    kafka = cluster.kafka
    down = [n for n in (1, 2, 3) if n not in kafka.running_nodes()]  # type: ignore[attr-defined]
    for node in down:
        kafka.restart(node, wait=False)  # type: ignore[attr-defined]
    if down:
        kafka.wait_ready(3)  # type: ignore[attr-defined]


def _when(
    condition: Callable[[], object], proc: object, what: str, timeout_s: float = 400
) -> object:
    """Poll `condition` until truthy; fail if the run ended first (the fault came too late)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        if proc.poll() is not None:  # type: ignore[attr-defined]
            pytest.fail(f"the run ended before {what}: the fault could not be injected")
        time.sleep(0.1)
    pytest.fail(f"no {what} within {timeout_s}s")


def _predictions(folder: Path) -> pd.DataFrame:
    frame = pd.read_parquet(folder)
    return frame.sort_values("id").reset_index(drop=True)


@pytest.fixture(scope="module")
def baseline(cluster: Cluster, tables: Tables) -> tuple[list[dict[str, object]], pd.DataFrame]:
    """The undisturbed run: the groups' metrics and the saved predictions."""
    base = cluster.base / "baseline"
    script = workload.train_predict_script(tables.data, tables.big, base / "model", base / "out")
    outcome = cluster.run(script, "baseline")
    print(f"\n[cluster] undisturbed train + predict: {outcome.seconds:.1f}s")
    return outcome.rows(), _predictions(base / "out")


def _same_metrics(got: list[dict[str, object]], want: list[dict[str, object]]) -> None:
    assert [r["status"] for r in got] == ["success", "success"]
    for a, b in zip(got, want, strict=True):
        for key in ("accuracy", "f1", "auc"):
            assert a[key] == pytest.approx(b[key], rel=1e-9, abs=1e-12), (key, a, b)
        assert (a["version"], a["best"]) == (b["version"], b["best"])


def _same_predictions(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert len(got) == len(want) == 400_000
    assert (got["id"].to_numpy() == want["id"].to_numpy()).all()
    assert (got["prediction"].to_numpy() == want["prediction"].to_numpy()).all()
    assert got["probability"].to_numpy() == pytest.approx(want["probability"].to_numpy(), abs=1e-9)


def _worker_training(cluster: Cluster) -> int | None:
    for index in list(cluster.spark.worker_procs):
        if cluster.spark.worker_running(index, TRAINING_WORKER):
            return index + 1  # 1-based so that worker 0 is truthy
    return None


def _finish_after_kill(
    cluster: Cluster, proc: object, name: str, killed_at: float, label: str
) -> RunOutcome:
    outcome = cluster.finish(proc)  # type: ignore[arg-type]
    now = time.monotonic()
    total, after = now - cluster.started[name], now - killed_at
    print(f"\n[cluster] {label}: run {total:.1f}s, ended {after:.1f}s after the kill")
    return outcome


def test_spark_worker_killed_while_training(healthy: Cluster, tables: Tables, baseline) -> None:
    base = healthy.base / "kill-train"
    script = workload.train_predict_script(tables.data, tables.big, base / "model", base / "out")
    proc = healthy.start_run(script, "kill-train")
    index = int(_when(lambda: _worker_training(healthy), proc, "a training worker started")) - 1
    killed_at = healthy.spark.kill_worker(index)
    outcome = _finish_after_kill(
        healthy, proc, "kill-train", killed_at, "Spark worker killed during train"
    )
    _same_metrics(outcome.rows(), baseline[0])
    _same_predictions(_predictions(base / "out"), baseline[1])


def test_spark_worker_killed_while_predicting(healthy: Cluster, tables: Tables, baseline) -> None:
    base = healthy.base / "kill-predict"
    script = workload.train_predict_script(tables.data, tables.big, base / "model", base / "out")
    proc = healthy.start_run(script, "kill-predict")
    (base / "out").parent.mkdir(parents=True, exist_ok=True)

    def saving() -> bool:  # the first task of the save (the predict) wrote its part file
        return any(base.glob("out*/**/part-*"))

    _when(saving, proc, "the predictions were being saved")
    killed_at = healthy.spark.kill_worker(0)
    outcome = _finish_after_kill(
        healthy, proc, "kill-predict", killed_at, "Spark worker killed during predict"
    )
    _same_metrics(outcome.rows(), baseline[0])
    _same_predictions(_predictions(base / "out"), baseline[1])


def _topic_leader(bootstrap: str, prefix: str) -> int | None:
    """The leader of partition 0 of the first job topic (data) once it exists."""
    from mlsql.kafka.admin import admin_client

    try:
        with admin_client(bootstrap, 5) as client:
            topics = [t for t in client.list_topics() if t.startswith(prefix)]
            data = [t for t in topics if not t.endswith((".progress", ".eval"))]
            if not data:
                return None
            (meta,) = client.describe_topics([data[0]])
            leaders = [p["leader_id"] for p in meta["partitions"] if p["partition_index"] == 0]
            return leaders[0] if leaders and leaders[0] > 0 else None
    except Exception:
        return None


def test_one_broker_killed_while_writing(healthy: Cluster, tables: Tables) -> None:
    model = healthy.base / "broker-kill" / "model"
    proc = healthy.start_run(workload.checksum_script(tables.data, tables.alg, model, 0.02), "bk")
    leader = int(_when(lambda: _topic_leader(healthy.bootstrap, "mlsql"), proc, "the job topic"))
    healthy.kafka.kill(leader)  # type: ignore[attr-defined]
    killed_at = time.monotonic()
    outcome = _finish_after_kill(healthy, proc, "bk", killed_at, f"broker {leader} of 3 killed")
    (row,) = outcome.rows()
    assert row["status"] == "success", row
    metrics = {m["name"]: m["value"] for m in row["metrics"]}  # type: ignore[union-attr]
    rows, checksum = workload.checksum(tables.frame)
    assert (metrics["rows_read"], metrics["checksum"]) == (rows, checksum)
    assert [p.name for p in model.glob("_model_*")] == ["_model_0"]


def test_all_brokers_gone_fails_in_bounded_time(healthy: Cluster, tables: Tables) -> None:
    model = healthy.base / "all-gone" / "model"
    proc = healthy.start_run(workload.checksum_script(tables.data, tables.alg, model, 0.5), "gone")
    _when(lambda: _worker_training(healthy), proc, "a training worker started")
    for node in (1, 2, 3):
        healthy.kafka.kill(node)  # type: ignore[attr-defined]
    killed_at = time.monotonic()
    outcome = healthy.finish(proc, timeout_s=FAILURE_BOUND_S + 60)
    failed_after = time.monotonic() - killed_at
    print(f"\n[cluster] all brokers gone: the statement failed {failed_after:.1f}s after")
    assert outcome.code != 0
    assert failed_after < FAILURE_BOUND_S
    message = outcome.err
    assert "none of the Kafka brokers at" in message, message[-3000:]
    assert "kafka.bootstrap_servers" in message, message[-3000:]
    leftovers = sorted(p.name for p in model.iterdir()) if model.exists() else []
    assert leftovers == [], leftovers  # no version, no staging folder
    assert _worker_training(healthy) is None  # no training worker left running
