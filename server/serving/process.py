"""`WorkerProcess`: the one owner of a model worker subprocess and of the connection to it.

`start()` launches ``python -m mlsql.server.serving.worker`` on a Unix domain socket (or a TCP
loopback port) and connects, with a timeout; `call()` sends one request frame and waits, with a
timeout, for its answer (one request at a time per worker); `stop()` asks the worker to stop,
then terminates and kills it if it does not, each step bounded. A worker whose connection breaks
or that misses a deadline is marked dead (and killed), so its caller gets `WorkerGone` at once
rather than waiting on a socket nobody answers.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from .protocol import ProtocolError, encode, read_frame

CONNECT_POLL_S = 0.02
STOP_WAIT_S = 2.0


class WorkerGone(Exception):
    """The worker died or stopped answering while (or before) handling a request."""


def free_port() -> int:
    """A free TCP port on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class WorkerProcess:
    """One model worker subprocess and its connection."""

    def __init__(
        self, name: str, socket_dir: Path, transport: str = "unix", start_timeout_s: float = 60.0
    ) -> None:
        self.name = name
        self.transport = transport
        self.start_timeout_s = start_timeout_s
        self.address: str | int = (
            str(socket_dir / f"{name}.sock") if transport == "unix" else free_port()
        )
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock = asyncio.Lock()
        self._broken = False

    @property
    def pid(self) -> int | None:
        """The process id (None before start)."""
        return self._proc.pid if self._proc is not None else None

    @property
    def alive(self) -> bool:
        """Started, connected, not exited and not marked broken."""
        return (
            self._proc is not None
            and self._writer is not None
            and not self._broken
            and self._proc.poll() is None
        )

    def command(self) -> list[str]:
        """The worker's command line."""
        flag = "--unix" if self.transport == "unix" else "--tcp"
        return [sys.executable, "-m", "mlsql.server.serving.worker", flag, str(self.address)]

    async def start(self) -> WorkerProcess:
        """Launch the worker and connect to it (WorkerGone if it exits or times out first)."""
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1"}
        # A process group of its own: a terminal's Ctrl-C stops the server, which stops its
        # workers in order; the workers themselves never see it (no KeyboardInterrupt traces).
        self._proc = subprocess.Popen(
            self.command(), env=env, stdin=subprocess.DEVNULL, process_group=0
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.start_timeout_s
        while loop.time() < deadline:
            if self._proc.poll() is not None:
                raise WorkerGone(
                    f"worker {self.name} exited at start (code {self._proc.returncode})"
                )
            try:
                self._reader, self._writer = await self._connect()
                return self
            except (FileNotFoundError, ConnectionRefusedError):
                await asyncio.sleep(CONNECT_POLL_S)
        self.kill()
        raise WorkerGone(f"worker {self.name} did not listen within {self.start_timeout_s:g} s")

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.transport == "unix":
            return await asyncio.open_unix_connection(str(self.address))
        reader, writer = await asyncio.open_connection("127.0.0.1", int(self.address))
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return reader, writer

    async def call(
        self, header: dict[str, Any], body: bytes = b"", timeout_s: float = 30.0
    ) -> tuple[dict[str, Any], bytes]:
        """Send one request and return the answer (WorkerGone if the worker is lost)."""
        async with self._lock:
            if not self.alive or self._reader is None or self._writer is None:
                raise WorkerGone(f"worker {self.name} is not running")
            try:
                self._writer.write(encode(header, body))
                async with asyncio.timeout(timeout_s):  # no extra task, unlike wait_for
                    await self._writer.drain()
                    return await read_frame(self._reader)
            except TimeoutError:
                self._broken = True
                self.kill()
                raise WorkerGone(
                    f"worker {self.name} did not answer within {timeout_s:g} s (restarted)"
                ) from None
            except (asyncio.IncompleteReadError, ConnectionError, ProtocolError) as err:
                self._broken = True
                raise WorkerGone(f"worker {self.name} died while predicting ({err})") from None

    def kill(self) -> None:
        """SIGKILL the worker at once (a crash, or a worker past its deadline)."""
        self._broken = True
        if self._proc is not None and self._proc.poll() is None:
            try:
                self._proc.send_signal(signal.SIGKILL)
            except ProcessLookupError:
                pass

    async def stop(self) -> None:
        """Ask the worker to stop; terminate, then kill it if it does not (bounded waits)."""
        if self._proc is None:
            return
        if self.alive:
            try:
                await self.call({"op": "stop"}, timeout_s=STOP_WAIT_S)
            except WorkerGone:
                pass
        if self._writer is not None:
            self._writer.close()
        await asyncio.to_thread(self._end, self._proc)
        if self.transport == "unix" and os.path.exists(str(self.address)):
            os.unlink(str(self.address))

    @staticmethod
    def _end(proc: subprocess.Popen[bytes]) -> None:
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig is not None and proc.poll() is None:
                proc.send_signal(sig)
            try:
                proc.wait(STOP_WAIT_S)
                return
            except subprocess.TimeoutExpired:
                continue
