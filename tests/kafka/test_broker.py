"""The embedded broker: start/stop/status, reuse, and errors that arrive within seconds."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlsql.config import Config
from mlsql.errors import KafkaError
from mlsql.kafka import broker as kb
from mlsql.kafka.transport import TopicRef, create_topic, read_arrow_batches


def _config(work: Path, **kafka: object) -> Config:
    return Config.load(work_dir=str(work), kafka={"start_timeout_s": 60.0, **kafka})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_session_broker_answers_and_is_reused(kafka_config: Config, kafka_broker: str) -> None:
    status = kb.status(kafka_config)
    assert status["running"] and status["bootstrap_servers"] == kafka_broker
    bootstrap, owned = kb.ensure_bootstrap(kafka_config)
    assert (bootstrap, owned) == (kafka_broker, None)


def test_second_broker_on_the_same_work_dir_is_refused(kafka_config: Config) -> None:
    with pytest.raises(KafkaError, match="already runs"):
        kb.EmbeddedBroker(kafka_config).start()


def test_configured_bootstrap_is_used_as_is(kafka_broker: str, tmp_path: Path) -> None:
    config = _config(tmp_path, bootstrap_servers=kafka_broker)
    assert kb.ensure_bootstrap(config) == (kafka_broker, None)
    assert not (tmp_path / "kafka").exists()


def test_owned_broker_ends_with_its_process_without_close(tmp_path: Path) -> None:
    """An engine's broker (started attached) is stopped at interpreter exit, so a script that
    never calls Engine.close() leaves no broker JVM behind."""
    code = (
        "from mlsql.config import Config; from mlsql.kafka.broker import ensure_bootstrap;"
        f"_, owned = ensure_bootstrap(Config.load(work_dir={str(tmp_path)!r}));"
        "print(owned.process.pid)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    pid = int(done.stdout.strip().splitlines()[-1])
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    assert not (tmp_path / "kafka" / kb.STATE_FILE).exists()
    assert not kb.status(_config(tmp_path))["running"]


def test_detached_start_survives_its_process_then_stops(tmp_path: Path) -> None:
    config = _config(tmp_path)
    code = (
        "import sys; from mlsql.config import Config; from mlsql.kafka.broker import start_detached;"
        f"print(start_detached(Config.load(work_dir={str(tmp_path)!r})).bootstrap_servers)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    bootstrap = done.stdout.strip().splitlines()[-1]
    try:
        status = kb.status(config)
        assert status["running"] and status["bootstrap_servers"] == bootstrap
        assert kb.ensure_bootstrap(config) == (bootstrap, None)
        assert (tmp_path / "kafka" / "broker.log").stat().st_size > 0
    finally:
        assert kb.stop_detached(config)
    assert not kb.status(config)["running"]
    assert not (tmp_path / "kafka" / kb.STATE_FILE).exists()
    assert kb.stop_detached(config) is False


def test_port_in_use_names_the_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(KafkaError, match=f"port {port} .*already in use"):
            kb.EmbeddedBroker(_config(tmp_path, embedded_port=port)).start()
    assert time.monotonic() - started < 5


def test_unreachable_bootstrap_fails_fast(tmp_path: Path) -> None:
    address = f"127.0.0.1:{_free_port()}"
    config = _config(tmp_path, bootstrap_servers=address, request_timeout_s=2.0)
    started = time.monotonic()
    with pytest.raises(KafkaError, match="cannot be reached") as caught:
        kb.ensure_bootstrap(config)
    assert time.monotonic() - started < 6
    assert address in caught.value.message and "kafka.bootstrap_servers" in caught.value.message


def test_stopped_broker_gives_clear_error(tmp_path: Path) -> None:
    with kb.EmbeddedBroker(_config(tmp_path)) as broker:
        bootstrap = broker.bootstrap_servers
        create_topic(bootstrap, "gone")
    ref = TopicRef(bootstrap, "gone", 1)
    started = time.monotonic()
    with pytest.raises(KafkaError, match=f"{bootstrap} cannot be reached"):
        list(read_arrow_batches(ref, group_id="t", timeout_s=3))
    with pytest.raises(KafkaError, match="cannot be reached"):
        create_topic(bootstrap, "again", timeout_s=2)
    assert time.monotonic() - started < 15


def test_broker_exiting_during_start_quotes_its_log(tmp_path: Path) -> None:
    data = tmp_path / "kafka" / "data"
    data.mkdir(parents=True)
    (data / "meta.properties").write_text(
        "version=1\ncluster.id=AAAAAAAAAAAAAAAAAAAAAA\nnode.id=7\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAQ\n"
    )
    started = time.monotonic()
    with pytest.raises(KafkaError, match="exited with code") as caught:
        kb.EmbeddedBroker(_config(tmp_path)).start()
    assert time.monotonic() - started < 60
    assert "broker.log" in caught.value.message
    assert caught.value.message.count("\n") >= 2  # quotes log lines
    assert not (tmp_path / "kafka" / kb.STATE_FILE).exists()


def test_not_ready_in_time(tmp_path: Path) -> None:
    broker = kb.EmbeddedBroker(_config(tmp_path, start_timeout_s=0.3))
    with pytest.raises(KafkaError, match="not ready within 0.3s"):
        broker.start()
    assert broker.process is None
