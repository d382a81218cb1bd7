"""Spark executors write a table into a Kafka topic, partition by partition, as Arrow batches.

The driver never collects rows: each task encodes its partition as Arrow messages (then one
end marker) and Spark's JVM Kafka sink sends them. By default (`sink="jvm"`) the executor JVM
encodes them (`mlsql.functions.KafkaArrowRows` in `mlsql-functions.jar`: no Python worker at
all); `sink="mapinarrow"` encodes the same messages in Python under `mapInArrow`
(`mlsql.kafka.sink`), and is what "jvm" falls back to when the jar or a column type is missing;
`sink="python"` has each task send them itself with `mlsql.kafka.transport.write_arrow_partition`
in one Kafka transaction and return only a count.
Spark ML vector columns are turned into arrays first so they travel as Arrow lists.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mlsql.kafka.transport import TopicRef

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

log = logging.getLogger(__name__)
SINKS = ("jvm", "mapinarrow", "python")
# The JVM encoder (mlsql/engine/functions/java, built into mlsql-functions.jar).
ENCODER_CLASS = "mlsql.functions.KafkaArrowRows"


def vectors_as_arrays(df: DataFrame) -> DataFrame:
    """`df` with every Spark ML vector column converted to array<double>."""
    from pyspark.ml.functions import vector_to_array
    from pyspark.ml.linalg import VectorUDT

    for f in df.schema.fields:
        if isinstance(f.dataType, VectorUDT):
            df = df.withColumn(f.name, vector_to_array(df[f.name]))
    return df


def write_table(df: DataFrame, ref: TopicRef, sink: str = "jvm") -> tuple[TopicRef, int]:
    """Send `df` into `ref.topic` from the executors.

    Args:
        df: the table.
        ref: the topic (created beforehand).
        sink: "jvm" (the default: the executor JVM encodes, Spark's Kafka sink sends; the
            fastest side by side in bench/kafka_throughput.py), "mapinarrow" (Python tasks
            encode, Spark's Kafka sink sends, `mlsql.kafka.sink`) or "python" (a librdkafka
            producer in each Python task, one Kafka transaction per partition).

    Returns:
        The reference with `partitions` set to the number of Spark partitions written (the end
        markers a reader must see), and the number of rows sent.
    """
    table = vectors_as_arrays(df)
    if sink not in SINKS:
        raise ValueError(f"unknown Kafka sink {sink!r} ({', '.join(SINKS)})")
    if sink == "jvm":
        written = _write_with_jvm_encoder(table, ref)
        if written is not None:
            return written
    if sink in ("jvm", "mapinarrow"):
        return _write_with_jvm_sink(table, ref)

    def send(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa
        from pyspark import TaskContext

        from mlsql.kafka.transport import write_arrow_partition

        context = TaskContext.get()
        index = context.partitionId() if context is not None else 0
        rows = write_arrow_partition(ref, index, batches)
        yield pa.RecordBatch.from_pydict({"partition": [index], "rows": [rows]})

    counts = table.mapInArrow(send, "partition long, rows long").collect()
    partitions = {row["partition"] for row in counts}
    return replace(ref, partitions=len(partitions)), sum(row["rows"] for row in counts)


def _write_with_jvm_encoder(df: DataFrame, ref: TopicRef) -> tuple[TopicRef, int] | None:
    """The executor JVM encodes the messages and Spark's Kafka sink sends them (one write job).

    Returns None, before any job ran, when the encoder cannot be used here (no
    `mlsql-functions.jar` on the session, no JVM DataFrame, or a column type Arrow cannot carry):
    the caller then encodes in Python.
    """
    from pyspark.sql import DataFrame as SparkFrame

    from mlsql.kafka.messages import MESSAGE_TARGET_BYTES, payload_limit
    from mlsql.kafka.sink import sink_options
    from mlsql.kafka.writer import kafka_partition_count

    limit = payload_limit(ref.max_message_bytes)
    kafka_partitions = kafka_partition_count(ref)
    try:
        encoder: Any = functools.reduce(getattr, ENCODER_CLASS.split("."), df.sparkSession._jvm)
        encoded = encoder.of(df._jdf, kafka_partitions, min(MESSAGE_TARGET_BYTES, limit), limit)
    except Exception as err:  # a missing class, no py4j (Spark Connect), an Arrow type gap
        log.debug("JVM Kafka encoder not used, encoding in Python: %s", err)
        return None
    rows = SparkFrame(encoded.rows(), df.sparkSession)
    rows.write.format("kafka").options(**sink_options(ref)).save()
    return replace(ref, partitions=int(encoded.partitions())), int(encoded.rowCount())


def _write_with_jvm_sink(df: DataFrame, ref: TopicRef) -> tuple[TopicRef, int]:
    """Python tasks encode the payloads, Spark's JVM Kafka sink sends them (one write job).

    Every Spark partition writes an end marker, so the reader waits for all of them; rows are
    counted with an accumulator (Spark applies a successful task's update once).
    """
    from mlsql.kafka.sink import SPARK_SCHEMA, sink_options
    from mlsql.kafka.writer import kafka_partition_count

    kafka_partitions = kafka_partition_count(ref)
    rows = df.sparkSession.sparkContext.accumulator(0)

    def encode(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext

        from mlsql.kafka.sink import kafka_rows

        context = TaskContext.get()
        index = context.partitionId() if context is not None else 0
        attempt = str(context.taskAttemptId() if context is not None else 0).encode()
        yield from kafka_rows(ref, kafka_partitions, index, attempt, _counted(batches, rows))

    encoded = df.mapInArrow(encode, SPARK_SCHEMA)
    encoded.write.format("kafka").options(**sink_options(ref)).save()
    return replace(ref, partitions=encoded.rdd.getNumPartitions()), int(rows.value)


def _counted(batches: Iterator[pa.RecordBatch], rows: Any) -> Iterator[pa.RecordBatch]:
    """`batches`, adding their rows to the accumulator `rows`."""
    for batch in batches:
        rows.add(batch.num_rows)
        yield batch
