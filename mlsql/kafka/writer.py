"""The writing side of the transport: one Spark partition into one Kafka transaction.

Runs inside Spark executors (e.g. under `mapInArrow`); see `mlsql.kafka.transport` for the
message format and how retried tasks are handled.
"""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlsql.errors import KafkaError
from mlsql.kafka.admin import unreachable_message
from mlsql.kafka.arrow_codec import encode_messages
from mlsql.kafka.messages import DATA, END, MESSAGE_TARGET_BYTES, TopicRef, headers, payload_limit

if TYPE_CHECKING:
    import pyarrow as pa

# Kafka's default transaction.max.timeout.ms (15 min): one Spark partition must be written in it.
TRANSACTION_TIMEOUT_MS = 900_000
# Encoded input held while the producer connects and starts its transaction.
READ_AHEAD_BYTES = 32 * 1024 * 1024
# Upper bounds of the producer's waits: connect + metadata + init (each 15 s), and the commit
# (unsent batches expire after DELIVERY_TIMEOUT_MS, which fails the transaction).
OPEN_TIMEOUT_S = 60.0
DELIVERY_TIMEOUT_MS = 60_000
COMMIT_TIMEOUT_S = DELIVERY_TIMEOUT_MS / 1000 + 30.0


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
    from kafka.errors import KafkaError as ClientError

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
        producer.send(ref.topic, marker.encode(), partition=kafka_partition, headers=end)
        _within(
            producer.commit_transaction,
            COMMIT_TIMEOUT_S,
            f"committing to {ref.topic!r} at {ref.bootstrap_servers}",
        )
        return sent.rows
    except BaseException as err:  # abort at once: an open transaction holds readers back
        _abort_quietly(producer)
        if isinstance(err, ClientError):
            raise KafkaError(
                f"writing Spark partition {partition_index} to {ref.topic!r} failed: {err}"
            ) from err
        raise
    finally:
        producer.close(timeout=10)


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
    from kafka.errors import KafkaError as ClientError

    producer = _producer(ref, f"{ref.topic}.{partition_index}")
    try:
        kafka_partition = partition_index % _partition_count(producer, ref)
        producer.init_transactions()
        producer.begin_transaction()
    except BaseException as err:
        producer.close(timeout=5)
        if isinstance(err, ClientError):
            raise KafkaError(f"cannot start a Kafka transaction on {ref.topic!r}: {err}") from err
        raise
    return producer, kafka_partition


def _close_when_opened(opening: Future[tuple[Any, int]]) -> None:
    """Close the producer of `opening` once it exists (the input failed meanwhile)."""
    try:
        producer, _ = opening.result(timeout=OPEN_TIMEOUT_S)
    except Exception:  # opening failed too: nothing to close
        return
    _abort_quietly(producer)
    producer.close(timeout=5)


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
    """Send every payload; the producer copies it and pipelines the requests."""
    sent = _Sent()
    for rows, payload in payloads:
        producer.send(topic, payload, partition=kafka_partition, headers=data_headers)
        sent.rows += rows
        sent.messages += 1
        sent.payload_bytes += len(payload)
    return sent


def _producer(ref: TopicRef, transactional_id: str) -> Any:
    """A transactional producer tuned for few large messages.

    No compression: float columns barely compress, and kafka-python's lz4 needs the optional
    `lz4` package. `max_block_ms` bounds the wait for the topic's metadata (missing topic).
    """
    from kafka import KafkaProducer
    from kafka.errors import KafkaError as ClientError

    try:
        return KafkaProducer(
            bootstrap_servers=ref.bootstrap_servers,
            client_id=f"mlsql-writer-{transactional_id}",
            transactional_id=transactional_id,
            transaction_timeout_ms=TRANSACTION_TIMEOUT_MS,
            max_request_size=ref.max_message_bytes,
            batch_size=min(ref.max_message_bytes, 2 * MESSAGE_TARGET_BYTES),
            linger_ms=5,
            retry_backoff_ms=10,
            send_buffer_bytes=4 * 1024 * 1024,
            bootstrap_timeout_ms=15_000,
            max_block_ms=15_000,
            request_timeout_ms=30_000,
            delivery_timeout_ms=DELIVERY_TIMEOUT_MS,
        )
    except (ClientError, OSError) as err:
        raise KafkaError(unreachable_message(ref.bootstrap_servers, err)) from err


def _partition_count(producer: Any, ref: TopicRef) -> int:
    """Partitions of `ref.topic` as the producer sees them; KafkaError if there is no topic."""
    from kafka.errors import KafkaError as ClientError

    try:
        partitions = producer.partitions_for(ref.topic)
    except ClientError as err:
        raise KafkaError(
            f"Kafka topic {ref.topic!r} does not exist at {ref.bootstrap_servers} ({err}); "
            "create it with create_topic before writing"
        ) from err
    if not partitions:
        raise KafkaError(f"Kafka topic {ref.topic!r} has no partitions at {ref.bootstrap_servers}")
    return len(partitions)


def _abort_quietly(producer: Any) -> None:
    """Abort the open transaction if there is one; the original error is what matters."""
    try:
        _within(producer.abort_transaction, 10.0, "aborting the transaction")
    except Exception:  # fenced, not started, or no broker: Kafka aborts it on timeout anyway
        pass


def _within(action: Callable[[], object], timeout_s: float, what: str) -> None:
    """Run `action` (a kafka-python call that waits without a timeout) with a deadline.

    Raises:
        KafkaError: `action` did not finish within `timeout_s` (its daemon thread is left to
            end when the producer is closed); or whatever `action` raised.
    """
    finished = threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as err:  # handed to the caller's thread below
            failures.append(err)
        finally:
            finished.set()

    threading.Thread(target=run, name="mlsql-kafka-wait", daemon=True).start()
    if not finished.wait(timeout_s):
        raise KafkaError(f"{what} did not finish within {timeout_s:g}s; is the broker down?")
    if failures:
        raise failures[0]
