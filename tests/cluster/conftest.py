"""A real cluster for the session: Spark standalone (a master, two 1-core workers) and a
three-broker KRaft Kafka cluster, both on loopback.

Drivers on the standalone master run in subprocesses (`mlsql run`, `mlsql serve`) so that the
shared local Spark session of the other tests is untouched; they reach the cluster through
configuration only: a TOML file named by `MLSQL_CONF` with `spark.master = "spark://…"` and
`kafka.bootstrap_servers = "a,b,c"`.

Select these tests with `-m cluster`, leave them out with `-m "not cluster"`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cluster.standalone import SparkStandalone

ROOT = Path(__file__).resolve().parents[2]
MLSQL = str(Path(sys.executable).with_name("mlsql"))


@dataclass
class Cluster:
    """The running cluster and how to run `mlsql` against it."""

    spark: SparkStandalone
    kafka: object  # mlsql.kafka.cluster.KafkaCluster
    base: Path
    conf_file: Path
    runs: list[float] = field(default_factory=list)
    started: dict[str, float] = field(default_factory=dict)  # run name -> start (monotonic)

    @property
    def bootstrap(self) -> str:
        return self.kafka.bootstrap_servers  # type: ignore[attr-defined]

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(MLSQL_CONF=str(self.conf_file), SPARK_LOCAL_IP="127.0.0.1", **extra)
        env.pop("MLSQL_TEST_MASTER", None)
        return env

    def start_run(self, script: str, name: str, **env: str) -> subprocess.Popen[str]:
        """Start `mlsql run <script> -o json` against the cluster (not waited for)."""
        path = self.base / f"{name}.mlsql"
        path.write_text(script)
        self.started[name] = time.monotonic()
        return subprocess.Popen(
            [MLSQL, "run", str(path), "-o", "json", "--limit", "0", "--quiet"],
            env=self.env(**env),
            cwd=self.base,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish(self, proc: subprocess.Popen[str], timeout_s: float = 300) -> RunOutcome:
        """Wait for a started run; on timeout kill it and fail with its error output."""
        started = time.monotonic()
        try:
            out, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate(timeout=30)
            pytest.fail(f"mlsql run did not end within {timeout_s}s:\n{err[-4000:]}")
        return RunOutcome(proc.returncode, out, err, time.monotonic() - started)

    def run(self, script: str, name: str, timeout_s: float = 300, **env: str) -> RunOutcome:
        """Run a script to its end; the outcome carries exit code, output and seconds."""
        started = time.monotonic()
        outcome = self.finish(self.start_run(script, name, **env), timeout_s)
        outcome.seconds = time.monotonic() - started
        self.runs.append(outcome.seconds)
        return outcome


@dataclass
class RunOutcome:
    """What one `mlsql run` printed."""

    code: int
    out: str
    err: str
    seconds: float

    def rows(self) -> list[dict[str, object]]:
        """The last table (`-o json`: one JSON array of objects)."""
        assert self.code == 0, f"mlsql run failed ({self.code}):\n{self.err[-4000:]}"
        text = self.out.strip()
        data = json.loads(text[text.index("[") :])
        return list(data)


def _conf_text(base: Path, master: str, bootstrap: str) -> str:
    return f"""
work_dir = "{base / "work"}"

[spark]
master = "{master}"
log_level = "ERROR"

[spark.conf]
"spark.sql.shuffle.partitions" = "4"
"spark.ui.enabled" = "false"
"spark.ui.showConsoleProgress" = "false"
"spark.driver.host" = "127.0.0.1"
"spark.driver.bindAddress" = "127.0.0.1"
"spark.driver.memory" = "1g"
"spark.executor.memory" = "768m"
"spark.task.maxFailures" = "4"

[kafka]
bootstrap_servers = "{bootstrap}"
start_timeout_s = 120
"""


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """Spark standalone (1 master, 2 workers) + a three-broker Kafka cluster, for the session."""
    from mlsql.config import Config
    from mlsql.kafka.cluster import KafkaCluster

    # Not pytest's tmp folder: other test runs rotate those away while the logs are wanted.
    base = Path(tempfile.mkdtemp(prefix="mlsql-cluster-"))
    # A SIGTERM (e.g. `timeout`) unwinds like Ctrl-C, so the JVMs below are stopped, not leaked.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    spark = SparkStandalone(base / "spark", workers=2)
    kafka = KafkaCluster(Config.load(work_dir=str(base / "work")), 3, base / "kafka")
    try:
        spark.start()
        kafka.start()
        conf = base / "mlsql.toml"
        conf.write_text(_conf_text(base, spark.url, kafka.bootstrap_servers))
        yield Cluster(spark, kafka, base, conf)
    finally:
        kafka.stop(timeout_s=10)
        spark.stop()
        signal.signal(signal.SIGTERM, previous)
    shutil.rmtree(base, ignore_errors=True)  # kept when the session failed to start or stop
