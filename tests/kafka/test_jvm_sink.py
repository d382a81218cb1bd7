"""Spark's JVM Kafka sink writes the Arrow payloads; the reader keeps one complete attempt each.

The sink has no transactions, so these tests write what a dying or retried task leaves in the
topic (partial data, a marker whose count is short, a second complete copy) and check that the
reader trains on exactly one complete copy of each Spark partition.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from mlsql.engine.training.datapath import write_table
from mlsql.kafka import transport as tr
from mlsql.kafka.sink import kafka_rows, sink_options
from mlsql.kafka.writer import _close

ROOT = Path(__file__).resolve().parents[2]


def _batches(part: int, count: int, rows: int) -> Iterator[pa.RecordBatch]:
    rng = np.random.default_rng(part)
    for i in range(count):
        yield pa.RecordBatch.from_pydict(
            {
                "part": np.full(rows, part, dtype=np.int32),
                "row": np.arange(i * rows, (i + 1) * rows, dtype=np.int64),
                "x": rng.random(rows),
            }
        )


def _produce_rows(ref: tr.TopicRef, rows: list[pa.RecordBatch]) -> None:
    """Send `kafka_rows` output as Spark's sink would (plain idempotent producer, in order)."""
    from confluent_kafka import Producer

    errors: list[Any] = []
    producer = Producer(
        {
            "bootstrap.servers": ref.bootstrap_servers,
            "enable.idempotence": True,
            "batch.size": ref.max_message_bytes - 4096,  # a batch must fit the topic's limit
            "message.max.bytes": ref.max_message_bytes,
        }
    )
    try:
        for batch in rows:
            row = batch.to_pylist()[0]
            headers = [(h["key"], h["value"]) for h in row["headers"]]
            producer.produce(
                ref.topic,
                row["value"],
                partition=row["partition"],
                headers=headers,
                on_delivery=lambda err, _msg: errors.append(err) if err else None,
            )
        assert producer.flush(20) == 0 and not errors, errors
    finally:
        _close(producer)


def _read(ref: tr.TopicRef, timeout_s: float = 20) -> pa.Table:
    batches = list(tr.read_arrow_batches(ref, group_id="test", timeout_s=timeout_s))
    return pa.Table.from_batches(batches).sort_by([("part", "ascending"), ("row", "ascending")])


def test_partial_and_short_attempts_are_dropped(kafka_broker: str, topic: str) -> None:
    ref = tr.TopicRef(kafka_broker, topic, partitions=2, max_message_bytes=256 * 1024)
    tr.create_topic(kafka_broker, topic, num_partitions=2, max_message_bytes=256 * 1024)
    died = list(kafka_rows(ref, 2, 0, b"1", _batches(0, 3, 20_000)))
    assert len(died) > 3  # several messages, then the marker
    _produce_rows(ref, died[:2])  # a task that died midway: no end marker
    short = list(kafka_rows(ref, 2, 1, b"2", _batches(1, 2, 20_000)))
    _produce_rows(ref, short[:1] + short[-1:])  # lost data, marker sent: an incomplete attempt
    _produce_rows(ref, list(kafka_rows(ref, 2, 0, b"3", _batches(0, 3, 20_000))))
    _produce_rows(ref, list(kafka_rows(ref, 2, 1, b"4", _batches(1, 2, 20_000))))
    _produce_rows(ref, list(kafka_rows(ref, 2, 0, b"5", _batches(0, 3, 20_000))))  # 2nd copy
    expected = pa.Table.from_batches([*_batches(0, 3, 20_000), *_batches(1, 2, 20_000)])
    assert _read(ref).equals(expected)


def test_incomplete_attempt_is_named_on_timeout(kafka_broker: str, topic: str) -> None:
    ref = tr.TopicRef(kafka_broker, topic, partitions=1)
    tr.create_topic(kafka_broker, topic, num_partitions=1)
    rows = list(kafka_rows(ref, 1, 0, b"1", _batches(0, 2, 10)))
    _produce_rows(ref, rows[-1:])  # only the marker
    with pytest.raises(tr.TransportTimeout, match="partition 0: an attempt announced 20 rows"):
        list(tr.read_arrow_batches(ref, group_id="test", timeout_s=2))


def test_spark_writes_through_the_jvm_sink(arrow_spark: Any, kafka_broker: str, topic: str) -> None:
    df = arrow_spark.range(0, 30_000, numPartitions=5).selectExpr(
        "id", "cast(id % 7 as int) as label", "rand(1) as x", "concat('r', id) as name"
    )
    df = df.filter("id < 10000 or id >= 18000")  # Spark partition 2 is empty
    tr.create_topic(kafka_broker, topic, num_partitions=2)
    ref, rows = write_table(df, tr.TopicRef(kafka_broker, topic, 0), sink="jvm")
    assert ref.partitions == 5 and rows == 22_000
    got = pa.Table.from_batches(list(tr.read_arrow_batches(ref, group_id="t", timeout_s=30)))
    expected = pa.Table.from_pandas(df.toPandas(), preserve_index=False)
    assert got.sort_by("id").equals(expected.cast(got.schema).sort_by("id"))


def test_unknown_sink_is_refused(arrow_spark: Any, kafka_broker: str) -> None:
    with pytest.raises(ValueError, match="unknown Kafka sink 'scala'"):
        write_table(arrow_spark.range(1), tr.TopicRef(kafka_broker, "t", 0), sink="scala")


RETRY_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from pyspark.sql import SparkSession
    from pyspark import TaskContext
    from mlsql.kafka import transport as tr
    from mlsql.kafka.sink import SPARK_SCHEMA, kafka_rows, sink_options

    bootstrap, topic, jars = sys.argv[1:4]
    spark = (SparkSession.builder.master("local[2,2]").config("spark.jars", jars)
             .config("spark.ui.enabled", "false").getOrCreate())
    ref = tr.TopicRef(bootstrap, topic, 0, max_message_bytes=256 * 1024)

    def encode(batches):
        ctx = TaskContext.get()
        attempt = str(ctx.taskAttemptId()).encode()
        for n, row in enumerate(kafka_rows(ref, 2, ctx.partitionId(), attempt, batches)):
            if ctx.attemptNumber() == 0 and ctx.partitionId() == 1 and n == 2:
                raise RuntimeError("task dies midway")
            yield row

    df = spark.range(0, 120_000, numPartitions=3).selectExpr("id", "rand(2) as x")
    df.mapInArrow(encode, SPARK_SCHEMA).write.format("kafka").options(**sink_options(ref)).save()
    print("written")
    """
)


def run_retry_script(
    text: str, kafka_config: Any, bootstrap: str, topic: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """Runs a retry script (its own `local[2,2]` Spark: two attempts per task) against a new
    two-partition topic; the script gets the bootstrap servers, the topic and the Spark jars."""
    tr.create_topic(bootstrap, topic, num_partitions=2, max_message_bytes=256 * 1024)
    jars = ",".join(str(j) for j in kafka_config.spark_jars())
    script = tmp_path / "retry.py"
    script.write_text(text, encoding="utf-8")
    env = {"PYSPARK_PYTHON": sys.executable, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(script), bootstrap, topic, jars],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **env},
    )


def test_a_retried_spark_task_is_read_once(
    kafka_config: Any, kafka_broker: str, topic: str, tmp_path: Path
) -> None:
    """A real Spark retry (local[2,2]: two attempts per task) under the JVM sink."""
    done = run_retry_script(RETRY_SCRIPT, kafka_config, kafka_broker, topic, tmp_path)
    assert "written" in done.stdout, done.stderr[-3000:]
    assert "task dies midway" in done.stderr  # the first attempt really failed
    ref = tr.TopicRef(kafka_broker, topic, partitions=3, max_message_bytes=256 * 1024)
    got = pa.Table.from_batches(list(tr.read_arrow_batches(ref, group_id="t", timeout_s=30)))
    ids = np.sort(got.column("id").to_numpy())
    assert np.array_equal(ids, np.arange(120_000))


def test_sink_options_fit_the_topic_limit() -> None:
    options = sink_options(tr.TopicRef("h:1", "t", 1, max_message_bytes=4 * 1024 * 1024))
    assert int(options["kafka.max.request.size"]) > 4 * 1024 * 1024
    assert options["topic"] == "t" and options["kafka.enable.idempotence"] == "true"
