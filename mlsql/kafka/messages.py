"""What travels on a per-job topic: the topic reference, message headers and size limits.

Shared by the writer (`mlsql.kafka.writer`) and the reader (`mlsql.kafka.reader`); the design
is described in `mlsql.kafka.transport`.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlsql.errors import KafkaError

# The clients and the broker spent the least CPU per byte at about 1 MB per message (measured
# for 0.5-8 MB with bench/kafka_throughput.py's data; see the benchmark's docstring).
MESSAGE_TARGET_BYTES = 1024 * 1024
# Header keys: kind (data or end marker), Spark partition, attempt id.
KIND, PART, ATTEMPT = "k", "p", "a"
DATA, END = b"d", b"e"


@dataclass(frozen=True)
class TopicRef:
    """Where one job's training table travels, and how many Spark partitions write it."""

    bootstrap_servers: str
    topic: str
    partitions: int  # number of Spark partitions = end markers the reader waits for
    max_message_bytes: int = 16 * 1024 * 1024


class TransportTimeout(KafkaError, TimeoutError):
    """No data arrived within the reader's timeout (catchable as KafkaError or TimeoutError)."""

    code = "kafka_timeout"


def topic_name(prefix: str, job_id: str) -> str:
    """The per-job topic `<prefix>.train.<job_id>`, with characters Kafka rejects replaced."""
    raw = f"{prefix}.train.{job_id}" if prefix else f"train.{job_id}"
    safe = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "._-" else "_" for ch in raw)
    return safe[:249]


def payload_limit(max_message_bytes: int) -> int:
    """Largest Arrow payload that fits a Kafka message with its headers and batch overhead."""
    return max(64 * 1024, max_message_bytes - 4096)


def headers(kind: bytes, partition_index: int, attempt: bytes) -> list[tuple[str, bytes]]:
    """Kafka headers of a data message or end marker."""
    return [(KIND, kind), (PART, str(partition_index).encode()), (ATTEMPT, attempt)]
