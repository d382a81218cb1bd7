"""The reading side of the transport: one full pass over a job topic, as Arrow batches.

Runs in the training worker; see `mlsql.kafka.transport` for the message format and how
retried Spark tasks are handled.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlsql.errors import KafkaError
from mlsql.kafka.admin import is_reachable, unreachable_message
from mlsql.kafka.arrow_codec import decode_batches
from mlsql.kafka.messages import ATTEMPT, END, KIND, PART, TopicRef, TransportTimeout
from mlsql.kafka.socket_reads import enable_large_socket_reads

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass
class _Pass:
    """State of one read pass: winning attempt and rows per Spark partition, progress."""

    expected: int
    winners: dict[int, bytes] = field(default_factory=dict)
    rows_by_attempt: dict[tuple[int, bytes], int] = field(default_factory=dict)
    rows: int = 0
    payload_bytes: int = 0

    @property
    def done(self) -> bool:
        return len(self.winners) >= self.expected

    def accept_data(self, part: int, attempt: bytes) -> bool:
        """Whether data of (part, attempt) belongs to the pass (no other attempt won)."""
        winner = self.winners.get(part)
        return winner is None or winner == attempt

    def end_marker(self, part: int, attempt: bytes, rows: int) -> None:
        """Record an end marker; the first one per Spark partition wins."""
        if part in self.winners:
            return
        self.winners[part] = attempt
        got = self.rows_by_attempt.get((part, attempt), 0)
        if got != rows:
            raise KafkaError(
                f"Spark partition {part} announced {rows} rows but {got} arrived; "
                "the topic is incomplete or was written by another job"
            )


def read_arrow_batches(
    ref: TopicRef,
    *,
    group_id: str,
    timeout_s: float,
    on_progress: Callable[[int, int], None] | None = None,
) -> Iterator[pa.RecordBatch]:
    """One full pass over the topic: yield batches until every Spark partition's end marker.

    Args:
        ref: the topic; `ref.partitions` end markers (distinct Spark partitions) end the pass.
        group_id: names this reader to the broker; offsets are not committed.
        timeout_s: longest wait for the next message before giving up.
        on_progress: called with (rows so far, payload bytes so far) after each message.

    Yields:
        The record batches, in Kafka order within each Kafka partition.

    Raises:
        TransportTimeout: nothing arrived for `timeout_s` (a KafkaError and a TimeoutError).
        KafkaError: the broker or topic is missing, or a partition's row count is wrong.
    """
    state = _Pass(expected=ref.partitions)
    if state.done:
        return
    consumer = _consumer(ref, group_id, timeout_s)
    try:
        _assign_from_beginning(consumer, ref, timeout_s)
        last_data = time.monotonic()
        while not state.done:
            polled = consumer.poll(timeout_ms=200)
            if not polled:
                _check_idle(ref, state, last_data, timeout_s)
                continue
            last_data = time.monotonic()
            for records in polled.values():
                yield from _handle_records(records, state, on_progress)
    finally:
        consumer.close(autocommit=False)


def _handle_records(
    records: list[Any], state: _Pass, on_progress: Callable[[int, int], None] | None
) -> Iterator[pa.RecordBatch]:
    """Yield the batches of the data records among `records`, record the end markers."""
    for record in records:
        headers = dict(record.headers or ())
        part, attempt = int(headers[PART]), headers[ATTEMPT]
        if headers.get(KIND) == END:
            state.end_marker(part, attempt, int(json.loads(record.value)["rows"]))
            continue
        if not state.accept_data(part, attempt):
            continue
        key = (part, attempt)
        for batch in decode_batches(record.value):
            state.rows_by_attempt[key] = state.rows_by_attempt.get(key, 0) + batch.num_rows
            state.rows += batch.num_rows
            yield batch
        state.payload_bytes += len(record.value)
        if on_progress is not None:
            on_progress(state.rows, state.payload_bytes)


def _consumer(ref: TopicRef, group_id: str, timeout_s: float) -> Any:
    """A read_committed consumer with fetches sized for multi-megabyte messages."""
    from kafka import KafkaConsumer
    from kafka.errors import KafkaError as ClientError

    enable_large_socket_reads()
    bootstrap_ms = int(max(1.0, min(timeout_s, 15.0)) * 1000)
    try:
        return KafkaConsumer(
            bootstrap_servers=ref.bootstrap_servers,
            client_id=group_id,
            group_id=None,
            enable_auto_commit=False,
            isolation_level="read_committed",
            # Fetches of 8-16 MB cost kafka-python half the CPU of 32-64 MB ones (measured); a
            # larger message still arrives (the broker returns at least one batch per fetch).
            fetch_max_bytes=16 * 1024 * 1024,
            max_partition_fetch_bytes=8 * 1024 * 1024,
            fetch_max_wait_ms=100,
            receive_buffer_bytes=4 * 1024 * 1024,
            max_poll_records=64,
            check_crcs=True,
            bootstrap_timeout_ms=bootstrap_ms,
            request_timeout_ms=max(30_000, bootstrap_ms),
        )
    except (ClientError, OSError) as err:
        raise KafkaError(unreachable_message(ref.bootstrap_servers, err)) from err


def _assign_from_beginning(consumer: Any, ref: TopicRef, timeout_s: float) -> None:
    """Assign every partition of the topic and rewind to its first offset."""
    from kafka import TopicPartition

    deadline = time.monotonic() + min(timeout_s, 15.0)
    partitions = consumer.partitions_for_topic(ref.topic)
    while not partitions and time.monotonic() < deadline:
        time.sleep(0.1)
        partitions = consumer.partitions_for_topic(ref.topic)
    if not partitions:
        raise KafkaError(
            f"Kafka topic {ref.topic!r} does not exist at {ref.bootstrap_servers}; "
            "create it with create_topic before reading (or it was deleted)"
        )
    assigned = [TopicPartition(ref.topic, p) for p in sorted(partitions)]
    consumer.assign(assigned)
    consumer.seek_to_beginning(*assigned)


def _check_idle(ref: TopicRef, state: _Pass, last_data: float, timeout_s: float) -> None:
    """Raise TransportTimeout if nothing arrived for `timeout_s`, saying what is missing."""
    idle = time.monotonic() - last_data
    if idle < timeout_s:
        return
    if not is_reachable(ref.bootstrap_servers, 3.0):
        raise TransportTimeout(
            unreachable_message(ref.bootstrap_servers, f"no answer for {idle:.0f}s")
        )
    raise TransportTimeout(
        f"no data arrived on Kafka topic {ref.topic!r} for {timeout_s:g}s: got end markers of "
        f"{len(state.winners)} of {ref.partitions} Spark partitions ({state.rows} rows); "
        "the Spark job writing it may have failed or not started"
    )
