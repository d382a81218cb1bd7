"""Arrow payload packing: sizes, slicing and the exact round trip."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from mlsql.errors import KafkaError
from mlsql.kafka.arrow_codec import decode_batches, encode_messages


def _batch(rows: int, width: int = 4) -> pa.RecordBatch:
    rng = np.random.default_rng(rows)
    return pa.RecordBatch.from_pydict({f"c{i}": rng.random(rows) for i in range(width)})


def _round_trip(
    batches: list[pa.RecordBatch], target: int, limit: int
) -> tuple[pa.Table, list[int]]:
    messages = list(encode_messages(batches, target, limit))
    decoded = [b for _, payload in messages for b in decode_batches(payload)]
    assert sum(rows for rows, _ in messages) == sum(b.num_rows for b in batches)
    return pa.Table.from_batches(decoded), [len(p) for _, p in messages]


def test_small_batches_are_packed() -> None:
    batches = [_batch(100) for _ in range(50)]  # 3.2 KB each
    table, sizes = _round_trip(batches, 64 * 1024, 1 << 20)
    assert table.equals(pa.Table.from_batches(batches))
    assert len(sizes) < 5


def test_big_batch_is_sliced_under_the_limit() -> None:
    batch = _batch(100_000)  # 3.2 MB
    table, sizes = _round_trip([batch], 256 * 1024, 300 * 1024)
    assert table.equals(pa.Table.from_batches([batch]))
    assert max(sizes) <= 300 * 1024 and len(sizes) >= 12


def test_variable_width_rows_are_halved_until_they_fit() -> None:
    text = ["x" * (10 if i % 100 else 20_000) for i in range(2_000)]
    batch = pa.RecordBatch.from_pydict({"s": text})
    table, sizes = _round_trip([batch], 1 << 20, 64 * 1024)
    assert table.equals(pa.Table.from_batches([batch])) and max(sizes) <= 64 * 1024


def test_a_row_over_the_limit_is_an_error() -> None:
    batch = pa.RecordBatch.from_pydict({"s": ["y" * 100_000]})
    with pytest.raises(KafkaError, match="raise kafka.message_max_bytes"):
        list(encode_messages([batch], 1 << 20, 64 * 1024))


def test_empty_input_sends_nothing() -> None:
    assert list(encode_messages([_batch(0)], 1024, 4096)) == []
