"""The executor-JVM encoder (`mlsql.functions.KafkaArrowRows`) makes the Python encoder's rows.

Both encoders run on the same Spark DataFrame (ints, doubles, a string, a timestamp, a boolean,
an array, nulls, an empty partition); their payloads must decode to the same Arrow tables, their
headers and Kafka partitions must agree, and the reader must still drop a partial attempt.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from mlsql.engine.training import datapath
from mlsql.engine.training.datapath import write_table
from mlsql.kafka import transport as tr
from mlsql.kafka.arrow_codec import decode_batches
from mlsql.kafka.sink import SCHEMA, SPARK_SCHEMA, kafka_rows
from tests.kafka.test_jvm_sink import _produce_rows, run_retry_script

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 64 * 1024  # small messages: every partition is cut into several


def _table(spark: Any) -> Any:
    df = spark.range(0, 12_000, numPartitions=4).selectExpr(
        "id",
        "cast(id % 5 as int) as label",
        "if(id % 11 = 0, null, rand(3)) as x",
        "concat('row-', id) as name",
        "timestamp_seconds(1700000000 + id) as at",
        "id % 2 = 0 as even",
        "array(cast(id as double), rand(4)) as vec",
    )
    return df.filter("id < 6000 or id >= 9000")  # Spark partition 2 is empty


def _jvm_rows(df: Any, kafka_partitions: int = 2) -> tuple[list[dict[str, Any]], int]:
    from pyspark.sql import DataFrame

    encoder = df.sparkSession._jvm.mlsql.functions.KafkaArrowRows
    encoded = encoder.of(df._jdf, kafka_partitions, LIMIT - 4096, LIMIT - 4096)
    rows = DataFrame(encoded.rows(), df.sparkSession).collect()
    return [_as_dict(r) for r in rows], int(encoded.rowCount())


def _python_rows(df: Any, kafka_partitions: int = 2) -> list[dict[str, Any]]:
    ref = tr.TopicRef("unused:1", "t", 0, max_message_bytes=LIMIT)

    def encode(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext

        ctx = TaskContext.get()
        attempt = str(ctx.taskAttemptId()).encode()
        yield from kafka_rows(ref, kafka_partitions, ctx.partitionId(), attempt, batches)

    return [_as_dict(r) for r in df.mapInArrow(encode, SPARK_SCHEMA).collect()]


def _as_dict(row: Any) -> dict[str, Any]:
    headers = {h["key"]: bytes(h["value"]) for h in row["headers"]}
    return {"value": bytes(row["value"]), "headers": headers, "partition": row["partition"]}


def _by_partition(rows: list[dict[str, Any]]) -> dict[int, tuple[pa.Table | None, dict, set]]:
    """Spark partition -> (its rows decoded, its end marker, its Kafka partitions)."""
    out: dict[int, tuple[pa.Table | None, dict, set]] = {}
    for part in sorted({int(r["headers"]["p"]) for r in rows}):
        mine = [r for r in rows if int(r["headers"]["p"]) == part]
        data = [b for r in mine if r["headers"]["k"] == b"d" for b in decode_batches(r["value"])]
        (end,) = [r for r in mine if r["headers"]["k"] == b"e"]
        assert mine[-1] is end  # the marker is the partition's last row
        assert all(len(r["value"]) <= LIMIT - 4096 for r in mine)
        assert len({r["headers"]["a"] for r in mine}) == 1  # one attempt id per task
        table = pa.Table.from_batches(data) if data else None
        out[part] = (table, json.loads(end["value"]), {r["partition"] for r in mine})
    return out


def test_jvm_messages_decode_to_the_python_encoders_rows(arrow_spark: Any) -> None:
    df = _table(arrow_spark)
    jvm, counted = _jvm_rows(df)
    python = _python_rows(df)
    got, want = _by_partition(jvm), _by_partition(python)
    assert sorted(got) == sorted(want) == [0, 1, 2, 3]
    assert counted == df.count() == 9_000
    for part, (table, marker, targets) in got.items():
        ptable, pmarker, ptargets = want[part]
        assert targets == ptargets == {part % 2}
        assert marker["rows"] == pmarker["rows"]
        if ptable is None:  # the empty partition: only a marker, on both sides
            assert table is None and marker == {"rows": 0, "messages": 0, "bytes": 0}
            continue
        assert table is not None and marker["messages"] > 1  # cut under the limit
        assert table.schema.equals(ptable.schema)
        assert table.equals(ptable)
    expected = pa.Table.from_pandas(df.toPandas(), preserve_index=False)
    all_rows = pa.concat_tables([t for t, _, _ in got.values() if t is not None])
    assert all_rows.num_rows == 9_000
    assert all_rows.column("name").to_pylist() == expected.column("name").to_pylist()
    assert np.allclose(
        all_rows.column("x").to_numpy(zero_copy_only=False),
        expected["x"].to_numpy(zero_copy_only=False),
        equal_nan=True,
    )


def test_batches_over_the_limit_are_halved_and_a_huge_row_is_refused(arrow_spark: Any) -> None:
    from pyspark.sql import DataFrame

    df = _table(arrow_spark)
    encoder = arrow_spark._jvm.mlsql.functions.KafkaArrowRows
    limit = 16 * 1024
    encoded = encoder.of(df._jdf, 2, 4 * 1024 * 1024, limit)  # every batch starts too large
    rows = [_as_dict(r) for r in DataFrame(encoded.rows(), arrow_spark).collect()]
    data = [r for r in rows if r["headers"]["k"] == b"d"]
    assert max(len(r["value"]) for r in data) <= limit
    got = pa.Table.from_batches([b for r in data for b in decode_batches(r["value"])])
    want = pa.Table.from_pandas(df.toPandas(), preserve_index=False).cast(got.schema)
    assert got.sort_by("id").equals(want.sort_by("id"))

    wide = arrow_spark.range(0, 3, numPartitions=1).selectExpr("id", "repeat('x', 40000) as s")
    huge = encoder.of(wide._jdf, 1, limit, limit)
    with pytest.raises(Exception, match="over the Kafka message limit of 16384"):
        DataFrame(huge.rows(), arrow_spark).collect()


def test_a_partial_jvm_attempt_is_ignored(arrow_spark: Any, kafka_broker: str, topic: str) -> None:
    df = _table(arrow_spark)
    ref = tr.TopicRef(kafka_broker, topic, partitions=4, max_message_bytes=LIMIT)
    tr.create_topic(kafka_broker, topic, num_partitions=2, max_message_bytes=LIMIT)
    first, _ = _jvm_rows(df)
    second, _ = _jvm_rows(df)
    died = [r for r in first if r["headers"]["p"] == b"1"][:2]  # data, no marker
    assert all(r["headers"]["k"] == b"d" for r in died)
    _produce_rows(ref, [_batch(r) for r in died + second])
    got = pa.Table.from_batches(list(tr.read_arrow_batches(ref, group_id="t", timeout_s=30)))
    assert got.num_rows == 9_000
    assert np.array_equal(np.sort(got.column("id").to_numpy()), np.sort(df.toPandas()["id"]))


def _batch(row: dict[str, Any]) -> pa.RecordBatch:
    headers = [{"key": k, "value": v} for k, v in row["headers"].items()]
    return pa.RecordBatch.from_pylist(
        [{"value": row["value"], "headers": headers, "partition": row["partition"]}], SCHEMA
    )


def test_write_table_uses_the_jvm_encoder(
    arrow_spark: Any, kafka_broker: str, topic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_python(*_: Any) -> Any:
        raise AssertionError("fell back to the Python encoder")

    monkeypatch.setattr(datapath, "_write_with_jvm_sink", no_python)
    df = _table(arrow_spark)
    tr.create_topic(kafka_broker, topic, num_partitions=2)
    ref, rows = write_table(df, tr.TopicRef(kafka_broker, topic, 0))
    assert ref.partitions == 4 and rows == 9_000
    got = pa.Table.from_batches(list(tr.read_arrow_batches(ref, group_id="t", timeout_s=30)))
    expected = pa.Table.from_pandas(df.toPandas(), preserve_index=False)
    assert got.sort_by("id").equals(expected.cast(got.schema).sort_by("id"))


def test_without_the_encoder_class_python_encodes(
    arrow_spark: Any, kafka_broker: str, topic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session whose jars lack the encoder (an old mlsql-functions.jar) still trains."""
    used: list[str] = []
    python_sink = datapath._write_with_jvm_sink

    def spy(df: Any, ref: Any) -> Any:
        used.append("python")
        return python_sink(df, ref)

    monkeypatch.setattr(datapath, "_write_with_jvm_sink", spy)
    monkeypatch.setattr(datapath, "ENCODER_CLASS", "mlsql.functions.NoSuchEncoder")
    df = _table(arrow_spark)
    tr.create_topic(kafka_broker, topic, num_partitions=2)
    ref, rows = write_table(df, tr.TopicRef(kafka_broker, topic, 0))
    assert used == ["python"] and ref.partitions == 4 and rows == 9_000
    got = pa.Table.from_batches(list(tr.read_arrow_batches(ref, group_id="t", timeout_s=30)))
    assert got.num_rows == 9_000


RETRY_SCRIPT = textwrap.dedent(
    """
    import sys
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import udf
    from pyspark import TaskContext
    from mlsql.engine.training import datapath
    from mlsql.kafka import transport as tr

    bootstrap, topic, jars = sys.argv[1:4]
    spark = (SparkSession.builder.master("local[2,2]").config("spark.jars", jars)
             .config("spark.ui.enabled", "false").getOrCreate())

    @udf("double")
    def dies(i, x):
        ctx = TaskContext.get()
        if ctx.attemptNumber() == 0 and ctx.partitionId() == 1 and i % 40_000 > 30_000:
            raise RuntimeError("task dies midway")
        return x

    def no_python(*_):
        raise AssertionError("fell back to the Python encoder")

    datapath._write_with_jvm_sink = no_python
    df = spark.range(0, 120_000, numPartitions=3).selectExpr("id", "rand(2) as x")
    df = df.withColumn("x", dies("id", "x"))
    ref = tr.TopicRef(bootstrap, topic, 0, max_message_bytes=256 * 1024)
    ref, rows = datapath.write_table(df, ref)
    print("written", ref.partitions, rows)
    """
)


def test_a_retried_spark_task_is_read_once_under_the_jvm_encoder(
    kafka_config: Any, kafka_broker: str, topic: str, tmp_path: Path
) -> None:
    """A real Spark retry (local[2,2]): the first attempt of partition 1 dies after it sent data."""
    done = run_retry_script(RETRY_SCRIPT, kafka_config, kafka_broker, topic, tmp_path)
    assert "written 3 120000" in done.stdout, done.stderr[-3000:]
    assert "task dies midway" in done.stderr  # the first attempt really failed
    attempts = _data_attempts(kafka_broker, topic, part=b"1")
    assert len(attempts) == 2  # the dead attempt's messages are in the topic
    ref = tr.TopicRef(kafka_broker, topic, partitions=3, max_message_bytes=256 * 1024)
    got = pa.Table.from_batches(list(tr.read_arrow_batches(ref, group_id="t", timeout_s=30)))
    assert np.array_equal(np.sort(got.column("id").to_numpy()), np.arange(120_000))


def _data_attempts(bootstrap: str, topic: str, part: bytes) -> set[bytes]:
    """Attempt ids of the data messages of one Spark partition found in the topic."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "peek"})
    try:
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in (0, 1)])
        attempts: set[bytes] = set()
        idle = 0
        while idle < 5:
            messages = consumer.consume(64, timeout=0.5)
            idle = 0 if messages else idle + 1
            for m in messages:
                headers = dict(m.headers() or ())
                if headers.get("p") == part and headers.get("k") == b"d":
                    attempts.add(headers["a"])
        return attempts
    finally:
        consumer.close()


def test_a_stale_functions_jar_is_rebuilt_with_the_encoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A jar built from older sources (its stamp differs) is rebuilt before Spark starts."""
    import zipfile

    import mlsql.jars as jars
    from mlsql.config import Config
    from mlsql.jars.functions import JAR_NAME, build_functions_jar, functions_jar_current

    folder = tmp_path / "spark"
    build_functions_jar(folder)
    (folder / f"{JAR_NAME}.stamp").write_text("sources of an older release")
    assert not functions_jar_current(folder)
    monkeypatch.setattr(jars, "ensure_jar_set", lambda *_a, **_k: [])  # the download: not tested
    jars.ensure_runtime_jars(Config(jars_dir=tmp_path), "spark", None)
    assert functions_jar_current(folder)
    assert "mlsql/functions/KafkaArrowRows.class" in zipfile.ZipFile(folder / JAR_NAME).namelist()
