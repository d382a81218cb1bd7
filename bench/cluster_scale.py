"""A large table trained through Kafka on Spark standalone: driver and worker memory, quality.

Starts (unless `--master`/`--kafka` name existing ones) a Spark standalone cluster (a master and
two 1-core workers from the installed pyspark, `tests/cluster/standalone.py`) and a three-broker
KRaft cluster (`mlsql.kafka.cluster.KafkaCluster`), then for each size in `--rows` (default
1,000,000 then 10,000,000 rows) runs, through `mlsql run` with `spark.driver.memory=1g`:

    select id, rand(s1) as x0, … , label from range(N)   -- generated on the executors
    train t as LogisticRegression.`…` where labelCol="label"

The table never passes through the driver: the executors generate it and write it into the job's
Kafka topic, and one training worker reads it. Every 0.5 s the script samples the resident
memory (RSS, /proc through psutil) of the driver (the `mlsql run` Python process and the JVM it
starts) and of the training worker process, and prints per size: seconds, peak RSS of the
driver and of the worker, rows the worker read, accuracy, AUC and the ratio of the two sizes.
Never fails on a figure; each run is bounded by `--timeout` (killed after it). Run:

    .venv/bin/python bench/cluster_scale.py [--rows 1000000 10000000] [--features 20]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def script(rows: int, features: int, partitions: int, model: Path) -> str:
    """Generate `rows` x `features` on the executors (label logistic in the features), train."""
    cols = ", ".join(f"rand({i + 1}) * 2 - 1 as x{i}" for i in range(features))
    weights = [round(-1.5 + 3.0 * i / max(1, features - 1), 3) for i in range(features)]
    score = " + ".join(f"({w}) * x{i}" for i, w in enumerate(weights))
    return f"""
select id, {cols} from range(0, {rows}, 1, {partitions}) as raw;
select *, cast({score} + randn(99) * 0.5 > 0 as int) as label from raw as t;
train t as LogisticRegression.`{model}` where labelCol="label" and seed="1" as groups;
select status, accuracy, auc, seconds, error from groups as result;
"""


class PeakSampler:
    """Peak RSS of the driver tree (`mlsql run` and its JVM) and of the training worker.

    Training workers are looked for under `worker_pids` (the Spark workers started here), or
    anywhere on the machine for an external cluster.
    """

    def __init__(self, driver_pid: int, worker_pids: list[int], interval_s: float = 0.5) -> None:
        self.driver_pid = driver_pid
        self.worker_pids = worker_pids
        self.interval_s = interval_s
        self.driver_peak = 0
        self.worker_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.driver_peak = max(self.driver_peak, self._driver_rss())
            self.worker_peak = max(self.worker_peak, self._worker_rss())

    def _driver_rss(self) -> int:
        try:
            root = psutil.Process(self.driver_pid)
            tree = [root, *root.children(recursive=True)]
            return sum(_rss(p) for p in tree)
        except psutil.Error:
            return 0

    def _candidates(self) -> list[psutil.Process]:
        if not self.worker_pids:
            return list(psutil.process_iter())
        found = []
        for pid in self.worker_pids:
            try:
                found += psutil.Process(pid).children(recursive=True)
            except psutil.Error:
                continue
        return found

    def _worker_rss(self) -> int:
        peak = 0
        for proc in self._candidates():
            try:
                cmdline = " ".join(proc.cmdline())
            except psutil.Error:
                continue
            if "mlsql.workers.training" in cmdline:
                peak = max(peak, _rss(proc))
        return peak


def _rss(proc: psutil.Process) -> int:
    try:
        return int(proc.memory_info().rss)
    except psutil.Error:
        return 0


def conf_text(work: Path, master: str, bootstrap: str) -> str:
    return f"""
work_dir = "{work}"
[spark]
master = "{master}"
log_level = "ERROR"
[spark.conf]
"spark.ui.enabled" = "false"
"spark.driver.host" = "127.0.0.1"
"spark.driver.bindAddress" = "127.0.0.1"
"spark.driver.memory" = "1g"
"spark.executor.memory" = "768m"
[kafka]
bootstrap_servers = "{bootstrap}"
[training]
worker_timeout_s = 7200
"""


def run_size(
    conf: Path, base: Path, rows: int, args: argparse.Namespace, worker_pids: list[int]
) -> dict[str, object]:
    """One `mlsql run` of the generated table; its figures."""
    path = base / f"scale-{rows}.mlsql"
    path.write_text(script(rows, args.features, args.partitions, base / f"model-{rows}"))
    env = dict(os.environ, MLSQL_CONF=str(conf), SPARK_LOCAL_IP="127.0.0.1")
    mlsql = str(Path(sys.executable).with_name("mlsql"))
    started = time.monotonic()
    proc = subprocess.Popen(
        [mlsql, "run", str(path), "-o", "json", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with PeakSampler(proc.pid, worker_pids) as sampler:
        try:
            out, err = proc.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            err = f"killed after {args.timeout}s\n{err}"
    figures: dict[str, object] = {
        "rows": rows,
        "seconds": round(time.monotonic() - started, 1),
        "driver_peak_mb": round(sampler.driver_peak / 2**20),
        "worker_peak_mb": round(sampler.worker_peak / 2**20),
    }
    if proc.returncode == 0:
        (result,) = json.loads(out[out.index("[") :])
        figures.update(accuracy=result["accuracy"], auc=result["auc"], status=result["status"])
    else:
        figures.update(status="failed", error=err.strip().splitlines()[-1:] or [""])
    return figures


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per size")
    parser.add_argument("--master", help="an existing spark:// master (else one is started)")
    parser.add_argument("--kafka", help="existing bootstrap servers (else three brokers start)")
    args = parser.parse_args()

    from mlsql.config import Config
    from mlsql.kafka.cluster import KafkaCluster
    from tests.cluster.standalone import SparkStandalone

    base = Path(tempfile.mkdtemp(prefix="mlsql-scale-"))
    signal.signal(signal.SIGTERM, _interrupt)  # `timeout` stops the JVMs too
    spark = None if args.master else SparkStandalone(base / "spark", workers=2)
    kafka = None if args.kafka else KafkaCluster(Config.load(work_dir=str(base)), 3, base / "k")
    try:
        if spark is not None:
            spark.start()
        master = args.master or spark.url  # type: ignore[union-attr]
        bootstrap = args.kafka or kafka.start()  # type: ignore[union-attr]
        conf = base / "mlsql.toml"
        conf.write_text(conf_text(base / "work", master, bootstrap))
        pids = [p.pid for p in spark.worker_procs.values()] if spark is not None else []
        results = [run_size(conf, base, rows, args, pids) for rows in args.rows]
    finally:
        if kafka is not None:
            kafka.stop(timeout_s=10)
        if spark is not None:
            spark.stop()
    print(
        f"{'rows':>11} {'status':>8} {'s':>8} {'driver MB':>10} {'worker MB':>10} {'acc':>7} {'auc':>7}"
    )
    for r in results:
        print(
            f"{r['rows']:>11} {r['status']:>8} {r['seconds']:>8} {r['driver_peak_mb']:>10} "
            f"{r['worker_peak_mb']:>10} {r.get('accuracy', '-')!s:>7.7} {r.get('auc', '-')!s:>7.7}"
        )
        if r["status"] == "failed":
            print(f"{'':>11} error: {r['error']}")
    ok = [r for r in results if r["status"] == "success"]
    if len(ok) >= 2:
        small, large = ok[0], ok[-1]
        print(
            f"{large['rows']} vs {small['rows']} rows: accuracy {large['accuracy'] - small['accuracy']:+.4f}, "  # type: ignore[operator]
            f"driver peak x{large['driver_peak_mb'] / max(1, small['driver_peak_mb']):.2f}, "  # type: ignore[operator]
            f"worker peak x{large['worker_peak_mb'] / max(1, small['worker_peak_mb']):.2f}"  # type: ignore[operator]
        )


if __name__ == "__main__":
    main()
