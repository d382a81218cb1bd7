"""The writing side of the transport: one Spark partition into one Kafka transaction.

Runs inside Spark executors (e.g. under `mapInArrow`); see `mlsql.kafka.transport` for the
message format and how retried tasks are handled.
"""

from __future__ import annotations

import itertools
import json
import logging
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from mlsql.errors import KafkaError
from mlsql.kafka.admin import unreachable_message
from mlsql.kafka.arrow_codec import encode_messages
from mlsql.kafka.messages import DATA, END, MESSAGE_TARGET_BYTES, TopicRef, headers, payload_limit

# Kafka's default transaction.max.timeout.ms (15 min): one Spark partition must be written in it.
TRANSACTION_TIMEOUT_MS = 900_000
# Encoded input held while the producer connects and starts its transaction.
READ_AHEAD_BYTES = 32 * 1024 * 1024
# Upper bounds of the producer's waits: connect + metadata + init (each 15 s), and the commit
# (unsent batches expire after DELIVERY_TIMEOUT_MS, which fails the transaction).
OPEN_STEP_TIMEOUT_S = 15.0
OPEN_TIMEOUT_S = 60.0
DELIVERY_TIMEOUT_MS = 60_000
COMMIT_TIMEOUT_S = DELIVERY_TIMEOUT_MS / 1000 + 30.0
# librdkafka's local queue (KB): bounds the memory one writer holds while the broker catches up.
QUEUE_KBYTES = 64 * 1024

log = logging.getLogger(__name__)


def write_arrow_partition(
    ref: TopicRef, partition_index: int, batches: Iterable[pa.RecordBatch]
) -> int:
    """Send the batches of one Spark partition to `ref.topic`, then its end marker.

    All messages go in one Kafka transaction (`mlsql.kafka.transport` explains why).

    Args:
        ref: the topic and its limits.
        partition_index: the Spark partition id (`TaskContext.partitionId()`).
        batches: the partition's rows.

    Returns:
        The number of rows sent.

    Raises:
        KafkaError: the broker cannot be reached, the topic does not exist, or a send failed.
    """
    from confluent_kafka import KafkaException

    attempt = uuid.uuid4().hex[:16].encode()
    limit = payload_limit(ref.max_message_bytes)
    payloads = encode_messages(batches, min(MESSAGE_TARGET_BYTES, limit), limit)
    producer, kafka_partition, early = _open_while_reading(ref, partition_index, payloads)
    try:
        sent = _send_data(
            producer,
            ref.topic,
            kafka_partition,
            headers(DATA, partition_index, attempt),
            itertools.chain(early, payloads),
        )
        marker = json.dumps(
            {"rows": sent.rows, "messages": sent.messages, "bytes": sent.payload_bytes}
        )
        end = headers(END, partition_index, attempt)
        _produce(producer, ref.topic, marker.encode(), kafka_partition, end)
        _commit(producer, ref)
        return sent.rows
    except BaseException as err:  # abort at once: an open transaction holds readers back
        _abort_quietly(producer)
        if isinstance(err, KafkaException):
            raise KafkaError(
                f"writing Spark partition {partition_index} to {ref.topic!r} failed: {_reason(err)}"
            ) from err
        raise
    finally:
        _close(producer)


def _open_while_reading(
    ref: TopicRef, partition_index: int, payloads: Iterator[tuple[int, memoryview]]
) -> tuple[Any, int, list[tuple[int, memoryview]]]:
    """Start the producer's transaction in a thread while the first payloads are encoded.

    Connecting and `init_transactions` take a few round trips; meanwhile this thread reads and
    encodes up to `READ_AHEAD_BYTES` of the partition's input, so Spark keeps streaming.

    Returns:
        (producer in an open transaction, Kafka partition to write, payloads read ahead).
    """
    early: list[tuple[int, memoryview]] = []
    with ThreadPoolExecutor(1, thread_name_prefix="mlsql-kafka-open") as pool:
        opening = pool.submit(_open_transaction, ref, partition_index)
        try:
            buffered = 0
            while not opening.done() and buffered < READ_AHEAD_BYTES:
                item = next(payloads, None)
                if item is None:
                    break
                early.append(item)
                buffered += len(item[1])
        except BaseException:
            _close_when_opened(opening)
            raise
        producer, kafka_partition = opening.result(timeout=OPEN_TIMEOUT_S)
    return producer, kafka_partition, early


def _open_transaction(ref: TopicRef, partition_index: int) -> tuple[Any, int]:
    """A producer whose transaction is begun, and the Kafka partition for `partition_index`."""
    from confluent_kafka import KafkaException

    producer = _producer(ref, f"{ref.topic}.{partition_index}")
    try:
        kafka_partition = partition_index % _partition_count(producer, ref)
        producer.init_transactions(OPEN_STEP_TIMEOUT_S)
        producer.begin_transaction()
    except BaseException as err:
        _close(producer)
        if isinstance(err, KafkaException):
            raise KafkaError(
                f"cannot start a Kafka transaction on {ref.topic!r} at "
                f"{ref.bootstrap_servers}: {_reason(err)}"
            ) from err
        raise
    return producer, kafka_partition


def _close_when_opened(opening: Future[tuple[Any, int]]) -> None:
    """Close the producer of `opening` once it exists (the input failed meanwhile)."""
    try:
        producer, _ = opening.result(timeout=OPEN_TIMEOUT_S)
    except Exception:  # opening failed too: nothing to close
        return
    _abort_quietly(producer)
    _close(producer)


@dataclass
class _Sent:
    """Counts of what one writer sent."""

    rows: int = 0
    messages: int = 0
    payload_bytes: int = 0


def _send_data(
    producer: Any,
    topic: str,
    kafka_partition: int,
    data_headers: list[tuple[str, bytes]],
    payloads: Iterable[tuple[int, memoryview]],
) -> _Sent:
    """Send every payload; librdkafka copies it and pipelines the requests in its threads."""
    sent = _Sent()
    for rows, payload in payloads:
        _produce(producer, topic, payload, kafka_partition, data_headers)
        sent.rows += rows
        sent.messages += 1
        sent.payload_bytes += len(payload)
    return sent


def _produce(
    producer: Any, topic: str, value: Any, partition: int, data_headers: list[tuple[str, bytes]]
) -> None:
    """Queue one message, waiting while the producer's local queue is full.

    librdkafka takes read-only buffers: a memoryview of an Arrow buffer is passed as the Arrow
    buffer itself (no copy here; librdkafka copies it once into its queue).
    """
    if isinstance(value, memoryview):
        buffer = value.obj
        whole = isinstance(buffer, pa.Buffer) and buffer.size == value.nbytes
        value = buffer if whole else bytes(value)
    while True:
        try:
            producer.produce(topic, value, partition=partition, headers=data_headers)
            break
        except BufferError:  # queue full: let librdkafka deliver, then retry
            producer.poll(0.05)
    producer.poll(0)


def _commit(producer: Any, ref: TopicRef) -> None:
    """Flush and commit the transaction; KafkaError if it cannot finish in time."""
    from confluent_kafka import KafkaException

    try:
        producer.commit_transaction(COMMIT_TIMEOUT_S)
    except KafkaException as err:
        raise KafkaError(
            f"committing to {ref.topic!r} at {ref.bootstrap_servers} failed: {_reason(err)}; "
            "is the broker down?"
        ) from err


def _producer(ref: TopicRef, transactional_id: str) -> Any:
    """A transactional librdkafka producer tuned for few large messages.

    Transactions imply idempotence and `acks=all`. No compression: float columns barely
    compress and every codec costs CPU on both sides (measured with bench/kafka_throughput.py).
    """
    from confluent_kafka import KafkaException, Producer

    try:
        return Producer(
            {
                "bootstrap.servers": ref.bootstrap_servers,
                "client.id": f"mlsql-writer-{transactional_id}",
                "transactional.id": transactional_id,
                "transaction.timeout.ms": TRANSACTION_TIMEOUT_MS,
                "message.max.bytes": ref.max_message_bytes + 64 * 1024,
                "batch.size": min(ref.max_message_bytes, 2 * MESSAGE_TARGET_BYTES),
                "linger.ms": 5,
                "compression.type": "none",
                "queue.buffering.max.kbytes": QUEUE_KBYTES,
                "message.timeout.ms": DELIVERY_TIMEOUT_MS,
                "socket.send.buffer.bytes": 4 * 1024 * 1024,
                "reconnect.backoff.max.ms": 1000,
                "logger": log,
            }
        )
    except KafkaException as err:
        raise KafkaError(unreachable_message(ref.bootstrap_servers, _reason(err))) from err


def kafka_partition_count(ref: TopicRef) -> int:
    """Partitions of `ref.topic`; KafkaError if the broker or the topic is missing."""
    from confluent_kafka import KafkaException, Producer

    try:
        producer = Producer({"bootstrap.servers": ref.bootstrap_servers, "logger": log})
    except KafkaException as err:
        raise KafkaError(unreachable_message(ref.bootstrap_servers, _reason(err))) from err
    try:
        return _partition_count(producer, ref)
    finally:
        _close(producer)


def _partition_count(producer: Any, ref: TopicRef) -> int:
    """Partitions of `ref.topic` as the producer sees them; KafkaError if there is no topic."""
    from confluent_kafka import KafkaException

    try:
        metadata = producer.list_topics(ref.topic, timeout=OPEN_STEP_TIMEOUT_S)
    except KafkaException as err:
        raise KafkaError(unreachable_message(ref.bootstrap_servers, _reason(err))) from err
    found = metadata.topics.get(ref.topic)
    error = found.error if found is not None else None
    if found is None or error is not None or not found.partitions:
        reason = f" ({error.str()})" if error is not None else ""
        raise KafkaError(
            f"Kafka topic {ref.topic!r} does not exist at {ref.bootstrap_servers}{reason}; "
            "create it with create_topic before writing"
        )
    return len(found.partitions)


def _abort_quietly(producer: Any) -> None:
    """Abort the open transaction if there is one; the original error is what matters."""
    try:
        producer.abort_transaction(10.0)
    except Exception:  # fenced, not started, or no broker: Kafka aborts it on timeout anyway
        pass


def _close(producer: Any) -> None:
    """Release the producer (librdkafka's threads end when it is collected)."""
    try:
        producer.purge()
        producer.flush(0)
    except Exception:  # closing must not hide the original error
        pass


def _reason(err: BaseException) -> str:
    """The librdkafka error text of a KafkaException (or the exception's text)."""
    first: Any = err.args[0] if err.args else None
    return str(first.str()) if hasattr(first, "str") else str(err)
