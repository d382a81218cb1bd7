"""The Python encoder for Spark's own JVM Kafka sink (no Python producer).

The training path's default encodes the same rows in the executor JVM
(`mlsql/engine/functions/java/mlsql/functions/KafkaArrowRows.java`, no Python worker at all);
this module is its fallback (`write_table(sink="mapinarrow")`) and the reference its tests
compare it with.

`kafka_rows` runs inside Spark executors under `mapInArrow`: it turns the batches of one Spark
partition into the same Arrow IPC payloads `mlsql.kafka.writer` sends (`arrow_codec`), one
output row per Kafka message (`value`, `headers`, `partition`), then one end-marker row; the
caller writes those rows with `df.write.format("kafka")` (`sink_options`), so the JVM's Kafka
producer does the sending.

Spark's sink has no transactions: a task that dies midway leaves its messages in the topic. So
every message carries the Spark partition and the task attempt (`TaskContext.taskAttemptId()`,
unique per attempt) in its headers, and the reader keeps an attempt's data back until that
attempt's end marker arrives with the matching row count (`mlsql.kafka.reader`): rows of an
attempt without a complete end marker are never trained on, and of two complete attempts the
first marker wins. The end marker is the partition's last row, sent by the same idempotent
producer to the same Kafka partition, so it arrives after all of that attempt's data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import pyarrow as pa

from mlsql.kafka.arrow_codec import encode_messages
from mlsql.kafka.messages import DATA, END, MESSAGE_TARGET_BYTES, TopicRef, payload_limit

# The rows `kafka_rows` yields: what Spark's Kafka sink reads (value, headers, partition).
HEADER_TYPE = pa.list_(pa.struct([("key", pa.string()), ("value", pa.binary())]))
SCHEMA = pa.schema([("value", pa.binary()), ("headers", HEADER_TYPE), ("partition", pa.int32())])
SPARK_SCHEMA = "value binary, headers array<struct<key:string,value:binary>>, partition int"
# The JVM producer's buffer (bytes) and batch size; its request limit follows the topic's.
BUFFER_BYTES = 64 * 1024 * 1024


def kafka_rows(
    ref: TopicRef,
    kafka_partitions: int,
    partition_index: int,
    attempt: bytes,
    batches: Iterable[pa.RecordBatch],
) -> Iterator[pa.RecordBatch]:
    """The Kafka rows of one Spark partition: its payloads, then its end marker.

    Args:
        ref: the topic and its message limit.
        kafka_partitions: partitions of the topic (Spark partition `i` goes to `i % n`).
        partition_index: the Spark partition id (`TaskContext.partitionId()`).
        attempt: the task attempt's id, unique among the attempts of the job.
        batches: the partition's rows.

    Yields:
        One-row record batches of `SCHEMA`.
    """
    limit = payload_limit(ref.max_message_bytes)
    target = partition_index % max(1, kafka_partitions)
    part = str(partition_index).encode()
    data = [("k", DATA), ("p", part), ("a", attempt)]
    rows = messages = size = 0
    for count, payload in encode_messages(batches, min(MESSAGE_TARGET_BYTES, limit), limit):
        rows += count
        messages += 1
        size += len(payload)
        yield _row(_binary(payload), data, target)
    marker = json.dumps({"rows": rows, "messages": messages, "bytes": size}).encode()
    yield _row(pa.array([marker], pa.binary()), [("k", END), ("p", part), ("a", attempt)], target)


def sink_options(ref: TopicRef) -> dict[str, str]:
    """Options of `df.write.format("kafka")` for `ref`: producer sized for its messages."""
    return {
        "kafka.bootstrap.servers": ref.bootstrap_servers,
        "topic": ref.topic,
        "kafka.max.request.size": str(ref.max_message_bytes + 64 * 1024),
        "kafka.batch.size": str(min(ref.max_message_bytes, 2 * MESSAGE_TARGET_BYTES)),
        "kafka.buffer.memory": str(max(BUFFER_BYTES, 2 * ref.max_message_bytes)),
        "kafka.linger.ms": "5",
        "kafka.compression.type": "none",
        "kafka.acks": "all",
        "kafka.enable.idempotence": "true",
    }


def _binary(payload: memoryview) -> pa.Array:
    """A one-element binary array over the payload's Arrow buffer (no copy when it is whole)."""
    buffer = payload.obj
    if not (isinstance(buffer, pa.Buffer) and buffer.size == payload.nbytes):
        buffer = pa.py_buffer(bytes(payload))
    offsets = pa.array([0, buffer.size], pa.int32()).buffers()[1]
    return pa.Array.from_buffers(pa.binary(), 1, [None, offsets, buffer])


def _row(value: pa.Array, headers: list[tuple[str, bytes]], partition: int) -> pa.RecordBatch:
    header_list = [[{"key": k, "value": v} for k, v in headers]]
    return pa.RecordBatch.from_arrays(
        [value, pa.array(header_list, HEADER_TYPE), pa.array([partition], pa.int32())],
        schema=SCHEMA,
    )
