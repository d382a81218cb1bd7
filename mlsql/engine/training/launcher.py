"""Runs inside a Spark task: starts one training worker process and reports on it.

One task per parameter group, so on a cluster the worker runs on an executor. The worker
(`python -m mlsql.workers.training --spec …`) prints JSON progress lines; the launcher forwards
them, tagged with the group and the worker's pid, to the job's progress topic. The worker is
tied to the task: it gets SIGKILL when the Python process running the task dies (a cancelled
Spark job kills it), and the launcher kills it when the time limit passes.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections import deque
from typing import Any

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """preexec_fn: SIGKILL this child when the launching process dies (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


class ProgressSink:
    """Sends progress events to a Kafka topic (or nowhere, when no topic is given)."""

    def __init__(self, bootstrap_servers: str | None, topic: str | None) -> None:
        self.topic = topic
        self._producer: Any = None
        if bootstrap_servers and topic:
            from kafka import KafkaProducer

            self._producer = KafkaProducer(
                bootstrap_servers=bootstrap_servers, linger_ms=50, request_timeout_ms=10_000
            )

    def send(self, event: dict[str, Any]) -> None:
        """Publish one event (best effort: progress must never fail training)."""
        if self._producer is not None:
            try:
                self._producer.send(self.topic, json.dumps(event).encode())
            except Exception:
                pass

    def close(self) -> None:
        """Flush and close the producer."""
        if self._producer is not None:
            try:
                self._producer.flush(timeout=10)
                self._producer.close(timeout=10)
            except Exception:
                pass


def run_worker(spec: dict[str, Any], sink: ProgressSink, timeout_s: float) -> dict[str, Any]:
    """Start the worker for `spec`, forward its progress, and return its result dict.

    The result always has `group`, `status` ("success", "failed", "killed", "timeout") and,
    unless successful, `error`; it also carries the worker's GroupResult (metrics, staging …).
    """
    group = _group_of(spec)
    spec = _local_result_path(spec)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
        spec_path = handle.name
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mlsql.workers.training", "--spec", spec_path],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_die_with_parent,
        )
        sink.send(
            {"event": "started", "group": group, "pid": proc.pid, "host": os.uname().nodename}
        )
        stderr_tail = _drain_stderr(proc)
        timed_out = _forward_progress(proc, sink, group, timeout_s)
        proc.wait(timeout=30)
        return _outcome(spec, proc.returncode, timed_out, "".join(stderr_tail), timeout_s)
    finally:
        os.unlink(spec_path)
        if spec.get("result_path") and spec.get("local_result"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(spec["result_path"])


def _local_result_path(spec: dict[str, Any]) -> dict[str, Any]:
    """The worker's result file is read here, by the launcher: when the staging folder is on
    another file system (s3a:, hdfs:) it goes to a local temporary file instead."""
    from mlsql.models.fs import is_remote

    result_path = spec.get("result_path")
    if result_path and not is_remote(result_path):
        return spec
    handle, path = tempfile.mkstemp(prefix="mlsql-result-", suffix=".json")
    os.close(handle)
    os.unlink(path)
    return {**spec, "result_path": path, "local_result": True}


def _drain_stderr(proc: subprocess.Popen[str]) -> deque[str]:
    tail: deque[str] = deque(maxlen=40)

    def drain() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            tail.append(line)

    threading.Thread(target=drain, daemon=True).start()
    return tail


def _forward_progress(
    proc: subprocess.Popen[str], sink: ProgressSink, group: int, timeout_s: float
) -> bool:
    """Forward stdout JSON lines until the worker ends; kill it past `timeout_s` (True then)."""
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        proc.kill()

    timer = threading.Timer(timeout_s, stop)
    timer.daemon = True
    timer.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                sink.send({"group": group, **event, "pid": proc.pid})  # a pack: each trial's
    finally:
        timer.cancel()
    proc.wait()
    return fired.is_set()


def _group_of(spec: dict[str, Any]) -> int:
    return int(spec.get("group", {}).get("group", 0))


def _outcome(
    spec: dict[str, Any], returncode: int, timed_out: bool, stderr: str, timeout_s: float
) -> dict[str, Any]:
    group = _group_of(spec)
    base = {"group": group}
    if timed_out:
        return {
            **base,
            "status": "timeout",
            "error": f"training worker for group {group} exceeded {timeout_s:g} s and was stopped",
        }
    if returncode < 0:
        name = signal.Signals(-returncode).name
        return {
            **base,
            "status": "killed",
            "error": f"training worker for group {group} was killed by {name} (pid died mid-training)",
        }
    result_path = spec.get("result_path")
    result: dict[str, Any] = {}
    if result_path and os.path.exists(result_path):
        with open(result_path) as src:
            result = json.load(src)
    if returncode != 0:
        message = result.get("error") or _last_line(stderr) or f"exit code {returncode}"
        return {**base, **result, "status": "failed", "error": message}
    if not result:
        return {
            **base,
            "status": "failed",
            "error": _last_line(stderr) or "the worker wrote no result",
        }
    return {**base, **result}


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else ""
