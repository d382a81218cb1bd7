"""A local multi-broker Kafka 4.x cluster (KRaft): N combined broker + controller processes.

`KafkaCluster` owns N `java … kafka.Kafka node-<i>/server.properties` processes on loopback, all
controllers of one static quorum (`controller.quorum.voters`), with replicated topics:
`default.replication.factor = min(3, N)` and `min.insync.replicas = 2` from three brokers on, for
the job topics as for the transaction and offset logs. So one broker of three may die while a job
writes and reads (mlsql's producers are transactional, hence idempotent with `acks=all`), and the
quorum keeps a controller. It is the same broker (same jars, same `conf/kafka/server.properties`
template) as the embedded one; `mlsql kafka start --brokers 3` runs one detached, and the cluster
tests (tests/cluster) start one per session.

Data, configuration and logs live under `<cluster_dir>/node-<i>/`; `<cluster_dir>/cluster.json`
records the pids and ports so that another process can find or stop the cluster. Every wait has a
deadline.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from string import Template

from mlsql.config import Config
from mlsql.errors import KafkaError
from mlsql.kafka.admin import probe
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

STATE_FILE = "cluster.json"
NODE_HEAP = "-Xms128m -Xmx768m"
# Fence a dead broker within seconds (defaults: 9 s session, 2 s heartbeat) so that partition
# leadership moves quickly to the surviving replicas.
_FAILOVER = {"broker.session.timeout.ms": "4000", "broker.heartbeat.interval.ms": "1000"}
_FORMAT_TIMEOUT_S = 120.0
_STOP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class NodeState:
    """One broker process of the cluster (pid 0: not running)."""

    node_id: int
    port: int
    controller_port: int
    pid: int = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@dataclass(frozen=True)
class ClusterState:
    """What `cluster.json` records: the cluster id and its nodes."""

    cluster_id: str
    nodes: list[NodeState] = field(default_factory=list)

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(node.address for node in self.nodes)

    @classmethod
    def read(cls, cluster_dir: Path) -> ClusterState | None:
        """The recorded state, or None if there is none (or it is unreadable)."""
        try:
            data = json.loads((cluster_dir / STATE_FILE).read_text())
            return cls(data["cluster_id"], [NodeState(**n) for n in data["nodes"]])
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def write(self, cluster_dir: Path) -> None:
        """Record this state atomically."""
        tmp = cluster_dir / f".{STATE_FILE}.{os.getpid()}"
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(cluster_dir / STATE_FILE)


def replication_settings(brokers: int) -> dict[str, str]:
    """Replication of every topic (job topics and internal logs) on a cluster of `brokers`."""
    factor = str(min(3, brokers))
    min_isr = str(2 if brokers >= 3 else 1)
    return {
        "default.replication.factor": factor,
        "min.insync.replicas": min_isr,
        "offsets.topic.replication.factor": factor,
        "transaction.state.log.replication.factor": factor,
        "transaction.state.log.min.isr": min_isr,
        "share.coordinator.state.topic.replication.factor": factor,
        "share.coordinator.state.topic.min.isr": min_isr,
    }


class KafkaCluster(BrokerService):
    """N local broker processes forming one KRaft cluster, as a context manager.

    Example:
        with KafkaCluster(config, brokers=3, cluster_dir=Path("work/kafka-cluster")) as cluster:
            use(cluster.bootstrap_servers)   # "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3"
    """

    what = "the Kafka cluster"

    def __init__(self, config: Config, brokers: int = 3, cluster_dir: Path | None = None) -> None:
        if brokers < 1:
            raise KafkaError(f"a Kafka cluster needs at least one broker, not {brokers}")
        self.config = config
        self.brokers = brokers
        self.cluster_dir = (cluster_dir or Path(config.work_dir) / "kafka-cluster").resolve()
        self.processes: dict[int, subprocess.Popen[bytes]] = {}
        self.state: ClusterState | None = None

    def start(self) -> str:
        """Format (once) and start every node; wait until all brokers are registered.

        Returns:
            The bootstrap servers.

        Raises:
            KafkaError: a node runs already, a port is taken, a node exited while starting, or
                the cluster was not complete within `kafka.start_timeout_s` (at least 120 s).
        """
        self.cluster_dir.mkdir(parents=True, exist_ok=True)
        self._refuse_running()
        self.state = self._plan()
        for node in self.state.nodes:
            self._format(node)
        try:
            for node in self.state.nodes:
                self._launch(node)
            self.wait_ready(self.brokers)
        except BaseException:
            self.stop()
            raise
        return self.state.bootstrap_servers

    def stop(self, timeout_s: float = _STOP_TIMEOUT_S) -> None:
        """Stop every node (SIGTERM to all at once, then SIGKILL) and remove the state file.

        All at once: nodes stopped one by one wait for a quorum that the last ones no longer
        have.
        """
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + timeout_s
        for node_id in list(self.processes):
            self._stop_node(node_id, max(0.1, deadline - time.monotonic()))
        (self.cluster_dir / STATE_FILE).unlink(missing_ok=True)

    def kill(self, node_id: int) -> None:
        """SIGKILL one node, as a machine failure would (for fault tests)."""
        proc = self.processes.pop(node_id, None)
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        self._record(node_id, 0)

    def restart(self, node_id: int, *, wait: bool = True, timeout_s: float | None = None) -> None:
        """Start a stopped or killed node again on its ports.

        Args:
            node_id: the node (1..N).
            wait: wait until every broker is registered (not when restarting several nodes of a
                quorum that is down: start them all, then call `wait_ready`).
            timeout_s: longest wait.
        """
        if self.state is None:
            raise KafkaError("the Kafka cluster is not started")
        node = next(n for n in self.state.nodes if n.node_id == node_id)
        if node_id not in self.processes or self.processes[node_id].poll() is not None:
            self._launch(node)
        if wait:
            self.wait_ready(self.brokers, timeout_s)

    def running_nodes(self) -> list[int]:
        """Ids of the nodes whose process runs."""
        return [i for i, proc in self.processes.items() if proc.poll() is None]

    def wait_ready(self, brokers: int, timeout_s: float | None = None) -> None:
        """Wait until `brokers` brokers are registered with the controller quorum."""
        assert self.state is not None
        timeout_s = timeout_s or max(120.0, self.config.kafka.start_timeout_s)
        deadline = time.monotonic() + timeout_s
        live = ",".join(self.state.nodes[i - 1].address for i in self.running_nodes())
        while time.monotonic() < deadline:
            for node_id, proc in self.processes.items():
                if proc.poll() is not None:
                    raise KafkaError(
                        f"Kafka node {node_id} exited with code {proc.returncode} while "
                        f"starting; last lines of its log:\n{self.log_tail(node_id)}"
                    )
            if all(port_open(a) for a in live.split(",")) and _registered(live) >= brokers:
                return
            time.sleep(0.3)
        raise KafkaError(
            f"the Kafka cluster in {self.cluster_dir} did not have {brokers} brokers within "
            f"{timeout_s:g}s; last lines of node 1's log:\n{self.log_tail(1)}"
        )

    def log_tail(self, node_id: int, lines: int = 20) -> str:
        """The last lines of a node's `broker.log` (or `broker.out`)."""
        for name in ("broker.log", "broker.out"):
            path = self._node_dir(node_id) / name
            if path.exists() and path.stat().st_size:
                return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        return "(no broker output)"

    def _refuse_running(self) -> None:
        running = ClusterState.read(self.cluster_dir)
        if running is not None and any(is_broker_process(n.pid) for n in running.nodes if n.pid):
            raise KafkaError(
                f"a Kafka cluster already runs in {self.cluster_dir} "
                f"({running.bootstrap_servers}); use it or stop it (`mlsql kafka stop --cluster`)"
            )

    def _plan(self) -> ClusterState:
        """Ports for every node, and the cluster id (kept from an earlier format)."""
        old = ClusterState.read(self.cluster_dir)
        cluster_id = old.cluster_id if old and len(old.nodes) == self.brokers else new_cluster_id()
        taken: set[int] = set()
        nodes = []
        for node_id in range(1, self.brokers + 1):
            port, controller = _free_port(taken), _free_port(taken)
            nodes.append(NodeState(node_id, port, controller))
        return ClusterState(cluster_id, nodes)

    def _node_dir(self, node_id: int) -> Path:
        return self.cluster_dir / f"node-{node_id}"

    def _properties(self, node: NodeState) -> Path:
        """Fill the broker template for `node`, then set the cluster's own keys."""
        assert self.state is not None
        node_dir = self._node_dir(node.node_id)
        node_dir.mkdir(parents=True, exist_ok=True)
        max_bytes = self.config.kafka.message_max_bytes
        text = Template((CONF_DIR / "server.properties").read_text()).substitute(
            port=node.port,
            controller_port=node.controller_port,
            data_dir=node_dir / "data",
            message_max_bytes=max_bytes,
            socket_request_max_bytes=max(104857600, 2 * max_bytes),
        )
        voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in self.state.nodes)
        overrides = {
            "node.id": str(node.node_id),
            "controller.quorum.voters": voters,
            **replication_settings(self.brokers),
            **_FAILOVER,
        }
        path = node_dir / "server.properties"
        path.write_text(_override(text, overrides))
        return path

    def _format(self, node: NodeState) -> None:
        """Format the node's storage with the cluster id (a new id wipes an old format)."""
        assert self.state is not None
        props = self._properties(node)
        meta = self._node_dir(node.node_id) / "data" / "meta.properties"
        if meta.exists() and f"cluster.id={self.state.cluster_id}" in meta.read_text():
            return
        if meta.exists():  # formatted for another cluster id: start afresh
            import shutil

            shutil.rmtree(meta.parent)
        command = [*self._java(node), "kafka.tools.StorageTool", "format"]
        command += ["-t", self.state.cluster_id, "-c", str(props), "--ignore-formatted"]
        done = subprocess.run(command, capture_output=True, timeout=_FORMAT_TIMEOUT_S)
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode(errors="replace").strip()
            raise KafkaError(f"formatting Kafka node {node.node_id} failed:\n{output}")

    def _java(self, node: NodeState) -> list[str]:
        command = java_command(self.config, logs_dir=self._node_dir(node.node_id))
        if not os.environ.get("KAFKA_HEAP_OPTS"):
            command = [a for a in command if not a.startswith(("-Xms", "-Xmx"))]
            command[1:1] = NODE_HEAP.split()
        return command

    def _launch(self, node: NodeState) -> None:
        node_dir = self._node_dir(node.node_id)
        command = [*self._java(node), "kafka.Kafka", str(node_dir / "server.properties")]
        with open(node_dir / "broker.out", "ab") as out:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=node_dir,
                start_new_session=True,
            )
        self.processes[node.node_id] = proc
        self._record(node.node_id, proc.pid)

    def _record(self, node_id: int, pid: int) -> None:
        if self.state is None:
            return
        nodes = [replace(n, pid=pid) if n.node_id == node_id else n for n in self.state.nodes]
        self.state = replace(self.state, nodes=nodes)
        self.state.write(self.cluster_dir)

    def _stop_node(self, node_id: int, timeout_s: float) -> None:
        proc = self.processes.pop(node_id)
        if proc.poll() is None:
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        self._record(node_id, 0)


def _free_port(taken: set[int]) -> int:
    while True:
        port = claim_port(0, "a Kafka cluster port")
        if port not in taken:
            taken.add(port)
            return port


def _override(properties: str, values: dict[str, str]) -> str:
    """`properties` with the lines of `values`' keys replaced (or appended)."""
    lines, seen = [], set()
    for line in properties.splitlines():
        key = line.split("=", 1)[0].strip()
        if not line.lstrip().startswith("#") and key in values:
            lines.append(f"{key}={values[key]}")
            seen.add(key)
        else:
            lines.append(line)
    lines += [f"{k}={v}" for k, v in values.items() if k not in seen]
    return "\n".join(lines) + "\n"


def _registered(bootstrap: str) -> int:
    """Brokers in the cluster's metadata as seen through `bootstrap` (0 if none answers)."""
    try:
        return probe(bootstrap, 3.0)
    except KafkaError:
        return 0


def start_detached(config: Config, brokers: int) -> ClusterState:
    """Start a cluster under `<work_dir>/kafka-cluster` that outlives this process."""
    cluster = KafkaCluster(config, brokers)
    cluster.start()
    assert cluster.state is not None
    cluster.processes.clear()  # the processes run on; the state file finds them
    return cluster.state


def stop_detached(config: Config, timeout_s: float = _STOP_TIMEOUT_S) -> bool:
    """Stop the cluster recorded under `<work_dir>/kafka-cluster`; False if none ran."""
    cluster_dir = (Path(config.work_dir) / "kafka-cluster").resolve()
    state = ClusterState.read(cluster_dir)
    pids = [n.pid for n in state.nodes if n.pid and is_broker_process(n.pid)] if state else []
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    for pid in pids:
        if not wait_exit(pid, timeout_s):
            os.kill(pid, signal.SIGKILL)
            wait_exit(pid, 10.0)
    (cluster_dir / STATE_FILE).unlink(missing_ok=True)
    return bool(pids)
