"""Session-wide fixtures: one Spark session and one engine for the whole test run.

`MLSQL_TEST_MASTER` picks the Spark master (default local[2]; CI also runs the model tests on
`local-cluster[2,1,1024]`, which starts separate executor JVMs and Python workers).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlsql.config import Config

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """Engine configuration for tests: a private work folder, a small local Spark."""
    work = tmp_path_factory.mktemp("work")
    master = os.environ.get("MLSQL_TEST_MASTER", "local[2]")
    return Config.load(
        work_dir=str(work),
        spark={
            "master": master,
            "conf": {"spark.sql.shuffle.partitions": "2", "spark.ui.enabled": "false"},
        },
        kafka={"start_timeout_s": 90.0},
    )


@pytest.fixture(scope="session")
def kafka_broker(config: Config) -> Iterator[str]:
    """The one real single-node KRaft broker of the test run (its state lives in the config's
    work folder, so an engine on that config finds and reuses it); yields its bootstrap address."""
    from mlsql.kafka.broker import EmbeddedBroker

    with EmbeddedBroker(config) as broker:
        yield broker.bootstrap_servers


@pytest.fixture(scope="session")
def spark(config: Config) -> Iterator[object]:
    """The one Spark session of the test run."""
    from mlsql.engine.spark import build_spark_session

    session = build_spark_session(config)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def engine(config: Config, spark: object, kafka_broker: str) -> Iterator[object]:
    """The engine shared by the tests (each test takes its own engine session); its Kafka is
    the session's embedded broker."""
    from mlsql.engine import Engine

    eng = Engine(config, spark=spark)  # type: ignore[arg-type]
    assert eng.kafka_bootstrap() == kafka_broker
    yield eng
    eng.close()


@pytest.fixture
def session(engine: object) -> object:
    """A fresh engine session: its own temporary views, variables and functions."""
    return engine.session(f"test-{uuid.uuid4().hex[:8]}")  # type: ignore[attr-defined]


@pytest.fixture
def run(engine: object, session: object):
    """`run(script, **kw)` runs a script in this test's session and returns the ScriptResult."""

    def _run(text: str, **kwargs: object) -> object:
        return engine.run(text, session=session, **kwargs)  # type: ignore[attr-defined]

    return _run
