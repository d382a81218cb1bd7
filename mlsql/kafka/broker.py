"""The embedded single-node Kafka 4.x broker (KRaft, combined broker + controller).

`EmbeddedBroker` owns one `java -cp <broker jars> kafka.Kafka server.properties` process whose
data, configuration and log (`broker.log`) live under `<work_dir>/kafka/`. The storage is formatted
once (static quorum voters, so the loopback ports may change between starts). A state file
`<work_dir>/kafka/broker.json` (pid, ports, bootstrap address) lets other processes find a running
broker; `ensure_bootstrap` reuses it, and the `mlsql kafka` commands start one detached. A broker
started attached (an engine's) is stopped when its Python process exits, `close()` or not.

Every wait has a deadline: a taken port, a broker that dies while starting, or one that is not
ready in `kafka.start_timeout_s` raise `KafkaError` within seconds, quoting `broker.log`.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from string import Template

from mlsql.config import Config
from mlsql.errors import KafkaError
from mlsql.kafka.admin import is_reachable, probe, unreachable_message
from mlsql.kafka.broker_process import (
    CONF_DIR,
    BrokerService,
    claim_port,
    is_broker_process,
    java_command,
    new_cluster_id,
    port_open,
    wait_exit,
)
from mlsql.kafka.lock import FileLock

STATE_FILE = "broker.json"
LOG_FILE = "broker.log"
_FORMAT_TIMEOUT_S = 120.0
_STOP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class BrokerState:
    """What `broker.json` records about a running embedded broker."""

    pid: int
    port: int
    controller_port: int
    bootstrap_servers: str
    started_at: float

    @classmethod
    def read(cls, kafka_dir: Path) -> BrokerState | None:
        """The state recorded in `kafka_dir`, or None if there is none (or it is unreadable)."""
        try:
            return cls(**json.loads((kafka_dir / STATE_FILE).read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def write(self, kafka_dir: Path) -> None:
        """Record this state atomically (write a temporary file, then rename)."""
        tmp = kafka_dir / f".{STATE_FILE}.{os.getpid()}"
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(kafka_dir / STATE_FILE)

    def process_alive(self) -> bool:
        """Whether `pid` still runs a Kafka broker (not a recycled pid)."""
        return is_broker_process(self.pid)


class EmbeddedBroker(BrokerService):
    """One single-node Kafka broker process, started and stopped as a context manager.

    Example:
        with EmbeddedBroker(config) as broker:
            use(broker.bootstrap_servers)
    """

    what = "the embedded Kafka broker"

    def __init__(self, config: Config) -> None:
        self.config = config
        self.kafka_dir = (Path(config.work_dir) / "kafka").resolve()
        self.process: subprocess.Popen[bytes] | None = None
        self.state: BrokerState | None = None

    def start(self, *, detached: bool = False) -> str:
        """Start the broker and wait until it answers a metadata request.

        Args:
            detached: the broker is to outlive this process (every broker runs in a session
                of its own, so a terminal's Ctrl-C never reaches it).

        Returns:
            The bootstrap address `127.0.0.1:<port>`.

        Raises:
            KafkaError: a broker already runs on this work_dir, a configured port is taken,
                Java or the jars are missing, the broker exited while starting, or it was not
                ready within `kafka.start_timeout_s`.
        """
        self.kafka_dir.mkdir(parents=True, exist_ok=True)
        self._refuse_second_broker()
        port, controller_port = self._choose_ports()
        props = self._write_config(port, controller_port)
        self._format_storage(props)
        self.process = self._launch(props, detached=detached)
        if not detached:  # a broker this process owns ends with it, even without stop()
            atexit.register(self.stop)
        bootstrap = f"127.0.0.1:{port}"
        try:
            self._wait_ready(bootstrap)
        except BaseException:
            self.stop()
            raise
        self.state = BrokerState(self.process.pid, port, controller_port, bootstrap, time.time())
        self.state.write(self.kafka_dir)
        return bootstrap

    def _refuse_second_broker(self) -> None:
        """Raise KafkaError if `broker.json` names a live broker: its data folder is taken."""
        running = BrokerState.read(self.kafka_dir)
        if running is not None and running.process_alive():
            raise KafkaError(
                f"an embedded Kafka broker already runs for {self.kafka_dir} (pid {running.pid}, "
                f"{running.bootstrap_servers}); use it, or stop it with `mlsql kafka stop`"
            )

    def stop(self, timeout_s: float = _STOP_TIMEOUT_S) -> None:
        """Stop the broker (SIGTERM, then SIGKILL after `timeout_s`) and forget its state file."""
        atexit.unregister(self.stop)
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if proc is not None:
            _remove_state_of(self.kafka_dir, proc.pid)
        self.state = None

    def detach(self) -> BrokerState:
        """Leave the started broker running after this object is gone; return its state."""
        if self.state is None:
            raise KafkaError("the embedded Kafka broker is not started")
        atexit.unregister(self.stop)
        self.process = None
        return self.state

    def _choose_ports(self) -> tuple[int, int]:
        """The configured ports (checked free) or, for 0, free loopback ports."""
        kafka = self.config.kafka
        port = claim_port(kafka.embedded_port, "kafka.embedded_port")
        controller = claim_port(kafka.embedded_controller_port, "kafka.embedded_controller_port")
        while controller == port:
            controller = claim_port(0, "kafka.embedded_controller_port")
        return port, controller

    def _write_config(self, port: int, controller_port: int) -> Path:
        """Fill `conf/kafka/server.properties` and write it to `<work_dir>/kafka/`."""
        template = Template((CONF_DIR / "server.properties").read_text())
        max_bytes = self.config.kafka.message_max_bytes
        text = template.substitute(
            port=port,
            controller_port=controller_port,
            data_dir=self.kafka_dir / "data",
            message_max_bytes=max_bytes,
            socket_request_max_bytes=max(104857600, 2 * max_bytes),
        )
        props = self.kafka_dir / "server.properties"
        props.write_text(text)
        return props

    def _format_storage(self, props: Path) -> None:
        """Format the log directory with a new cluster id, once (`meta.properties` marks it)."""
        if (self.kafka_dir / "data" / "meta.properties").exists():
            return
        command = [*java_command(self.config), "kafka.tools.StorageTool", "format"]
        command += ["-t", new_cluster_id(), "-c", str(props), "--ignore-formatted"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=_FORMAT_TIMEOUT_S)
        except subprocess.TimeoutExpired as err:
            raise KafkaError(
                f"formatting the Kafka storage took over {_FORMAT_TIMEOUT_S}s"
            ) from err
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode(errors="replace").strip()
            raise KafkaError(f"formatting the Kafka storage in {self.kafka_dir} failed:\n{output}")

    def _launch(self, props: Path, *, detached: bool) -> subprocess.Popen[bytes]:
        """Start the broker JVM; its stdout/stderr go to `broker.out` beside `broker.log`."""
        command = [*java_command(self.config), "kafka.Kafka", str(props)]
        with open(self.kafka_dir / "broker.out", "ab") as out:
            return subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.kafka_dir,
                # Always a session of its own: a terminal's Ctrl-C (sent to the foreground process
                # group) must not kill the broker under a job that is being cancelled cleanly.
                start_new_session=True,
            )

    def _wait_ready(self, bootstrap: str) -> None:
        """Poll with metadata requests until the broker answers, exits, or the deadline passes."""
        assert self.process is not None
        timeout_s = self.config.kafka.start_timeout_s
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise KafkaError(
                    f"the embedded Kafka broker exited with code {self.process.returncode} while "
                    f"starting; last lines of {self.kafka_dir / LOG_FILE}:\n{self.log_tail()}"
                )
            if port_open(bootstrap) and is_reachable(bootstrap, 2.0):
                return
            time.sleep(0.2)
        raise KafkaError(
            f"the embedded Kafka broker was not ready within {timeout_s}s "
            f"(kafka.start_timeout_s); last lines of {self.kafka_dir / LOG_FILE}:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 20) -> str:
        """The last `lines` lines of `broker.log` (or of `broker.out` if the log is empty)."""
        for name in (LOG_FILE, "broker.out"):
            path = self.kafka_dir / name
            if path.exists() and path.stat().st_size:
                return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        return "(no broker output)"


def _remove_state_of(kafka_dir: Path, pid: int) -> None:
    """Delete `broker.json` if it describes the process `pid`."""
    state = BrokerState.read(kafka_dir)
    if state is not None and state.pid == pid:
        (kafka_dir / STATE_FILE).unlink(missing_ok=True)


def _kafka_dir(config: Config) -> Path:
    return (Path(config.work_dir) / "kafka").resolve()


def running_state(config: Config, timeout_s: float = 3.0) -> BrokerState | None:
    """The state of the embedded broker of `config.work_dir` if it runs and answers, else None."""
    state = BrokerState.read(_kafka_dir(config))
    if state is None or not state.process_alive():
        return None
    return state if is_reachable(state.bootstrap_servers, timeout_s) else None


def ensure_bootstrap(config: Config) -> tuple[str, EmbeddedBroker | None]:
    """The Kafka bootstrap address to use, starting the embedded broker if there is none.

    Returns:
        `(bootstrap_servers, owned_broker)`: `owned_broker` is the broker started here (the
        caller stops it), or None for a configured or already running broker.

    Raises:
        KafkaError: a configured broker cannot be reached within `kafka.request_timeout_s`, or
            the embedded broker cannot be started.
    """
    configured = config.kafka.bootstrap_servers.strip()
    if configured:
        probe(configured, config.kafka.request_timeout_s)
        return configured, None
    kafka_dir = _kafka_dir(config)
    kafka_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(kafka_dir / "broker.lock", timeout_s=config.kafka.start_timeout_s + 10):
        state = running_state(config)
        if state is not None:
            return state.bootstrap_servers, None
        broker = EmbeddedBroker(config)
        return broker.start(), broker


def start_detached(config: Config) -> BrokerState:
    """Start the embedded broker so that it outlives this process (or return the running one).

    Raises:
        KafkaError: the broker cannot be started (see `EmbeddedBroker.start`).
    """
    kafka_dir = _kafka_dir(config)
    kafka_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(kafka_dir / "broker.lock", timeout_s=config.kafka.start_timeout_s + 10):
        state = running_state(config)
        if state is not None:
            return state
        broker = EmbeddedBroker(config)
        broker.start(detached=True)
        return broker.detach()


def stop_detached(config: Config, timeout_s: float = _STOP_TIMEOUT_S) -> bool:
    """Stop the embedded broker recorded in the state file; False if none was running.

    Raises:
        KafkaError: the broker process did not exit, even after SIGKILL.
    """
    kafka_dir = _kafka_dir(config)
    state = BrokerState.read(kafka_dir)
    if state is None or not state.process_alive():
        (kafka_dir / STATE_FILE).unlink(missing_ok=True)
        return False
    for sig, wait_s in ((signal.SIGTERM, timeout_s), (signal.SIGKILL, 10.0)):
        os.kill(state.pid, sig)
        if wait_exit(state.pid, wait_s):
            _remove_state_of(kafka_dir, state.pid)
            return True
    raise KafkaError(f"the embedded Kafka broker (pid {state.pid}) did not stop; kill it by hand")


def status(config: Config) -> dict[str, object]:
    """Where the Kafka broker of `config` is and whether it answers (for `mlsql kafka status`)."""
    configured = config.kafka.bootstrap_servers.strip()
    if configured:
        ok = is_reachable(configured, config.kafka.request_timeout_s)
        note = "" if ok else unreachable_message(configured, "no answer")
        return {"running": ok, "bootstrap_servers": configured, "embedded": False, "message": note}
    state = BrokerState.read(_kafka_dir(config))
    alive = state is not None and state.process_alive()
    ok = alive and state is not None and is_reachable(state.bootstrap_servers, 3.0)
    return {
        "running": ok,
        "bootstrap_servers": state.bootstrap_servers if (state and alive) else "",
        "embedded": True,
        "pid": state.pid if (state and alive) else None,
        "message": "" if ok or not alive else "the broker process runs but does not answer yet",
    }
