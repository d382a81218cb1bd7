"""Issue 19.4: Ctrl-C on the command line, as a terminal sends it (SIGINT to the foreground
process group): `mlsql run` cancels a training job at once with one line, the embedded Kafka
broker (a session of its own) never sees the signal; `mlsql serve` stops without a traceback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from mlsql.kafka.broker import BrokerState

pytestmark = pytest.mark.slow
MLSQL = [sys.executable, "-m", "mlsql.cli.main"]
MESSAGE = "interrupted: the job was cancelled"


class Lines:
    """Reads a pipe in the background, keeping each line with its arrival time."""

    def __init__(self, pipe: object) -> None:
        self.items: list[tuple[float, str]] = []
        self._thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self._thread.start()

    def _read(self, pipe: object) -> None:
        for line in pipe:  # type: ignore[attr-defined]
            self.items.append((time.monotonic(), line.rstrip("\n")))

    def wait_for(self, text: str, proc: subprocess.Popen[str], timeout_s: float) -> float:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for at, line in list(self.items):
                if text in line:
                    return at
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not seen; stderr:\n" + "\n".join(self.text()))

    def text(self, since: float = 0.0) -> list[str]:
        return [line for at, line in self.items if at >= since]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _start(args: list[str], work: Path) -> tuple[subprocess.Popen[str], Lines]:
    env = {**os.environ, "MLSQL_WORK_DIR": str(work), "MLSQL_SPARK__MASTER": "local[2]"}
    proc = subprocess.Popen(
        [*MLSQL, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    return proc, Lines(proc.stderr)


def test_ctrl_c_during_training_cancels_with_one_line(tmp_path: Path) -> None:
    script = tmp_path / "train.mlsql"
    script.write_text(
        "load sklearn.`iris` as iris;\n"
        f'train iris as DNNClassifier.`{tmp_path / "model"}` where labelCol="label"\n'
        '  and hiddenUnits="16,8" and epochs="100000";\n'
    )
    work = tmp_path / "work"
    proc, stderr = _start(["run", str(script)], work)
    try:
        stderr.wait_for("epoch", proc, timeout_s=480)  # the worker is reading its epochs
        state = BrokerState.read(work / "kafka")
        assert state is not None and _alive(state.pid)
        assert os.getpgid(state.pid) != os.getpgid(proc.pid)
        assert os.getsid(state.pid) != os.getsid(proc.pid)

        sent = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        said = stderr.wait_for(MESSAGE, proc, timeout_s=30)
        broker_alive_after_cancel = _alive(state.pid)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert said - sent < 2.0, f"cancel took {said - sent:.1f} s"
    assert broker_alive_after_cancel  # the terminal's SIGINT did not reach it
    assert proc.returncode == 130
    after = [line for line in stderr.text(since=sent) if not line.startswith("[")]
    assert after == [MESSAGE]  # one line: no traceback, no connection errors
    deadline = time.monotonic() + 30
    while _alive(state.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(state.pid)  # then the CLI stopped the broker it had started


def test_ctrl_c_stops_serve_without_a_traceback(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc, stderr = _start(["serve", "--port", str(port)], tmp_path / "work")
    try:
        stderr.wait_for("Application startup complete", proc, timeout_s=300)
        response = httpx.post(
            f"http://127.0.0.1:{port}/run/script", data={"sql": "select 1 as a as t;"}, timeout=120
        )
        assert response.status_code == 200, response.text
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = "\n".join(stderr.text())
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert "Application shutdown complete" in text
