"""The Arrow data path against a real broker: round trips, passes, retries, errors."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pytest

from mlsql.errors import KafkaError
from mlsql.kafka import transport as tr
from mlsql.kafka.arrow_codec import encode_messages
from mlsql.kafka.messages import DATA, headers
from mlsql.kafka.writer import _close, _produce, _producer


def _batches(part: int, count: int, rows: int) -> Iterator[pa.RecordBatch]:
    rng = np.random.default_rng(part)
    for i in range(count):
        yield pa.RecordBatch.from_pydict(
            {
                "part": np.full(rows, part, dtype=np.int32),
                "row": np.arange(i * rows, (i + 1) * rows, dtype=np.int64),
                "x": rng.random(rows),
                "label": [f"p{part}-{i}-{j}" for j in range(rows)],
            }
        )


def _expected(parts: dict[int, tuple[int, int]]) -> pa.Table:
    batches = [b for p, (n, rows) in sorted(parts.items()) for b in _batches(p, n, rows)]
    return pa.Table.from_batches(batches)


def _read(ref: tr.TopicRef, **kwargs: object) -> pa.Table:
    batches = list(tr.read_arrow_batches(ref, group_id="test", timeout_s=20, **kwargs))  # type: ignore[arg-type]
    return pa.Table.from_batches(batches).sort_by([("part", "ascending"), ("row", "ascending")])


def _write_all(ref: tr.TopicRef, parts: dict[int, tuple[int, int]]) -> None:
    for part, (count, rows) in parts.items():
        assert tr.write_arrow_partition(ref, part, _batches(part, count, rows)) == count * rows


@pytest.mark.parametrize("kafka_partitions", [1, 2])
def test_round_trip_with_split_batches(
    kafka_broker: str, topic: str, kafka_partitions: int
) -> None:
    limit = 256 * 1024  # a 40,000-row batch (~2 MB) must be cut into several messages
    ref = tr.TopicRef(kafka_broker, topic, partitions=3, max_message_bytes=limit)
    tr.create_topic(kafka_broker, topic, num_partitions=kafka_partitions, max_message_bytes=limit)
    parts = {0: (3, 500), 1: (2, 40_000), 2: (1, 7)}
    _write_all(ref, parts)
    progress: list[tuple[int, int]] = []
    table = _read(ref, on_progress=lambda rows, size: progress.append((rows, size)))
    assert table.equals(_expected(parts))
    assert len(progress) > 10 and progress[-1][0] == table.num_rows
    assert all(a <= b for a, b in zip(progress, progress[1:], strict=False))


def test_two_passes_read_the_same_data(kafka_broker: str, topic: str) -> None:
    ref = tr.TopicRef(kafka_broker, topic, partitions=2)
    tr.create_topic(kafka_broker, topic)
    parts = {0: (2, 1000), 1: (1, 10)}
    _write_all(ref, parts)
    first, second = _read(ref), _read(ref)
    assert first.equals(second) and first.equals(_expected(parts))


def test_empty_partition_still_ends(kafka_broker: str, topic: str) -> None:
    ref = tr.TopicRef(kafka_broker, topic, partitions=2)
    tr.create_topic(kafka_broker, topic)
    assert tr.write_arrow_partition(ref, 0, iter(())) == 0
    tr.write_arrow_partition(ref, 1, _batches(1, 1, 5))
    assert _read(ref).num_rows == 5


def test_duplicate_end_marker_does_not_end_the_pass(kafka_broker: str, topic: str) -> None:
    ref = tr.TopicRef(kafka_broker, topic, partitions=2)
    tr.create_topic(kafka_broker, topic)
    tr.write_arrow_partition(ref, 0, _batches(0, 1, 100))
    tr.write_arrow_partition(ref, 0, _batches(0, 1, 100))  # a retried task that committed twice
    with pytest.raises(TimeoutError, match="end markers of 1 of 2"):
        list(tr.read_arrow_batches(ref, group_id="test", timeout_s=2))
    tr.write_arrow_partition(ref, 1, _batches(1, 1, 3))
    assert _read(ref).equals(_expected({0: (1, 100), 1: (1, 3)}))


def test_failed_attempt_is_invisible(kafka_broker: str, topic: str) -> None:
    """A task that died mid-write left an open transaction; its retry fences and aborts it."""
    ref = tr.TopicRef(kafka_broker, topic, partitions=1)
    tr.create_topic(kafka_broker, topic)
    zombie = _producer(ref, f"{topic}.0")
    zombie.init_transactions()
    zombie.begin_transaction()
    for _, payload in encode_messages(_batches(0, 1, 50), 1 << 20, 1 << 20):
        _produce(zombie, topic, payload, 0, headers(DATA, 0, b"zombie"))
    zombie.flush(10)
    tr.write_arrow_partition(ref, 0, _batches(0, 2, 30))
    assert _read(ref).equals(_expected({0: (2, 30)}))
    _close(zombie)


def test_no_data_times_out_clearly(kafka_broker: str, topic: str) -> None:
    tr.create_topic(kafka_broker, topic)
    ref = tr.TopicRef(kafka_broker, topic, partitions=1)
    started = time.monotonic()
    with pytest.raises(tr.TransportTimeout, match="no data arrived .* for 1.5s") as caught:
        list(tr.read_arrow_batches(ref, group_id="test", timeout_s=1.5))
    assert isinstance(caught.value, KafkaError) and isinstance(caught.value, TimeoutError)
    assert time.monotonic() - started < 8


def test_missing_topic_is_reported(kafka_broker: str) -> None:
    ref = tr.TopicRef(kafka_broker, "no.such.topic", partitions=1)
    with pytest.raises(KafkaError, match="does not exist"):
        list(tr.read_arrow_batches(ref, group_id="test", timeout_s=2))


def test_delete_topic_is_idempotent(kafka_broker: str, topic: str) -> None:
    ref = tr.TopicRef(kafka_broker, topic, partitions=1)
    tr.create_topic(kafka_broker, topic)
    tr.create_topic(kafka_broker, topic)  # existing: left as it is
    tr.write_arrow_partition(ref, 0, _batches(0, 1, 10))
    tr.delete_topic(kafka_broker, topic)
    tr.delete_topic(kafka_broker, topic)
    with pytest.raises(KafkaError, match="does not exist"):
        list(tr.read_arrow_batches(ref, group_id="test", timeout_s=2))


def test_topic_name() -> None:
    assert tr.topic_name("mlsql", "job 1/ä") == "mlsql.train.job_1__"
    assert len(tr.topic_name("p", "x" * 400)) == 249
