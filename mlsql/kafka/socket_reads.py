"""Large socket reads for kafka-python's consumer (a guarded, documented patch).

kafka-python 3.0's `KafkaTCPTransport._sock_recv` drains a socket with `recv(4096)` calls: a
16 MB fetch response costs 4,000 Python-level calls and a join. Reading 256 KB at a time cut the
reader's CPU by about 40% and its wall time by a similar share on 160 MB of Arrow data
(bench/kafka_throughput.py, A/B in one process). The patch replaces that one method only when it
is the exact function we measured (kafka-python 3.0.x, a `recv(4096)` loop), keeps its error
handling, and can be turned off with `MLSQL_KAFKA_LARGE_READS=0`. It is process-wide, as the
method belongs to the class; it is applied by the reader (`read_arrow_batches`) only.
"""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger(__name__)

CHUNK_BYTES = 256 * 1024
_state = {"applied": False}  # documented process-wide flag: the patch is applied once


def enable_large_socket_reads() -> bool:
    """Patch kafka-python's TCP transport to read `CHUNK_BYTES` per call; True if active."""
    if _state["applied"]:
        return True
    if os.environ.get("MLSQL_KAFKA_LARGE_READS", "1") == "0":
        return False
    try:
        import kafka
        from kafka.net.transport import KafkaTCPTransport
    except ImportError:
        return False
    original = getattr(KafkaTCPTransport, "_sock_recv", None)
    code = getattr(original, "__code__", None)
    if not kafka.__version__.startswith("3.0.") or code is None or 4096 not in code.co_consts:
        log.debug("kafka-python %s: socket reads left as they are", kafka.__version__)
        return False
    KafkaTCPTransport._sock_recv = _sock_recv_large
    _state["applied"] = True
    return True


def _sock_recv_large(self: Any) -> tuple[bytes, Exception | None]:
    """`KafkaTCPTransport._sock_recv` with large reads: (bytes read, connection error or None)."""
    from kafka.errors import KafkaConnectionError

    chunks: list[bytes] = []
    error: Exception | None = None
    while True:
        try:
            data = self._sock.recv(CHUNK_BYTES)
        except (BlockingIOError, InterruptedError):
            break
        except BaseException as err:  # same contract as the original: report, do not raise
            log.exception("%s: error receiving network data, closing socket", self)
            error = KafkaConnectionError(err)
            break
        if not data:
            error = KafkaConnectionError("socket disconnected")
            break
        chunks.append(data)
        if len(data) < CHUNK_BYTES:  # drained for now; the selector wakes us for more
            break
    return (chunks[0] if len(chunks) == 1 else b"".join(chunks)), error
