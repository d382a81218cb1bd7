"""Arrow record batches <-> Kafka message payloads (Arrow IPC streams).

A payload is one self-describing Arrow IPC stream: the schema followed by one or more record
batches. Small batches are packed together up to a target size (few large messages cost the
clients and the broker least per byte); a batch larger than the target is sliced by rows. No
payload exceeds the hard limit (the topic's `max.message.bytes` less headroom for headers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyarrow as pa

from mlsql.errors import KafkaError


def encode_messages(
    batches: Iterable[pa.RecordBatch], target_bytes: int, limit_bytes: int
) -> Iterator[tuple[int, memoryview]]:
    """Pack `batches` into IPC stream payloads of about `target_bytes`, never over `limit_bytes`.

    Yields:
        (rows in the payload, payload as a memoryview of an Arrow buffer), in row order.

    Raises:
        KafkaError: a single row is larger than `limit_bytes`.
    """
    pending: list[pa.RecordBatch] = []
    pending_bytes = 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        for piece in _slices(batch, target_bytes):
            size = piece.nbytes
            if pending and pending_bytes + size > target_bytes:
                yield from _encode_checked(pending, limit_bytes)
                pending, pending_bytes = [], 0
            pending.append(piece)
            pending_bytes += size
    if pending:
        yield from _encode_checked(pending, limit_bytes)


def decode_batches(payload: bytes | memoryview) -> list[pa.RecordBatch]:
    """The record batches of one payload (zero-copy views of `payload`)."""
    with pa.ipc.open_stream(pa.py_buffer(payload)) as reader:
        return list(reader)


def _slices(batch: pa.RecordBatch, target_bytes: int) -> Iterator[pa.RecordBatch]:
    """`batch` cut by rows into pieces of roughly `target_bytes` (zero-copy slices)."""
    size = batch.nbytes
    if size <= target_bytes:
        yield batch
        return
    rows_per_piece = max(1, int(batch.num_rows * target_bytes / size))
    for start in range(0, batch.num_rows, rows_per_piece):
        yield batch.slice(start, rows_per_piece)


def _encode_checked(
    batches: list[pa.RecordBatch], limit_bytes: int
) -> Iterator[tuple[int, memoryview]]:
    """Encode `batches` as one payload; halve by rows while it is over `limit_bytes`."""
    payload = _encode(batches)
    rows = sum(b.num_rows for b in batches)
    if len(payload) <= limit_bytes:
        yield rows, payload
        return
    if rows <= 1:
        raise KafkaError(
            f"one row takes {len(payload)} bytes, over the Kafka message limit of {limit_bytes}; "
            "raise kafka.message_max_bytes"
        )
    table = pa.Table.from_batches(batches)
    half = rows // 2
    for part in (table.slice(0, half), table.slice(half)):
        yield from _encode_checked(part.to_batches(), limit_bytes)


def _encode(batches: list[pa.RecordBatch]) -> memoryview:
    """One IPC stream: the schema of the first batch, then every batch (no extra copy)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batches[0].schema) as writer:
        for batch in batches:
            writer.write_batch(batch)
    return memoryview(sink.getvalue())
