"""Issue 19.12: spark-submit applies the configuration file as the CLI does: the Spark UI off
(or on loopback), driver services on loopback for a local master, Spark's logs quiet, and
every `[spark.conf]` setting the submit command left unset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import mlsql.submit
from mlsql.config import Config
from mlsql.submit_spark import settings_to_apply

ROOT = Path(__file__).resolve().parents[2]
SPARK_SUBMIT = Path(sys.executable).parent / "spark-submit"


def _conf(**values: str) -> object:
    from pyspark import SparkConf

    conf = SparkConf(loadDefaults=False)
    for key, value in values.items():
        conf.set(key.replace("_", "."), value)
    return conf


def test_command_line_wins_and_the_file_fills_the_rest() -> None:
    config = Config.load()
    submitted = _conf(spark_master="local[2]", spark_ui_enabled="true")
    settings = settings_to_apply(config, submitted, local_ip=None)
    assert "spark.ui.enabled" not in settings  # given on the spark-submit command line
    assert settings["spark.ui.showConsoleProgress"] == "false"  # from conf/mlsql.toml
    assert settings["spark.driver.bindAddress"] == "127.0.0.1"
    assert settings["spark.log.level"] == config.spark.log_level.upper()
    assert "spark.driver.memory" not in settings  # the driver JVM is already running


def test_no_loopback_binding_on_a_cluster_master_or_with_spark_local_ip() -> None:
    config = Config.load()
    on_cluster = settings_to_apply(config, _conf(spark_master="spark://h:7077"), local_ip=None)
    assert "spark.driver.bindAddress" not in on_cluster
    with_ip = settings_to_apply(config, _conf(spark_master="local[1]"), local_ip="10.0.0.5")
    assert "spark.driver.bindAddress" not in with_ip


@pytest.mark.slow
def test_real_spark_submit_applies_the_configuration(tmp_path: Path) -> None:
    events = tmp_path / "events"
    events.mkdir()
    script = tmp_path / "one.mlsql"
    script.write_text("select 1 as a as t;\n")
    extra = {
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": events.as_uri(),
        "spark.eventLog.compress": "false",
        "spark.eventLog.rolling.enabled": "false",
    }
    env = dict(
        os.environ,
        PYSPARK_PYTHON=sys.executable,
        PYSPARK_DRIVER_PYTHON=sys.executable,
        MLSQL_WORK_DIR=str(tmp_path / "work"),
        MLSQL_SPARK__CONF=json.dumps(extra),  # merged over conf/mlsql.toml's [spark.conf]
    )
    env.pop("SPARK_LOCAL_IP", None)
    done = subprocess.run(
        [str(SPARK_SUBMIT), "--master", "local[1]", mlsql.submit.__file__, str(script)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=480,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "│ 1 │" in output
    # the configuration's settings reached the SparkContext (the event log is one of them)
    (log,) = list(events.iterdir())
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    (env_update,) = [r for r in records if r["Event"] == "SparkListenerEnvironmentUpdate"]
    props = env_update["Spark Properties"]
    props = dict(props) if isinstance(props, list) else props
    assert props["spark.ui.enabled"] == "false"
    assert props["spark.ui.showConsoleProgress"] == "false"
    assert props["spark.driver.bindAddress"] == "127.0.0.1"
    assert props["spark.sql.session.timeZone"] == "UTC"
    # quiet: no Spark UI, and at most the context's first lines before the level applies
    assert "SparkUI" not in output and "Start Jetty" not in output
    info = [line for line in output.splitlines() if " INFO " in line]
    assert len(info) <= 3, info
