"""Throughput of the training-data path as `train` runs it, vs `toPandas()` to the same matrix.

Generates `--rows` x `--cols` float64 columns in Spark (`spark.range` + `rand`; the last column
is the label), caches them, then times, in the same run and alternately:

(a) kafka, as `train` runs it: first the executors write EVERYTHING
    (`mlsql.engine.training.datapath.write_table`, once per writer of `--sinks`: `python` =
    `mapInArrow` with `write_arrow_partition`, a librdkafka producer per task; `mapinarrow` =
    `mapInArrow` encodes in Python, Spark's JVM Kafka sink sends; `jvm` (the default of
    `train`) = the executor JVM encodes (`KafkaArrowRows` in mlsql-functions.jar), Spark's JVM
    Kafka sink sends, no Python worker; the Spark action returns when every task has
    finished), THEN the training worker reads the
    topic into the matrix a model trains on: `read_arrow_batches` -> `frame_source` ->
    `read_frame` (the worker's own code, `mlsql.models.dataset`) -> numpy `X` (features) and
    `y` (label). The reader is a separate process started beforehand (its Python imports are
    start-up, excluded like the Spark session is for toPandas); its Kafka connection is timed.
(b) toPandas: `df.toPandas()` with Arrow enabled, then the same `X`, `y`.

Prints seconds (best of `--repeat`, after one warm-up run of each), rows/s, MB/s (of float
payload), CPU seconds per process group (Spark JVM + Python workers + driver, broker, reader;
needs psutil), the write/read split, and the ratio toPandas / ours (throughput). Never fails on
a timing. `--profile` prints a cProfile of the reader process. `--out` writes the table with
the machine's description to bench/results/kafka_throughput.md. Run:

    .venv/bin/python bench/kafka_throughput.py [--rows 1000000] [--partitions 8] [--profile]

Earlier tuning of the kafka-python client (2 shared cores, CPU seconds per 160 MB): messages of
about 1 MB cost its producer and the broker least; consumer fetches of 8-16 MB took half the
reader CPU of 32-64 MB ones; its recv(4096) loop replaced by 256 KB reads -40% reader CPU; broker
JVM with 16 MB G1 regions and C1 only ~1.0 -> ~0.4 s broker CPU. What the librdkafka client
(confluent-kafka) changed is in the README's performance table and bench/results/.
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
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlsql.config import Config  # noqa: E402
from mlsql.kafka import transport as tr  # noqa: E402
from mlsql.kafka.broker import EmbeddedBroker  # noqa: E402

LABEL = "label"
SINK_NAMES = {
    "python": "write all (librdkafka in tasks)",
    "mapinarrow": "write all (mapInArrow + JVM sink)",
    "jvm": "write all (JVM encoder + JVM sink)",
}


def sink_name(sink: str) -> str:
    """The row name of writer `sink` (`jvm@4`: the jvm writer with 4 MB messages)."""
    name, _, mb = sink.partition("@")
    return SINK_NAMES[name] + (f" {mb} MB messages" if mb else "")


def message_size(sink: str, default: int) -> int:
    """The Kafka message target of `sink` in bytes (`jvm@4` -> 4 MB)."""
    _, _, mb = sink.partition("@")
    return int(float(mb) * 1024 * 1024) if mb else default


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--partitions", type=int, default=8, help="Spark partitions (writers)")
    parser.add_argument("--kafka-partitions", type=int, default=4)
    parser.add_argument("--batch-rows", type=int, default=10_000, help="Spark Arrow batch rows")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each method (best counts)")
    parser.add_argument(
        "--sinks",
        default="python,mapinarrow,jvm",
        help="writers to time: python (librdkafka), mapinarrow (Python encoder), jvm (JVM "
        "encoder); jvm@4 = jvm with 4 MB messages (default 1)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the reader process")
    parser.add_argument("--out", action="store_true", help="write bench/results/*.md")
    parser.add_argument("--reader", help=argparse.SUPPRESS)  # internal: run as the reader
    return parser.parse_args(argv)


def to_matrix(df: Any) -> tuple[Any, Any]:
    """The features `X` (float64 matrix) and label `y` a model trains on, from a pandas frame."""
    import numpy as np

    features = [c for c in df.columns if c != LABEL]
    return df[features].to_numpy(np.float64), df[LABEL].to_numpy()


def run_reader(spec: str) -> None:
    """Reader process: after "go", read one pass into X, y; print timing JSON."""
    from mlsql.models.dataset import frame_source, read_frame

    args = json.loads(spec)
    ref = tr.TopicRef(**args["ref"])
    profiler = cProfile.Profile() if args["profile"] else None
    print("ready", flush=True)
    sys.stdin.readline()  # the writers are done
    start = time.time()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start_cpu = usage.ru_utime + usage.ru_stime
    if profiler:
        profiler.enable()

    def batches() -> Iterator[Any]:
        return tr.read_arrow_batches(ref, group_id="bench", timeout_s=120)

    frame = read_frame(frame_source(batches))
    read_at = time.time()
    x, y = to_matrix(frame)
    end = time.time()
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - start_cpu
    result = {"rows": len(y), "cols": x.shape[1], "start": start, "read": read_at, "end": end}
    print(json.dumps({**result, "cpu": cpu}), flush=True)


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

    names = [f"c{i}" for i in range(args.cols - 1)] + [LABEL]
    cols = [F.rand(seed=i).alias(name) for i, name in enumerate(names)]
    df = spark.range(0, args.rows, numPartitions=args.partitions).select(*cols).cache()
    df.count()
    return df


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


def time_kafka(
    df: Any, bootstrap: str, args: argparse.Namespace, run: str, meter: CpuMeter, sink: str
) -> Run:
    """One run as `train` does it: every executor writes (`write_table` with `sink`), then the
    worker reads into X, y."""
    from mlsql.engine.training.datapath import write_table
    from mlsql.kafka import messages

    default_message = messages.MESSAGE_TARGET_BYTES

    ref = tr.TopicRef(
        bootstrap, f"bench.{os.getpid()}.{sink.replace('@', '_')}.{run}", partitions=0
    )
    tr.create_topic(bootstrap, ref.topic, num_partitions=args.kafka_partitions)
    spec = json.dumps(
        {"ref": {**ref.__dict__, "partitions": args.partitions}, "profile": args.profile}
    )
    command = [sys.executable, __file__, "--reader", spec]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdin and proc.stdout
        proc.stdout.readline()  # "ready": the reader's imports are done (start-up)
        before = meter.snapshot()
        messages.MESSAGE_TARGET_BYTES = message_size(sink, default_message)
        start = time.time()
        ref, written = write_table(df, ref, sink=sink.split("@")[0])
        written_at = time.time()
        messages.MESSAGE_TARGET_BYTES = default_message
        proc.stdin.write("go\n")
        proc.stdin.flush()
        result = json.loads(proc.stdout.readlines()[-1])
        cpu = meter.spent(before, meter.snapshot())
        proc.wait(timeout=60)
    tr.delete_topic(bootstrap, ref.topic)
    assert written == result["rows"] == args.rows, (written, result)
    write_s, read_s = written_at - start, result["read"] - result["start"]
    matrix_s = result["end"] - result["read"]
    cpu = {**cpu, "reader": result["cpu"]}
    marks = {"write": write_s, "read": read_s, "matrix": matrix_s}
    return Run(write_s + read_s + matrix_s, cpu, marks)


def time_to_pandas(df: Any, meter: CpuMeter) -> Run:
    """One `df.toPandas()` to the same X, y."""
    before = meter.snapshot()
    start = time.time()
    pdf = df.toPandas()
    read_at = time.time()
    x, y = to_matrix(pdf)
    end = time.time()
    run = Run(end - start, meter.spent(before, meter.snapshot()))
    run.marks = {"toPandas": read_at - start, "matrix": end - read_at}
    assert len(y) == df.count() and x.shape[1] == len(df.columns) - 1
    return run


def report(args: argparse.Namespace, kafka: dict[str, list[Run]], pandas: list[Run]) -> str:
    """The table of figures and the ratio (also printed)."""
    mb = args.rows * args.cols * 8 / 1e6
    lines = [
        f"{args.rows:,} rows x {args.cols} float64 ({mb:.0f} MB; {args.cols - 1} features + "
        f"label) into numpy X, y; {args.partitions} Spark partitions, {args.kafka_partitions} "
        f"Kafka partitions, Arrow batches of {args.batch_rows:,} rows, local[2], load average "
        f"at the end {os.getloadavg()[0]:.1f}",
        f"{'path':<48}{'best s':>7}{'runs s':>31}{'rows/s':>11}{'MB/s':>7}  "
        "CPU s and phases of the best run",
    ]
    paths = [(f"{sink_name(sink)}, then read", runs) for sink, runs in kafka.items()]
    for name, runs in [*paths, ("toPandas (Arrow)", pandas)]:
        best = min(runs, key=lambda r: r.seconds)
        listed = " ".join(f"{r.seconds:.2f}" for r in runs)
        cpu = " ".join(f"{k}={v:.2f}" for k, v in best.cpu.items())
        cpu += "; " + " ".join(f"{k} {v:.2f} s" for k, v in best.marks.items())
        lines.append(
            f"{name:<48}{best.seconds:>7.2f}{listed:>31}{args.rows / best.seconds:>11,.0f}"
            f"{mb / best.seconds:>7.1f}  {cpu}"
        )
    cpu_pandas = min(sum(r.cpu.values()) for r in pandas)
    for sink, runs in kafka.items():
        ratio = min(r.seconds for r in pandas) / min(r.seconds for r in runs)
        middle = median(r.seconds for r in pandas) / median(r.seconds for r in runs)
        line = (
            f"{sink_name(sink)}: ratio ours/toPandas throughput {ratio:.2f} (best runs; target"
            f" >= 0.70), {middle:.2f} (median runs)"
        )
        cpu_ours = min(sum(r.cpu.values()) for r in runs)
        if cpu_ours > 0:
            line += (
                f"; CPU s (least of the runs) ours {cpu_ours:.2f}, toPandas {cpu_pandas:.2f}, "
                f"ratio toPandas/ours {cpu_pandas / cpu_ours:.2f} (robust to the load of others)"
            )
        lines.append(line)
    text = "\n".join(lines)
    print("\n" + text)
    return text


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark."""
    args = parse_args(argv)
    if args.reader:
        run_reader(args.reader)
        return
    import logging

    logging.basicConfig(level=logging.WARNING)  # a JVM encoder that falls back says so
    logging.getLogger("mlsql.engine.training.datapath").setLevel(logging.DEBUG)
    load_at_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-kafka-") as work:
        config = Config.load(work_dir=work)
        with EmbeddedBroker(config) as broker:
            spark = spark_session(args, config)
            df = make_data(spark, args)
            assert broker.process is not None
            meter = CpuMeter(broker.process.pid)
            bootstrap = broker.bootstrap_servers
            time_to_pandas(df, meter)  # warm-up: JIT, Python workers, broker
            sinks = args.sinks.split(",")
            for sink in sinks:
                time_kafka(df, bootstrap, args, "warm", meter, sink)
            kafka: dict[str, list[Run]] = {sink: [] for sink in sinks}
            pandas = []
            for run in range(args.repeat):  # alternately, so the load of others hits all alike
                for sink in sinks:
                    kafka[sink].append(time_kafka(df, bootstrap, args, str(run), meter, sink))
                pandas.append(time_to_pandas(df, meter))
            spark.stop()
    table = report(args, kafka, pandas)
    if args.out:
        from machine import write_results

        title = "Training-data path (Kafka) vs toPandas, to numpy X, y"
        print(write_results("kafka_throughput", title, table, load_at_start))


if __name__ == "__main__":
    main()
