"""A Spark standalone cluster on loopback, started with the installed pyspark's own `spark-class`.

One master and N workers, each its own JVM (`org.apache.spark.deploy.master.Master`,
`org.apache.spark.deploy.worker.Worker`), each worker with 1 core and 1 GB. Every worker runs in a
process group of its own, so `kill_worker` can take down the worker JVM, its executor JVM and
their Python workers at once with SIGKILL, as a machine failure would.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil


def spark_home() -> Path:
    """The pip-installed pyspark folder (it holds `bin/spark-class` and the jars)."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SparkStandalone:
    """A master and `workers` workers under `base`; `url` is `spark://127.0.0.1:<port>`."""

    def __init__(self, base: Path, workers: int = 2, cores: int = 1, memory: str = "1g") -> None:
        self.base = base
        self.workers, self.cores, self.memory = workers, cores, memory
        self.port, self.ui_port = _free_port(), _free_port()
        self.master: subprocess.Popen[bytes] | None = None
        self.worker_procs: dict[int, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        return f"spark://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            SPARK_HOME=str(spark_home()),
            SPARK_LOCAL_IP="127.0.0.1",
            SPARK_LOG_DIR=str(self.base / "logs"),
            SPARK_DAEMON_MEMORY="256m",
            # A worker that vanished is dropped within seconds (default 60 s); workers read the
            # same key to send their heartbeats at a quarter of it.
            SPARK_DAEMON_JAVA_OPTS="-Dspark.worker.timeout=10",
        )
        return env

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        (self.base / "logs").mkdir(parents=True, exist_ok=True)
        command = [str(spark_home() / "bin" / "spark-class"), *args]
        with open(self.base / "logs" / f"{name}.out", "ab") as out:
            return subprocess.Popen(
                command,
                env=self._env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.base,
                start_new_session=True,
            )

    def start(self, timeout_s: float = 120.0) -> None:
        """Start the master and every worker; wait until all workers are ALIVE."""
        self.base.mkdir(parents=True, exist_ok=True)
        self.master = self._spawn(
            "master",
            [
                "org.apache.spark.deploy.master.Master",
                *("--host", "127.0.0.1", "--port", str(self.port)),
                *("--webui-port", str(self.ui_port)),
            ],
        )
        for index in range(self.workers):
            self.start_worker(index, wait=False)
        self.wait_workers(self.workers, timeout_s)

    def start_worker(self, index: int, *, wait: bool = True, timeout_s: float = 90.0) -> None:
        """Start worker `index` (again); with `wait`, until the master counts all workers."""
        work = self.base / f"worker-{index}"
        work.mkdir(parents=True, exist_ok=True)
        self.worker_procs[index] = self._spawn(
            f"worker-{index}",
            [
                "org.apache.spark.deploy.worker.Worker",
                *("--host", "127.0.0.1", "--cores", str(self.cores), "--memory", self.memory),
                *("--webui-port", "0", "--work-dir", str(work), self.url),
            ],
        )
        if wait:
            self.wait_workers(self.workers, timeout_s)

    def alive_workers(self) -> int:
        """Workers the master's JSON page lists as ALIVE (0 while it does not answer)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ui_port}/json/", timeout=3) as r:
                data = json.load(r)
        except (OSError, ValueError):
            return 0
        return sum(1 for w in data.get("workers", []) if w.get("state") == "ALIVE")

    def wait_workers(self, count: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.alive_workers() == count:
                return
            if self.master is not None and self.master.poll() is not None:
                raise RuntimeError(f"the Spark master exited; see {self.base / 'logs'}")
            time.sleep(0.5)
        raise RuntimeError(f"{count} Spark workers not alive within {timeout_s}s")

    def worker_tree(self, index: int) -> list[psutil.Process]:
        """Worker `index`'s JVM and every descendant (executor JVM, Python workers)."""
        proc = self.worker_procs.get(index)
        if proc is None or proc.poll() is not None:
            return []
        try:
            root = psutil.Process(proc.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def worker_running(self, index: int, needle: str) -> bool:
        """Whether a process under worker `index` has `needle` in its command line."""
        for proc in self.worker_tree(index):
            try:
                if needle in " ".join(proc.cmdline()):
                    return True
            except psutil.Error:
                continue
        return False

    def kill_worker(self, index: int) -> float:
        """SIGKILL worker `index` and everything under it; returns the time it happened."""
        proc = self.worker_procs.pop(index)
        tree = [p.pid for p in self.worker_tree_of(proc)]
        os.killpg(proc.pid, signal.SIGKILL)
        for pid in tree:  # descendants that left the group (none expected)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(timeout=10)
        return time.monotonic()

    @staticmethod
    def worker_tree_of(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
        try:
            root = psutil.Process(proc.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        """SIGKILL every worker group and the master (test data is thrown away)."""
        for index in list(self.worker_procs):
            try:
                self.kill_worker(index)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        if self.master is not None and self.master.poll() is None:
            os.killpg(self.master.pid, signal.SIGKILL)
            self.master.wait(timeout=10)
