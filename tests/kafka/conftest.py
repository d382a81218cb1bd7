"""Fixtures of the Kafka tests: topics on the run's broker, and a Spark session.

`kafka_broker` (tests/conftest.py) is the run's one real broker; `kafka_config` is the
configuration whose work_dir holds it.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from mlsql.config import Config


@pytest.fixture(scope="session")
def kafka_config(config: Config) -> Config:
    """The run's configuration: its work_dir holds the session broker (`kafka_broker`)."""
    return config


@pytest.fixture
def topic(kafka_broker: str) -> Iterator[str]:
    """A fresh topic name, deleted after the test."""
    from mlsql.kafka.transport import delete_topic

    name = f"test.{uuid.uuid4().hex[:10]}"
    yield name
    delete_topic(kafka_broker, name)


@pytest.fixture(scope="session")
def arrow_spark(kafka_config: Config) -> Iterator[Any]:
    """A local[2] Spark session (the active one if the run already has a session)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    jars = ",".join(str(jar) for jar in kafka_config.spark_jars())
    session = (
        SparkSession.builder.master("local[2]")
        .appName("mlsql-kafka-tests")
        .config("spark.jars", jars)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    yield session
    session.stop()
