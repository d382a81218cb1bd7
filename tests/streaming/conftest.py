"""Fixtures of the streaming tests: an engine whose Kafka is the session's embedded broker.

`kafka_broker` (tests/conftest.py) is the run's one broker; the streaming engine shares the
run's Spark session.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mlsql.config import Config

STREAM_WAIT_S = 90.0


@pytest.fixture(scope="session")
def stream_engine(config: Config, spark: Any, kafka_broker: str) -> Iterator[Any]:
    """An engine whose default Kafka (`kafka.bootstrap_servers`) is the embedded test broker."""
    from mlsql.engine import Engine

    kafka = config.kafka.model_copy(update={"bootstrap_servers": kafka_broker})
    engine = Engine(config.model_copy(update={"kafka": kafka}), spark=spark)
    yield engine
    engine.close()


@pytest.fixture
def stream_session(stream_engine: Any) -> Iterator[Any]:
    """A fresh engine session; its streams are stopped after the test."""
    name = f"stream-{uuid.uuid4().hex[:8]}"
    session = stream_engine.session(name)
    yield session
    stream_engine.drop_session(name)


@pytest.fixture
def new_topic(kafka_broker: str) -> Iterator[Callable[[], str]]:
    """`new_topic()` creates a fresh topic; all are deleted after the test."""
    from mlsql.kafka.admin import create_topic, delete_topic

    made: list[str] = []

    def make() -> str:
        name = f"stream.{uuid.uuid4().hex[:10]}"
        create_topic(kafka_broker, name)
        made.append(name)
        return name

    yield make
    for name in made:
        delete_topic(kafka_broker, name)


def produce_json(bootstrap: str, topic: str, rows: list[dict[str, Any]]) -> None:
    """Send each row as one JSON message to `topic` and wait until all are acknowledged."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap)
    try:
        for row in rows:
            producer.send(topic, json.dumps(row).encode())
        producer.flush(timeout=30)
    finally:
        producer.close(timeout=10)


def consume_json(
    bootstrap: str, topic: str, count: int, timeout_s: float = STREAM_WAIT_S
) -> list[dict[str, Any]]:
    """Read `count` JSON messages from the start of `topic` (fewer if `timeout_s` passes)."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(out) < count and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                out.extend(json.loads(r.value) for r in records)
    finally:
        consumer.close()
    return out


def wait_for(predicate: Callable[[], bool], timeout_s: float = STREAM_WAIT_S) -> bool:
    """Poll `predicate` every half second until it is true or `timeout_s` passed."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()
