"""Spark executors write a DataFrame with `mapInArrow`; the test process reads it back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from mlsql.kafka import transport as tr


def _writer(ref: tr.TopicRef) -> Any:
    """The executor-side function: send this partition, yield one row with its count."""

    def write(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext

        context = TaskContext.get()
        part = context.partitionId() if context is not None else 0
        rows = tr.write_arrow_partition(ref, part, batches)
        yield pa.RecordBatch.from_pydict(
            {"partition": pa.array([part], pa.int32()), "rows": pa.array([rows], pa.int64())}
        )

    return write


def test_spark_partitions_arrive_in_the_reader(
    arrow_spark: Any, kafka_broker: str, topic: str
) -> None:
    df = arrow_spark.range(0, 20_000, numPartitions=4).selectExpr(
        "id", "cast(id % 7 as int) as label", "rand(1) as x", "concat('r', id) as name"
    )
    ref = tr.TopicRef(kafka_broker, topic, partitions=df.rdd.getNumPartitions())
    tr.create_topic(kafka_broker, topic, num_partitions=2)
    counts = df.mapInArrow(_writer(ref), "partition int, rows long").collect()
    assert sorted(r.partition for r in counts) == [0, 1, 2, 3]
    assert sum(r.rows for r in counts) == 20_000
    got = pa.Table.from_batches(list(tr.read_arrow_batches(ref, group_id="t", timeout_s=30)))
    expected = pa.Table.from_pandas(df.toPandas(), preserve_index=False)
    assert got.sort_by("id").equals(expected.cast(got.schema).sort_by("id"))
