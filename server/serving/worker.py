"""The model worker process: holds loaded models and answers prediction requests on a socket.

Run by `WorkerProcess` as ``python -m mlsql.server.serving.worker --unix PATH`` (or
``--tcp PORT`` on 127.0.0.1). It serves one connection at a time, one request at a time, so a
model never runs concurrently inside a worker; the pool gets parallelism from N processes.
Models are loaded through `mlsql.models.cache.get_model`, the same loader and per-process cache
as the Spark function, so a served prediction is computed by the same code as `register`'s.

Requests (see `protocol.py`): ``ping``; ``load`` (path, version); ``predict`` (path, version,
optional outputs; the rows in the body, a raw float64 matrix for numeric models, else Arrow → the prediction columns back as JSON lists in the
answer's header: exact for floats, cheaper than Arrow for a request's few rows; ``cpu_ms``, the
CPU time the batch took, which the batcher adapts on); ``stop``. An error
answers ``{"ok": false, "code", "message"}`` and the worker keeps serving. On Linux the worker
dies with its parent (``PR_SET_PDEATHSIG``), so a killed server leaves no workers behind.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from .protocol import bytes_matrix, bytes_table, encode, recv_frame

PR_SET_PDEATHSIG = 1
INPUT_ERRORS = (ValueError, TypeError, KeyError)
OBJECT = np.dtype(object)


def _die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent exits (Linux only)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _listen(args: argparse.Namespace) -> socket.socket:
    """The listening socket named by the command line."""
    if args.unix:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(args.unix):
            os.unlink(args.unix)
        sock.bind(args.unix)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", args.tcp))
    sock.listen(4)
    return sock


def _error(err: BaseException) -> dict[str, Any]:
    """The answer for a failed request: user-facing errors keep their code."""
    from mlsql.errors import MLSQLError

    if isinstance(err, MLSQLError) and err.user_facing:
        return {"ok": False, "code": "invalid_input", "message": err.message}
    if isinstance(err, INPUT_ERRORS):
        return {"ok": False, "code": "invalid_input", "message": f"{type(err).__name__}: {err}"}
    return {"ok": False, "code": "model_error", "message": f"{type(err).__name__}: {err}"}


def _result_columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """Prediction columns as JSON-ready lists (per-row arrays become lists)."""
    return _json_columns({str(name): frame[name] for name in frame.columns})


class ModelWorker:
    """Answers requests with models from the per-process cache."""

    def __init__(self) -> None:
        from mlsql.models import cache

        self.cache = cache
        self._models: dict[tuple[str, int], Any] = {}

    def handle(self, header: dict[str, Any], body: bytes) -> bytes:
        """The answer frame for one request frame."""
        op = header.get("op")
        try:
            if op == "predict":
                return self._predict(header, body)
            if op == "load":
                started = time.perf_counter()
                self.cache.get_model(header["path"], header["version"])
                return encode({"ok": True, "load_ms": (time.perf_counter() - started) * 1e3})
            if op == "ping":
                return encode({"ok": True, "pid": os.getpid()})
            return encode({"ok": False, "code": "invalid_request", "message": f"unknown op {op}"})
        except Exception as err:  # the worker's face: report and keep serving
            return encode(_error(err))

    def _model(self, path: str, version: int) -> Any:
        """The model, from the process cache once; later by its pinned (path, version)."""
        model = self._models.get((path, version))
        if model is None:
            model = self._models[(path, version)] = self.cache.get_model(path, version)
        return model

    def _predict(self, header: dict[str, Any], body: bytes) -> bytes:
        model = self._model(header["path"], int(header["version"]))
        started = time.thread_time()
        outputs, positive = header.get("outputs"), header.get("positive_class")
        columns = None
        if header.get("body") == "f8" and header["columns"] == model.feature_columns:
            # Every input numeric: float64 matrix → the model's scores → lists, no data frame.
            matrix = bytes_matrix(body, len(header["columns"]))
            found = model.predict_matrix(matrix, outputs=outputs, positive_class=positive)
            columns = None if found is None else _json_columns(found)
        if columns is None:
            columns = _result_columns(model.predict(_rows(header, body), outputs, positive))
        rows = len(next(iter(columns.values()))) if columns else 0
        cpu_ms = (time.thread_time() - started) * 1e3  # the batcher's cost signal
        return encode({"ok": True, "rows": rows, "cpu_ms": cpu_ms, "columns": columns})


def _json_columns(columns: dict[str, Any]) -> dict[str, list[Any]]:
    """Prediction columns (arrays, Series, or lists of per-row arrays) as JSON-ready lists:
    numpy values become Python ones, per-row arrays become lists."""
    out: dict[str, list[Any]] = {}
    for name, values in columns.items():
        if isinstance(values, list) or getattr(values, "dtype", None) == OBJECT:
            out[name] = [v.tolist() if hasattr(v, "tolist") else v for v in values]
        else:
            out[name] = values.tolist()
    return out


def _rows(header: dict[str, Any], body: bytes) -> pd.DataFrame:
    """The request's rows as a frame: from a raw float64 matrix (numeric models) or Arrow."""
    if header.get("body") == "f8":
        names = [str(n) for n in header["columns"]]
        return pd.DataFrame(bytes_matrix(body, len(names)), columns=names, copy=False)
    return bytes_table(body).to_pandas()


def serve(listener: socket.socket, worker: ModelWorker) -> None:
    """Serve connections one after another until a ``stop`` request."""
    while True:
        conn, _ = listener.accept()
        with conn:
            if not _serve_connection(conn, worker):
                return


def _serve_connection(conn: socket.socket, worker: ModelWorker) -> bool:
    """Answer requests on one connection; False after ``stop``."""
    if conn.family == socket.AF_INET:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        try:
            header, body = recv_frame(conn)
        except (EOFError, ConnectionError):
            return True
        if header.get("op") == "stop":
            conn.sendall(encode({"ok": True}))
            return False
        conn.sendall(worker.handle(header, body))


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``--unix PATH`` or ``--tcp PORT``."""
    parser = argparse.ArgumentParser(prog="mlsql.server.serving.worker")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--unix", help="Unix domain socket path to listen on")
    group.add_argument("--tcp", type=int, help="TCP port on 127.0.0.1 to listen on")
    args = parser.parse_args(argv)
    _die_with_parent()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    listener = _listen(args)
    try:
        serve(listener, ModelWorker())
    finally:
        listener.close()
        if args.unix and os.path.exists(args.unix):
            os.unlink(args.unix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
