"""The REST server and a stream on Spark standalone + three brokers, by configuration only."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pandas as pd
import pytest

from tests.cluster import workload
from tests.cluster.conftest import MLSQL, Cluster

pytestmark = pytest.mark.cluster

TOKEN = "cluster-token-7d2e"


@pytest.fixture(scope="module")
def small_table(cluster: Cluster) -> Path:
    return workload.write_parquet(workload.table(20_000, seed=3), cluster.base / "small", 4)


def _train_register(data: Path, model: Path) -> str:
    return f"""
load parquet.`{data}` as rows_in;
select {", ".join(workload.FEATURES)}, label from rows_in as training;
train training as LogisticRegression.`{model}` where labelCol="label" and seed="1"
  and fitParam.0.regParam="0.1" and fitParam.1.regParam="1.0" as groups;
register LogisticRegression.`{model}` as lr_score options version="best";
"""


def test_rest_server_trains_and_predicts_on_the_cluster(
    cluster: Cluster, small_table: Path
) -> None:
    from mlsql.server.process import ServerProcess

    model = cluster.base / "rest" / "model"
    script = _train_register(small_table, model) + (
        "predict rows_in as LogisticRegression.`"
        + str(model)
        + '` where version="best" as scored;\n'
        "select count(*) as n, avg(if(prediction = label, 1.0, 0.0)) as acc from scored as s;\n"
    )
    env = cluster.env(MLSQL_SERVER__ACCESS_TOKEN=TOKEN)
    with ServerProcess(cluster.base / "rest-work", env=env) as server:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=600) as client:
            response = client.post("/run/script", data={"sql": script})
    assert response.status_code == 200, response.text
    (row,) = response.json()
    assert row["n"] == 20_000 and row["acc"] > 0.8
    assert sorted(p.name for p in model.glob("_model_*")) == ["_model_0", "_model_1"]


def test_stream_predicts_on_the_cluster(cluster: Cluster, small_table: Path) -> None:
    model = cluster.base / "stream" / "model"
    trained = cluster.run(_train_register(small_table, model) + "select 1 as done as d;", "st")
    assert trained.rows() == [{"done": 1}]
    out = cluster.base / "stream" / "scores"
    features = ", ".join(f"cast(value % {i + 3} as double) - 1" for i in range(10))
    # `mlsql streams run` reads every `load` of its script as a stream: the model was trained
    # by the run above, this script only registers it.
    script = f"""
register LogisticRegression.`{model}` as lr_score options version="best";
set streamName="cluster_scores";
load rate.`` options rowsPerSecond="20" as ticks;
select value as id, lr_score({features}) as prediction from ticks as scored;
save append scored as parquet.`{out}` options duration="1";
"""
    path = cluster.base / "stream.mlsql"
    path.write_text(script)
    runner = subprocess.Popen(
        [MLSQL, "streams", "run", str(path), "--timeout", "400", "--quiet"],
        env=cluster.env(),
        cwd=cluster.base,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 400
        while not (out / "_checkpoint" / "commits" / "2").exists():
            assert runner.poll() is None, runner.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the stream committed no batch"
            time.sleep(1)
        stop = subprocess.run(
            [sys.executable, "-m", "mlsql.cli.main", "streams", "stop", "cluster_scores"],
            env=cluster.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert stop.returncode == 0, stop.stderr
        _, err = runner.communicate(timeout=180)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.communicate()
    assert runner.returncode == 0, err[-3000:]
    scores = pd.read_parquet(out)
    assert len(scores) > 0
    assert set(scores["prediction"].unique()) <= {0.0, 1.0}
