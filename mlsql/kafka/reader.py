"""The reading side of the transport: one full pass over a job topic, as Arrow batches.

Runs in the training worker; see `mlsql.kafka.transport` for the message format and how
retried Spark tasks are handled.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlsql.errors import KafkaError
from mlsql.kafka.admin import is_reachable, unreachable_message
from mlsql.kafka.arrow_codec import decode_batches
from mlsql.kafka.messages import ATTEMPT, END, KIND, PART, TopicRef, TransportTimeout

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)
# Messages taken from librdkafka's queue per call, and the fetch size (a fetch returns at least
# one whole message, so larger messages still arrive; see _consumer).
POLL_MESSAGES = 64
# consume() waits this long for POLL_MESSAGES to queue up: short, or a pass whose last messages
# are already here waits for nothing (a whole 48 MB table is ~60 messages; 0.2 s cost 0.15-0.2 s
# of a 0.5 s read in bench/kafka_throughput.py's profile).
POLL_WAIT_S = 0.02
FETCH_MAX_BYTES = 64 * 1024 * 1024


@dataclass
class _Pass:
    """State of one read pass: each Spark partition's winning attempt, held data, progress.

    An attempt's data is held until its end marker arrives with the row count it received;
    then it is released and every other attempt of that Spark partition is dropped. Data of an
    attempt that never completes (a task that died midway under a sink without transactions,
    `mlsql.kafka.sink`) is thus never trained on.
    """

    expected: int
    winners: dict[int, bytes] = field(default_factory=dict)
    held: dict[tuple[int, bytes], list[tuple[list[pa.RecordBatch], int]]] = field(
        default_factory=dict
    )
    held_rows: dict[tuple[int, bytes], int] = field(default_factory=dict)
    incomplete: dict[int, str] = field(default_factory=dict)
    rows: int = 0
    payload_bytes: int = 0

    @property
    def done(self) -> bool:
        return len(self.winners) >= self.expected

    def hold(self, part: int, attempt: bytes, batches: list[pa.RecordBatch], size: int) -> None:
        """Keep one message's batches of (part, attempt) unless another attempt already won."""
        if part in self.winners:
            return
        key = (part, attempt)
        self.held.setdefault(key, []).append((batches, size))
        self.held_rows[key] = self.held_rows.get(key, 0) + sum(b.num_rows for b in batches)

    def end_marker(
        self, part: int, attempt: bytes, rows: int
    ) -> list[tuple[list[pa.RecordBatch], int]]:
        """Record an end marker; return the messages it releases (the first complete wins).

        A marker whose count differs from the rows received is an incomplete attempt: it is
        noted (the timeout names it) and the pass waits for another attempt.
        """
        if part in self.winners:
            return []
        got = self.held_rows.get((part, attempt), 0)
        if got != rows:
            self.incomplete[part] = f"an attempt announced {rows} rows but {got} arrived"
            log.warning("Spark partition %d: %s", part, self.incomplete[part])
            return []
        self.winners[part] = attempt
        self.incomplete.pop(part, None)
        released = self.held.pop((part, attempt), [])
        for key in [k for k in self.held if k[0] == part]:
            del self.held[key]
            self.held_rows.pop(key, None)
        return released


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
    consumer = _consumer(ref, group_id)
    try:
        _assign_from_beginning(consumer, ref, timeout_s)
        last_data = time.monotonic()
        while not state.done:
            messages = consumer.consume(num_messages=POLL_MESSAGES, timeout=POLL_WAIT_S)
            data = [m for m in messages if _usable(m)]
            if not data:
                _check_idle(ref, state, last_data, timeout_s)
                continue
            last_data = time.monotonic()
            yield from _handle_records(data, state, on_progress)
    finally:
        consumer.close()


def _usable(message: Any) -> bool:
    """Whether `message` carries a record; a fatal client error raises KafkaError.

    Transient errors (a broker connection lost and being retried) are left to librdkafka and
    to the idle timeout, which names the broker when it does not answer.
    """
    error = message.error()
    if error is None:
        return True
    if error.fatal():
        raise KafkaError(f"reading Kafka topic {message.topic()!r} failed: {error.str()}")
    log.debug("Kafka consumer: %s", error.str())
    return False


def _handle_records(
    records: list[Any], state: _Pass, on_progress: Callable[[int, int], None] | None
) -> Iterator[pa.RecordBatch]:
    """Hold the data among `records`; yield an attempt's batches when its end marker comes."""
    for record in records:
        headers = dict(record.headers() or ())
        part, attempt = int(headers[PART]), headers[ATTEMPT]
        value = record.value()
        if headers.get(KIND) != END:
            state.hold(part, attempt, decode_batches(value), len(value))
            continue
        for batches, size in state.end_marker(part, attempt, int(json.loads(value)["rows"])):
            for batch in batches:
                state.rows += batch.num_rows
                yield batch
            state.payload_bytes += size
            if on_progress is not None:
                on_progress(state.rows, state.payload_bytes)


def _consumer(ref: TopicRef, group_id: str) -> Any:
    """A read_committed librdkafka consumer with fetches sized for multi-megabyte messages.

    librdkafka fetches every partition in its own threads (in C, outside the GIL) while this
    thread decodes: partitions are read in parallel with the Python work. `group_id` names the
    reader only: partitions are assigned, no group is joined and no offset is committed.
    """
    from confluent_kafka import Consumer, KafkaException

    fetch_bytes = max(FETCH_MAX_BYTES, ref.max_message_bytes + 1024 * 1024)
    try:
        return Consumer(
            {
                "bootstrap.servers": ref.bootstrap_servers,
                "client.id": group_id,
                "group.id": group_id,
                "enable.auto.commit": False,
                "enable.auto.offset.store": False,
                "isolation.level": "read_committed",
                "auto.offset.reset": "earliest",
                "fetch.max.bytes": fetch_bytes,
                "max.partition.fetch.bytes": fetch_bytes,
                "receive.message.max.bytes": fetch_bytes + 1024 * 1024,
                "fetch.wait.max.ms": 50,
                "queued.max.messages.kbytes": 256 * 1024,
                "socket.receive.buffer.bytes": 4 * 1024 * 1024,
                "reconnect.backoff.max.ms": 1000,
                "logger": log,
            }
        )
    except KafkaException as err:
        raise KafkaError(unreachable_message(ref.bootstrap_servers, err)) from err


def _assign_from_beginning(consumer: Any, ref: TopicRef, timeout_s: float) -> None:
    """Assign every partition of the topic at its first offset.

    Raises:
        KafkaError: the broker does not answer, or the topic does not exist.
    """
    from confluent_kafka import OFFSET_BEGINNING, KafkaException, TopicPartition

    deadline = time.monotonic() + min(timeout_s, 15.0)
    partitions: list[int] = []
    while True:
        remaining = max(0.5, deadline - time.monotonic())
        try:
            metadata = consumer.list_topics(ref.topic, timeout=remaining)
        except KafkaException as err:
            raise KafkaError(unreachable_message(ref.bootstrap_servers, err)) from err
        found = metadata.topics.get(ref.topic)
        partitions = sorted(found.partitions) if found is not None and not found.error else []
        if partitions or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    if not partitions:
        raise KafkaError(
            f"Kafka topic {ref.topic!r} does not exist at {ref.bootstrap_servers}; "
            "create it with create_topic before reading (or it was deleted)"
        )
    consumer.assign([TopicPartition(ref.topic, p, OFFSET_BEGINNING) for p in partitions])


def _check_idle(ref: TopicRef, state: _Pass, last_data: float, timeout_s: float) -> None:
    """Raise TransportTimeout if nothing arrived for `timeout_s`, saying what is missing."""
    idle = time.monotonic() - last_data
    if idle < timeout_s:
        return
    if not is_reachable(ref.bootstrap_servers, 3.0):
        raise TransportTimeout(
            unreachable_message(ref.bootstrap_servers, f"no answer for {idle:.0f}s")
        )
    wrong = "".join(f"; Spark partition {p}: {why}" for p, why in sorted(state.incomplete.items()))
    raise TransportTimeout(
        f"no data arrived on Kafka topic {ref.topic!r} for {timeout_s:g}s: got end markers of "
        f"{len(state.winners)} of {ref.partitions} Spark partitions ({state.rows} rows){wrong}; "
        "the Spark job writing it may have failed or not started"
    )
