"""The broker JVM as an operating-system process: command line, ports, cluster id, pids.

Helpers of `mlsql.kafka.broker`, kept apart so that the broker module reads as the broker's
life cycle.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from mlsql.config import Config, conf_file
from mlsql.errors import KafkaError

CONF_DIR = conf_file("kafka")  # package data in a non-editable install
# Overridable like Kafka's own scripts, through KAFKA_HEAP_OPTS / KAFKA_JVM_PERFORMANCE_OPTS.
HEAP_OPTIONS = "-Xms256m -Xmx1g"
# Measured on 160 MB of 1 MB Arrow messages (5 rounds of write + read, 2 cores): with G1's
# default 1 MB regions every 1-2 MB request buffer is a humongous object and concurrent marking
# ran constantly; C2 compilation was the other big consumer. 16 MB regions and C1 only cut the
# broker's CPU per round from ~1.0 s to ~0.4 s and its start-up CPU from ~4 s to ~2 s, with the
# same wall times.
PERFORMANCE_OPTIONS = (
    "-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:G1HeapRegionSize=16m -XX:TieredStopAtLevel=1 "
    "-XX:+ExplicitGCInvokesConcurrent"
)


def java_command(config: Config, logs_dir: Path | None = None) -> list[str]:
    """`java <options> -cp <broker jars>`; raises KafkaError if Java or the jars are missing.

    Args:
        config: where the jars are.
        logs_dir: where log4j writes `broker.log` (default `<work_dir>/kafka`).
    """
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not Path(java).exists():
        raise KafkaError(
            "Java is needed for the embedded Kafka broker: install Java 17+ or set JAVA_HOME"
        )
    jars = config.broker_jars()
    if not any(jar.name.startswith("kafka_2.13") for jar in jars):
        raise KafkaError(
            f"the Kafka broker jars are missing from {config.jars_dir / 'broker'}: run "
            "scripts/setup.sh, or set kafka.bootstrap_servers to an existing broker"
        )
    logs = logs_dir or (Path(config.work_dir) / "kafka").resolve()
    heap = os.environ.get("KAFKA_HEAP_OPTS") or HEAP_OPTIONS
    performance = os.environ.get("KAFKA_JVM_PERFORMANCE_OPTS") or PERFORMANCE_OPTIONS
    return [
        java,
        *heap.split(),
        *performance.split(),
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={CONF_DIR / 'log4j2.properties'}",
        f"-Dkafka.logs.dir={logs}",
        "-cp",
        os.pathsep.join(str(jar) for jar in jars),
    ]


def claim_port(port: int, setting: str) -> int:
    """Check that loopback `port` is free (0: pick a free one) and return it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as err:
            raise KafkaError(
                f"port {port} on 127.0.0.1 is already in use ({err.strerror}); stop what uses it "
                f"or set {setting} to another port (0 picks a free one)"
            ) from err
        return int(sock.getsockname()[1])


def port_open(bootstrap: str) -> bool:
    """Whether a TCP connection to `host:port` is accepted (cheap pre-check before a probe)."""
    host, _, port = bootstrap.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def new_cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting '-'."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def is_broker_process(pid: int) -> bool:
    """Whether `pid` is alive and (where /proc exists) runs `kafka.Kafka`."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if not Path("/proc").is_dir():  # no /proc (macOS): trust the pid
        return True
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # exited meanwhile
        return False
    return b"kafka.Kafka" in cmdline  # empty for a zombie, other text for a recycled pid


def wait_exit(pid: int, timeout_s: float) -> bool:
    """Wait up to `timeout_s` for `pid` to exit (reaping it if it is our child)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        if not is_broker_process(pid):
            return True
        time.sleep(0.1)
    return False


class BrokerService:
    """What the embedded broker and a cluster share: `bootstrap_servers` once started, and
    `with service:` starting it and stopping it on exit. Subclasses set `state` in `start`."""

    what = "the Kafka broker"
    state: Any = None

    def start(self) -> str:
        """Start the service; returns its bootstrap servers."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the service."""
        raise NotImplementedError

    @property
    def bootstrap_servers(self) -> str:
        """`host:port`(s) of the PLAINTEXT listener(s) (the service must be started)."""
        if self.state is None:
            raise KafkaError(f"{self.what} is not started")
        return str(self.state.bootstrap_servers)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
