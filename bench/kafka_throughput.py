"""Throughput of the training-data path: Spark -> Kafka -> a reader process, vs `toPandas()`.

Generates `--rows` x `--cols` float64 columns in Spark (`spark.range` + `rand`), caches them, then
times, in the same run:

(a) kafka: `mapInArrow` writing every Spark partition with `write_arrow_partition`, while a
    separate reader process (started beforehand, waiting) consumes the whole topic into a
    `pyarrow.Table` with `read_arrow_batches`; end to end, from the Spark action to the reader's
    last row;
(b) toPandas: `df.toPandas()` with Arrow enabled, on the same cached DataFrame.

Prints a table of seconds (best of `--repeat`, after one warm-up run of each), rows/s, MB/s (of
float payload), CPU seconds per process group (Spark JVM + Python workers + driver, broker,
reader; needs psutil) and the ratio ours / toPandas. CPU seconds matter on a shared machine:
wall times swing with the load of other processes, CPU seconds much less. Never fails on a
timing. `--profile` prints a cProfile of the reader process (its main thread; kafka-python's
network thread shows as lock waits). Run:

    .venv/bin/python bench/kafka_throughput.py [--rows 1000000] [--partitions 8] [--profile]

What was measured and tuned (2 shared cores; CPU seconds per 160 MB, A/B in one process):
message size 0.5/1/2/4/8 MB -> 1 MB cost the producer and broker least; consumer fetches of
8-16 MB took half the reader CPU of 32-64 MB ones; kafka-python's recv(4096) loop replaced by
256 KB reads (mlsql.kafka.socket_reads) -40% reader CPU; broker JVM with 16 MB G1 regions and
C1 only (mlsql.kafka.broker_process) ~1.0 -> ~0.4 s broker CPU; producer connect and
init_transactions overlapped with reading the Spark input. What remains: the Spark job itself
(JVM -> Python worker Arrow, as in toPandas) plus ~0.4 s producer, ~0.4-0.6 s broker and
~0.5 s reader CPU, all on the same 2 cores: the writers finish last and the reader keeps up.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlsql.config import Config  # noqa: E402
from mlsql.kafka import transport as tr  # noqa: E402
from mlsql.kafka.broker import EmbeddedBroker  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--partitions", type=int, default=8, help="Spark partitions (writers)")
    parser.add_argument("--kafka-partitions", type=int, default=4)
    parser.add_argument("--batch-rows", type=int, default=10_000, help="Spark Arrow batch rows")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each method (best counts)")
    parser.add_argument("--profile", action="store_true", help="cProfile the reader process")
    parser.add_argument("--reader", help=argparse.SUPPRESS)  # internal: run as the reader
    return parser.parse_args(argv)


def run_reader(spec: str) -> None:
    """Reader process: read one pass into a Table, print timing JSON (optionally profiled)."""
    args = json.loads(spec)
    ref = tr.TopicRef(**args["ref"])
    profiler = cProfile.Profile() if args["profile"] else None
    print("ready", flush=True)
    sys.stdin.readline()  # wait until the writer side is about to start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start_cpu = usage.ru_utime + usage.ru_stime
    if profiler:
        profiler.enable()
    batches = list(tr.read_arrow_batches(ref, group_id="bench", timeout_s=120))
    table = __import__("pyarrow").Table.from_batches(batches)
    end = time.time()
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - start_cpu
    print(
        json.dumps({"rows": table.num_rows, "bytes": table.nbytes, "end": end, "cpu": cpu}),
        flush=True,
    )


def spark_session(args: argparse.Namespace, config: Config) -> Any:
    """local[2] Spark with Arrow on."""
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    return (
        SparkSession.builder.master("local[2]")
        .appName("bench-kafka")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "3g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch_rows))
        .config("spark.jars", ",".join(str(j) for j in config.spark_jars()))
        .getOrCreate()
    )


def make_data(spark: Any, args: argparse.Namespace) -> Any:
    """`rows` x `cols` random doubles, cached and materialised."""
    from pyspark.sql import functions as F

    cols = [F.rand(seed=i).alias(f"c{i}") for i in range(args.cols)]
    df = spark.range(0, args.rows, numPartitions=args.partitions).select(*cols).cache()
    df.count()
    return df


def writer(ref: tr.TopicRef) -> Any:
    """Executor-side function for mapInArrow."""

    def write(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa
        from pyspark import TaskContext

        ctx = TaskContext.get()
        rows = tr.write_arrow_partition(ref, ctx.partitionId() if ctx else 0, batches)
        yield pa.RecordBatch.from_pydict({"rows": pa.array([rows], pa.int64())})

    return write


@dataclass
class Run:
    """One timed run: wall seconds and CPU seconds per process group."""

    seconds: float
    cpu: dict[str, float] = field(default_factory=dict)
    marks: dict[str, float] = field(default_factory=dict)


class CpuMeter:
    """CPU seconds of the Spark side (driver, JVM, Python workers) and of the broker."""

    def __init__(self, broker_pid: int) -> None:
        try:
            import psutil
        except ImportError:
            self.psutil = None
        else:
            self.psutil = psutil
        self.broker_pid = broker_pid

    def snapshot(self) -> dict[str, float]:
        """Cumulative CPU seconds now, per group (empty without psutil)."""
        if self.psutil is None:
            return {}
        me = self.psutil.Process()
        totals = {"spark": 0.0, "broker": 0.0}
        for proc in [me, *me.children(recursive=True)]:
            try:
                times = proc.cpu_times()
                group = "broker" if proc.pid == self.broker_pid else "spark"
                if "--reader" not in proc.cmdline():
                    totals[group] += times.user + times.system
            except self.psutil.Error:
                continue
        return totals

    @staticmethod
    def spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        return {key: after[key] - before.get(key, 0.0) for key in after}


def time_kafka(df: Any, bootstrap: str, args: argparse.Namespace, run: int, meter: CpuMeter) -> Run:
    """One end-to-end Spark -> Kafka -> reader-process run."""
    ref = tr.TopicRef(bootstrap, f"bench.{os.getpid()}.{run}", partitions=args.partitions)
    tr.create_topic(bootstrap, ref.topic, num_partitions=args.kafka_partitions)
    spec = json.dumps({"ref": ref.__dict__, "profile": args.profile})
    command = [sys.executable, __file__, "--reader", spec]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdin and proc.stdout
        proc.stdout.readline()  # "ready": imports and connection done
        before = meter.snapshot()
        start = time.time()
        proc.stdin.write("go\n")
        proc.stdin.flush()
        written = sum(row.rows for row in df.mapInArrow(writer(ref), "rows long").collect())
        written_at = time.time()
        result = json.loads(proc.stdout.readlines()[-1])
        cpu = meter.spent(before, meter.snapshot())
        proc.wait(timeout=60)
    tr.delete_topic(bootstrap, ref.topic)
    assert written == result["rows"] == args.rows, (written, result)
    cpu = {**cpu, "reader": result["cpu"]}
    return Run(result["end"] - start, cpu, {"writers done": written_at - start})


def time_to_pandas(df: Any, meter: CpuMeter) -> Run:
    """One `df.toPandas()`."""
    before = meter.snapshot()
    start = time.time()
    pdf = df.toPandas()
    run = Run(time.time() - start, meter.spent(before, meter.snapshot()))
    assert len(pdf) == df.count()
    return run


def report(args: argparse.Namespace, kafka: list[Run], pandas: list[Run]) -> None:
    """Print the table of figures and the ratio."""
    mb = args.rows * args.cols * 8 / 1e6
    print(
        f"\n{args.rows:,} rows x {args.cols} float64 ({mb:.0f} MB), {args.partitions} Spark "
        f"partitions, {args.kafka_partitions} Kafka partitions, Arrow batches of "
        f"{args.batch_rows:,} rows, local[2], load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'path':<30}{'best s':>7}{'runs s':>20}{'rows/s':>11}{'MB/s':>7}  CPU s of the best run"
    )
    for name, runs in (("Spark->Kafka->reader (ours)", kafka), ("toPandas (Arrow)", pandas)):
        best = min(runs, key=lambda r: r.seconds)
        listed = " ".join(f"{r.seconds:.2f}" for r in runs)
        cpu = " ".join(f"{k}={v:.2f}" for k, v in best.cpu.items())
        cpu += "".join(f"; {k} at {v:.2f} s" for k, v in best.marks.items())
        print(
            f"{name:<30}{best.seconds:>7.2f}{listed:>20}{args.rows / best.seconds:>11,.0f}"
            f"{mb / best.seconds:>7.1f}  {cpu}"
        )
    ratio = min(r.seconds for r in pandas) / min(r.seconds for r in kafka)
    print(f"ratio ours/toPandas throughput: {ratio:.2f} (target >= 0.70)")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark."""
    args = parse_args(argv)
    if args.reader:
        run_reader(args.reader)
        return
    with tempfile.TemporaryDirectory(prefix="bench-kafka-") as work:
        config = Config.load(work_dir=work)
        with EmbeddedBroker(config) as broker:
            spark = spark_session(args, config)
            df = make_data(spark, args)
            assert broker.process is not None
            meter = CpuMeter(broker.process.pid)
            bootstrap = broker.bootstrap_servers
            time_to_pandas(df, meter)  # warm-up: JIT, Python workers, broker
            time_kafka(df, bootstrap, args, -1, meter)
            kafka, pandas = [], []
            for run in range(args.repeat):
                kafka.append(time_kafka(df, bootstrap, args, run, meter))
                pandas.append(time_to_pandas(df, meter))
            spark.stop()
    report(args, kafka, pandas)


if __name__ == "__main__":
    main()
