"""`spark-submit mlsql/submit.py script.mlsql`: real spark-submit runs on local and local-cluster.

`local-cluster[2,1,1024]` starts a standalone master and two executor JVMs, so these runs prove
that nothing in a script's path assumes one process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import mlsql.submit

ROOT = Path(__file__).resolve().parents[2]
SPARK_SUBMIT = Path(sys.executable).parent / "spark-submit"
SUBMIT_TIMEOUT_S = 480

pytestmark = pytest.mark.slow

BATCH_SCRIPT = """
load sklearn.`iris` as iris;
select label, count(*) as n from iris group by label order by label as by_label;
save overwrite by_label as parquet.`${out}`;
load parquet.`${out}` as back;
select label, n from back where n >= ${min_n} order by label as result;
"""

TRAIN_SCRIPT = """
load sklearn.`iris` as iris;
train iris as RandomForest.`${model}` where labelCol="label" and fitParam.0.n_estimators="10";
register RandomForest.`${model}` as rf;
select rf(sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm) as p, label
  from iris as out;
save overwrite out as parquet.`${predictions}`;
"""


def spark_submit(
    master: str, script: Path, *args: str, work: Path, conf: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """Run the submit entry through the venv's spark-submit; returns the finished process."""
    env = dict(
        os.environ,
        PYSPARK_PYTHON=sys.executable,
        PYSPARK_DRIVER_PYTHON=sys.executable,
        MLSQL_WORK_DIR=str(work),
    )
    command = [
        str(SPARK_SUBMIT),
        "--master",
        master,
        "--conf",
        "spark.ui.enabled=false",
        "--conf",
        "spark.sql.shuffle.partitions=2",
        *(arg for item in conf for arg in ("--conf", item)),
        mlsql.submit.__file__,
        str(script),
        *args,
    ]
    return subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=SUBMIT_TIMEOUT_S
    )


@pytest.mark.parametrize("master", ["local[2]", "local-cluster[2,1,1024]"])
def test_batch_script_runs_on_the_given_master(master: str, tmp_path: Path) -> None:
    script = tmp_path / "batch.mlsql"
    script.write_text(BATCH_SCRIPT)
    out = tmp_path / "by_label"
    # Spark's INFO lines (quiet by default) show the standalone cluster starting.
    logs = ("spark.log.level=INFO",) if master.startswith("local-cluster") else ()
    done = spark_submit(
        master,
        script,
        "--set",
        f"out={out}",
        "--set",
        "min_n=1",
        "--output",
        "csv",
        work=tmp_path,
        conf=logs,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines() == ["label,n", "0,50", "1,50", "2,50"]
    assert any(out.glob("*.parquet"))
    if master.startswith("local-cluster"):
        assert "Starting Spark master" in done.stderr  # the standalone cluster really ran


def test_failing_script_exits_non_zero_with_the_rendered_error(tmp_path: Path) -> None:
    script = tmp_path / "broken.mlsql"
    script.write_text("load sklearn.`iris` as iris;\nselect no_such_column from iris as t;\n")
    done = spark_submit("local[1]", script, work=tmp_path)
    assert done.returncode == 1
    output = done.stdout + done.stderr  # spark-submit merges Python's stderr into its stdout
    assert "analysis error in select statement at line 2" in output
    assert "unknown column" in output and "no_such_column" in output
    assert "   2 | select no_such_column from iris as t;" in output
    assert "Traceback (most recent call last)" not in output
    assert "SQLQueryContextLogger" not in output  # PySpark's JSON error record is muted


def test_bad_arguments_are_an_error_without_spark(tmp_path: Path) -> None:
    script = tmp_path / "s.mlsql"
    script.write_text("select 1 as one as t;")
    done = subprocess.run(
        [sys.executable, mlsql.submit.__file__, str(script), "--set", "novalue"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, MLSQL_WORK_DIR=str(tmp_path), MLSQL_SPARK__MASTER="local[1]"),
    )
    assert done.returncode == 1
    assert "expected KEY=VALUE, got 'novalue'" in done.stderr


def test_train_register_predict_on_local_cluster(tmp_path: Path) -> None:
    import pandas as pd

    script = tmp_path / "train.mlsql"
    script.write_text(TRAIN_SCRIPT)
    model, predictions = tmp_path / "m", tmp_path / "p"
    done = spark_submit(
        "local-cluster[2,1,1024]",
        script,
        "--set",
        f"model={model}",
        "--set",
        f"predictions={predictions}",
        work=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    frame = pd.read_parquet(predictions)
    assert len(frame) == 150
    assert (frame["p"] == frame["label"]).mean() > 0.9


def test_streaming_script_runs_until_the_stream_timeout(tmp_path: Path) -> None:
    script = tmp_path / "stream.mlsql"
    script.write_text(
        'set streamName="submitted";\n'
        'load rate.`` options rowsPerSecond="10" as ticks;\n'
        'save append ticks as parquet.`${out}` options duration="1";\n'
    )
    out = tmp_path / "ticks"
    done = spark_submit(
        "local[2]", script, "--set", f"out={out}", "--stream-timeout", "15", work=tmp_path
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "streams running: submitted" in output
    assert "streams stopped after 15 s: submitted" in output
    assert (out / "_checkpoint" / "commits" / "1").exists()
