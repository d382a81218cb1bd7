"""The framing between the server and a model worker: one message = header + rows.

A frame is ``!II`` (header length, body length), a UTF-8 JSON header, then the body: the rows,
either an Arrow IPC stream (``"body": "arrow"``, any column kinds) or, when every input column
is numeric, the raw little-endian float64 matrix (``"body": "f8"``, row-major, the header's
``columns`` naming its columns; missing values are NaN): a request's few numeric rows then cost
no Arrow schema or IPC stream at all. The body is empty when the message carries no rows. Requests name an ``op`` (``ping``,
``load``, ``predict``, ``stop``); answers say ``ok`` and, on failure, an error ``code`` and
``message``. Both sides use these functions (blocking sockets in the worker, asyncio streams
in the server).
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

PREFIX = struct.Struct("!II")
MAX_FRAME_BYTES = 256 * 1024 * 1024


class ProtocolError(Exception):
    """A frame that cannot be read (truncated, oversized or not JSON)."""


def encode(header: dict[str, Any], body: bytes = b"") -> bytes:
    """One frame."""
    try:
        head = orjson.dumps(header)
    except TypeError:  # a value orjson does not know: the standard library's encoder
        head = json.dumps(header, separators=(",", ":")).encode()
    return PREFIX.pack(len(head), len(body)) + head + body


def decode_header(data: bytes) -> dict[str, Any]:
    """The JSON header of a frame."""
    try:
        header = orjson.loads(data)
    except orjson.JSONDecodeError:
        header = _std_loads(data)  # the standard encoder's NaN, or a frame that is not JSON
    if not isinstance(header, dict):
        raise ProtocolError("frame header is not a JSON object")
    return header


def _std_loads(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ProtocolError(f"frame header is not JSON: {err}") from None


def _check_sizes(head: int, body: int) -> None:
    if head + body > MAX_FRAME_BYTES:
        raise ProtocolError(f"frame of {head + body} bytes is over {MAX_FRAME_BYTES}")


def table_bytes(table: pa.Table | pa.RecordBatch) -> bytes:
    """An Arrow IPC stream of `table`."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write(table)
    return sink.getvalue().to_pybytes()


def bytes_table(body: bytes) -> pa.Table:
    """The table of an Arrow IPC stream."""
    return pa.ipc.open_stream(pa.py_buffer(body)).read_all()


def matrix_bytes(rows: Any) -> bytes:
    """Numeric rows (numbers, booleans or None) as a raw float64 matrix (None becomes NaN)."""
    return np.asarray(rows, dtype="<f8").tobytes()


def bytes_matrix(body: bytes, width: int) -> np.ndarray:
    """The rows × `width` float64 matrix of a raw body (ProtocolError if it does not divide)."""
    if width <= 0 or len(body) % (8 * width):
        raise ProtocolError(f"a float64 body of {len(body)} bytes is not rows of {width} columns")
    return np.frombuffer(body, dtype="<f8").reshape(-1, width)


async def read_frame(reader: asyncio.StreamReader) -> tuple[dict[str, Any], bytes]:
    """The next frame from an asyncio stream (``asyncio.IncompleteReadError`` at EOF)."""
    head_len, body_len = PREFIX.unpack(await reader.readexactly(PREFIX.size))
    _check_sizes(head_len, body_len)
    data = await reader.readexactly(head_len + body_len)
    return decode_header(data[:head_len]), data[head_len:]


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks: list[bytes] = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket) -> tuple[dict[str, Any], bytes]:
    """The next frame from a blocking socket (``EOFError`` when the peer closed it)."""
    head_len, body_len = PREFIX.unpack(_recv_exactly(sock, PREFIX.size))
    _check_sizes(head_len, body_len)
    data = _recv_exactly(sock, head_len + body_len)
    return decode_header(data[:head_len]), data[head_len:]
