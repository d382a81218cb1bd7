"""`ServerProcess`: one `mlsql serve` subprocess, owned by a context manager (tests, benchmarks).

The process gets its own process group. `stop()` sends SIGTERM to the server alone (it cancels
its jobs and stops Spark itself), then SIGKILLs whatever is left of the group; `kill()` SIGKILLs
the whole group at once (a crash), the Spark JVM and workers included. Output goes to a log
file. `start()` waits, with a timeout, until `/health` answers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

POLL_S = 0.5


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """Runs `python -m mlsql.cli.main serve` on 127.0.0.1 in a subprocess."""

    def __init__(
        self,
        work_dir: str | Path,
        *,
        port: int | None = None,
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
        log_path: str | Path | None = None,
        start_timeout_s: float = 180.0,
    ) -> None:
        self.work_dir = Path(work_dir)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env or {}
        self.args = args or []
        self.log_path = Path(log_path) if log_path else self.work_dir / f"server-{self.port}.log"
        self.start_timeout_s = start_timeout_s
        self._proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        """The command line of the server."""
        base = [sys.executable, "-m", "mlsql.cli.main", "serve"]
        return [*base, "--host", "127.0.0.1", "--port", str(self.port), *self.args]

    def start(self) -> ServerProcess:
        """Start the server and wait until it answers (raises RuntimeError on failure)."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "MLSQL_WORK_DIR": str(self.work_dir), **self.env}
        with open(self.log_path, "ab") as log:
            self._proc = subprocess.Popen(
                self.command(),
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        """Poll /health until it answers 200 (RuntimeError on exit or timeout)."""
        deadline = time.time() + self.start_timeout_s
        while time.time() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                raise RuntimeError(
                    f"server exited at start-up; see {self.log_path}\n{self.log_tail()}"
                )
            try:
                if httpx.get(f"{self.url}/health", timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(POLL_S)
        self.kill()
        raise RuntimeError(f"server not ready in {self.start_timeout_s:g} s; see {self.log_path}")

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout_s: float = 30.0) -> int | None:
        """SIGTERM the server (it shuts down gracefully); SIGKILL its group after `timeout_s`."""
        if self._proc is None:
            return None
        self._proc.send_signal(signal.SIGTERM)
        try:
            return self._proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            return self.kill()
        finally:
            self._reap_group()

    def kill(self, timeout_s: float = 15.0) -> int | None:
        """SIGKILL the server's process group at once (simulates a crash)."""
        if self._proc is None:
            return None
        self._signal(signal.SIGKILL)
        try:
            return self._proc.wait(timeout_s)
        finally:
            self._proc = None

    def _signal(self, sig: signal.Signals) -> None:
        """Send `sig` to the server's process group."""
        assert self._proc is not None
        try:
            os.killpg(self._proc.pid, sig)
        except ProcessLookupError:
            pass

    def _reap_group(self) -> None:
        """After the server exits, end what is left of its group (the JVM, Python workers)."""
        if self._proc is None:
            return
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._proc = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
