"""Serving benchmark: single-row predictions over HTTP, ours against MLflow and bare FastAPI.

LogisticRegression and RandomForest (100 trees) are trained on 20 numeric features (the mlsql
training worker, published to a model store). The same fitted estimators are served by

  (a) MLflow's model server: `mlflow models serve --env-manager local` (pyfunc predict_proba),
  (b) a hand-written FastAPI endpoint calling scikit-learn's predict_proba in-process (uvicorn;
      `bench/serving_baseline.py`),
  (c) ours: `mlsql serve` with both models in `[serving.models]` (`/v1/models/{name}:predict`,
      resident workers, batching; the cache cannot help: every request has a new row).

Load comes from separate client processes (keep-alive `http.client` connections, one per
concurrent client, opened and used once before the clock starts) at concurrency 1, 8 and 32, each level bounded by `--requests` and
`--time-cap` seconds. Then ours answers one repeated row (cache hits) at concurrency 1.
Prints p50/p99 latency (ms), requests/s and the server's CPU per request (all its processes,
from /proc: a figure a busy machine inflates far less than latency) per server, model and level. Everything listens on
127.0.0.1. Never fails on a timing. Run:

    .venv/bin/python bench/serving.py [--requests 3000] [--time-cap 8] [--levels 1,8,32]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_FEATURES = 20
MODELS = ("lr", "rf")
IDLE_WINDOW_S = 3.0  # how long a server's idle CPU is measured before its levels


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per level, at most")
    parser.add_argument("--time-cap", type=float, default=8.0, help="seconds per level, at most")
    parser.add_argument("--levels", default="1,8,32", help="concurrency levels")
    parser.add_argument("--servers", default="mlflow,fastapi,ours", help="which servers to run")
    return parser.parse_args(argv)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- models ---------------------------------------------------------------------------------
def train_models(root: Path) -> dict[str, Path]:
    """LR and RF-100 on 20 features, through the training worker, published to model stores."""
    import pandas as pd
    import pyarrow as pa
    from sklearn.datasets import make_classification

    from mlsql.models.store import publish
    from mlsql.workers.training import GroupSpec, train_group

    x, y = make_classification(
        n_samples=3000, n_features=N_FEATURES, n_informative=10, random_state=0
    )
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(N_FEATURES)])
    frame["label"] = y
    table = pa.Table.from_pandas(frame, preserve_index=False)
    specs = {
        "lr": ("LogisticRegression", {"maxIter": "500"}),
        "rf": ("RandomForest", {"numTrees": "100"}),
    }
    paths = {}
    for name, (algorithm, params) in specs.items():
        staging = root / f"staging-{name}"
        spec = GroupSpec(
            algorithm,
            params={"labelCol": "label", "seed": "1", "validationFraction": "0", **params},
        )
        result = train_group(spec, lambda: iter(table.to_batches(500)), staging, lambda e: None)
        assert result.ok, (result.error, result.detail)
        publish(root / name, staging, keep_version=True)
        paths[name] = root / name
    return paths


def estimators(paths: dict[str, Path], root: Path) -> dict[str, Path]:
    """The fitted scikit-learn estimators of our models, as joblib files (and MLflow models)."""
    import joblib

    from mlsql.models.loader import load_model

    files = {}
    for name, path in paths.items():
        estimator = load_model(path).backend.estimator  # type: ignore[union-attr]
        files[name] = root / f"{name}.joblib"
        joblib.dump(estimator, files[name])
    return files


# --- servers --------------------------------------------------------------------------------
@dataclass
class Target:
    """One server under test: how to reach a model and how to phrase a row."""

    server: str
    port: int
    paths: dict[str, str]
    body_key: str
    session: int = 0  # the server's session id: its processes' CPU is counted per request
    idle_cores: float = 0.0  # what they use with no requests (ours: the Spark JVM), subtracted

    def body(self, row: list[float]) -> bytes:
        return json.dumps({self.body_key: [row]}).encode()


def wait_http(
    port: int, path: str, proc: subprocess.Popen[bytes], timeout_s: float = 240.0
) -> None:
    """Poll until `path` answers (RuntimeError when the process exits or time runs out)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server on {port} not ready in {timeout_s:g} s")


def start_mlflow(
    files: dict[str, Path], root: Path, procs: list[subprocess.Popen[bytes]]
) -> dict[str, Target]:
    """One `mlflow models serve` per model (pyfunc calling predict_proba)."""
    import joblib
    import mlflow.sklearn

    targets = {}
    for name, file in files.items():
        model_dir = root / f"mlflow-{name}"
        mlflow.sklearn.save_model(
            joblib.load(file),
            str(model_dir),
            pyfunc_predict_fn="predict_proba",
            skops_trusted_types=["sklearn.tree._tree.Tree"],
        )
        port = free_port()
        command = [
            str(Path(sys.executable).parent / "mlflow"),
            "models",
            "serve",
            "-m",
            str(model_dir),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "--env-manager",
            "local",
        ]
        log = open(root / f"mlflow-{name}.log", "wb")  # noqa: SIM115  (closed with the process)
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
        procs.append(
            subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        )
        wait_http(port, "/ping", procs[-1])
        targets[name] = Target("mlflow", port, {name: "/invocations"}, "inputs", procs[-1].pid)
    return targets


def start_fastapi(
    files: dict[str, Path], root: Path, procs: list[subprocess.Popen[bytes]]
) -> dict[str, Target]:
    """The hand-written FastAPI app (`bench/serving_baseline.py`) on uvicorn."""
    port = free_port()
    command = [
        sys.executable,
        str(Path(__file__).with_name("serving_baseline.py")),
        str(root),
        str(port),
    ]
    log = open(root / "fastapi.log", "wb")  # noqa: SIM115
    procs.append(
        subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    )
    wait_http(port, "/health", procs[-1])
    return {
        name: Target("fastapi", port, {name: f"/predict/{name}"}, "instances", procs[-1].pid)
        for name in files
    }


def start_ours(
    paths: dict[str, Path], root: Path, procs: list[subprocess.Popen[bytes]]
) -> dict[str, Target]:
    """`mlsql serve` with both models listed in [serving.models]."""
    port = free_port()
    env = {**os.environ, "MLSQL_WORK_DIR": str(root / "work"), "MLSQL_SPARK__MASTER": "local[1]"}
    for name, path in paths.items():
        env[f"MLSQL_SERVING__MODELS__{name.upper()}__PATH"] = str(path)
    command = [
        sys.executable,
        "-m",
        "mlsql.cli.main",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    log = open(root / "ours.log", "wb")  # noqa: SIM115
    procs.append(
        subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    )
    wait_http(port, "/health", procs[-1])
    return {
        name: Target("ours", port, {name: f"/v1/models/{name}:predict"}, "instances", procs[-1].pid)
        for name in paths
    }


# --- load -----------------------------------------------------------------------------------
def client_process(
    port: int,
    path: str,
    body_key: str,
    threads: int,
    quota: int,
    cap_s: float,
    seed: int,
    repeat: bool,
    out: Any,
) -> None:
    """`threads` keep-alive clients sending single-row requests; puts (latencies, errors, CPU
    seconds the requests took in this process)."""
    import random

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    per_thread = max(1, quota // threads)
    fixed = [0.5] * N_FEATURES
    # Bodies made before the clock starts: the clients spend their CPU on requests only.
    bodies = []
    for index in range(threads):
        rng = random.Random(seed * 1000 + index)
        rows = [fixed if repeat else [rng.gauss(0, 1) for _ in fixed] for _ in range(per_thread)]
        bodies.append([json.dumps({body_key: [row]}) for row in rows])

    clock: dict[str, float] = {}

    def start_clock() -> None:  # runs once, when every connection is open and warm
        clock["cpu"] = time.process_time()
        clock["began"] = time.perf_counter()
        clock["deadline"] = clock["began"] + cap_s

    ready = threading.Barrier(threads, action=start_clock)

    def run(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        headers = {"Content-Type": "application/json"}
        # Keep-alive connections are opened (TCP connect, the server's accept) and used once
        # before the clock starts, so the timed requests are steady-state ones on every server.
        conn.request("POST", path, bodies[index][0], headers)
        conn.getresponse().read()
        ready.wait()
        deadline = clock["deadline"]
        mine = []
        for body in bodies[index]:
            if time.perf_counter() > deadline:
                break
            started = time.perf_counter()
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    cpu = time.process_time() - clock["cpu"]
    out.put((latencies, errors[0], cpu, clock["began"], time.perf_counter()))


@dataclass
class Result:
    """One measured level."""

    server: str
    model: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    client_cores: float = 0.0  # CPU the load generators used, in cores (are they the limit?)
    server_cpu_ms: float = 0.0  # CPU of the server's processes per request (load-robust)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def measure(
    target: Target,
    model: str,
    concurrency: int,
    requests: int,
    cap_s: float,
    seed: int,
    repeat: bool = False,
) -> Result:
    """Drive one level from separate processes (at most 4; threads share the rest)."""
    processes = min(concurrency, 4)
    threads = [
        concurrency // processes + (1 if i < concurrency % processes else 0)
        for i in range(processes)
    ]
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    path = target.paths[model]
    procs = [
        ctx.Process(
            target=client_process,
            args=(
                target.port,
                path,
                target.body_key,
                t,
                requests * t // concurrency,
                cap_s,
                seed + i,
                repeat,
                queue,
            ),
        )
        for i, t in enumerate(threads)
    ]
    cpu_before = session_cpu(target.session)
    for p in procs:
        p.start()
    gathered = [queue.get(timeout=cap_s + 120) for _ in procs]
    server_cpu = session_cpu(target.session) - cpu_before
    for p in procs:
        p.join(30)
    # The load's window: first client's start to last client's end (not forks, not bodies).
    seconds = max(g[4] for g in gathered) - min(g[3] for g in gathered)
    latencies = sorted(x for g in gathered for x in g[0])
    errors = sum(g[1] for g in gathered)
    client_cpu = sum(g[2] for g in gathered) / seconds if seconds else 0.0

    def pick(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e3

    return Result(
        target.server,
        model,
        concurrency,
        len(latencies),
        errors,
        seconds,
        pick(0.5),
        pick(0.99),
        client_cpu,
        (server_cpu - target.idle_cores * seconds) / len(latencies) * 1e3 if latencies else 0.0,
    )


def session_cpu(session: int) -> float:
    """CPU seconds (user + system) of the live processes of a session (0 if none is given).

    Every server runs in a session of its own, with its workers (ours: model workers and the
    Spark JVM the server starts; MLflow: its gunicorn/uvicorn workers). CPU per request is a
    figure a busy machine inflates far less than latency."""
    if not session:
        return 0.0
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:  # state ppid pgrp session … utime(11) stime(12)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def run_server(
    targets: dict[str, Target], levels: list[int], args: argparse.Namespace, results: list[Result]
) -> None:
    """Warm up, then every model at every level."""
    for model, target in targets.items():
        measure(target, model, 2, 100, 10, seed=99)  # warm-up: model loads, JIT, connections
        before = session_cpu(target.session)
        time.sleep(IDLE_WINDOW_S)
        target.idle_cores = max(0.0, (session_cpu(target.session) - before) / IDLE_WINDOW_S)
        for level in levels:
            result = measure(target, model, level, args.requests, args.time_cap, seed=level * 7919)
            results.append(result)
            print(
                f"  {result.server:8} {model:3} c={level:<3} {result.requests:6} req "
                f"{result.errors:4} errors  p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms  "
                f"{result.rps:8.0f} req/s  server {result.server_cpu_ms:5.2f} CPU ms/req  "
                f"clients {result.client_cores:4.2f} cores",
                flush=True,
            )


def report(results: list[Result], cache: Result | None) -> None:
    """The table, and ratios to MLflow."""
    print("\nserver    model  conc  requests  errors   p50 ms   p99 ms     req/s  CPU ms/req")
    for r in results:
        print(
            f"{r.server:9} {r.model:5} {r.concurrency:5} {r.requests:9} {r.errors:7} "
            f"{r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.rps:9.0f} {r.server_cpu_ms:11.2f}"
        )
    if cache is not None:
        print(
            f"ours cache hits (lr, c=1): p50 {cache.p50_ms:.2f} ms, p99 {cache.p99_ms:.2f} ms, "
            f"{cache.rps:.0f} req/s"
        )
    by = {(r.server, r.model, r.concurrency): r for r in results}
    for model, level in (("lr", 8), ("rf", 32)):
        ours, mlflow = by.get(("ours", model, level)), by.get(("mlflow", model, level))
        if ours and mlflow and mlflow.rps:
            print(
                f"{model} at concurrency {level}: ours {ours.rps / mlflow.rps:.1f}x MLflow's req/s"
            )
        if ours and mlflow and ours.server_cpu_ms:
            print(
                f"{model} at concurrency {level}: MLflow's server spends "
                f"{mlflow.server_cpu_ms / ours.server_cpu_ms:.1f}x our CPU per request"
            )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    servers = args.servers.split(",")
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f} (a shared machine)")
    results: list[Result] = []
    cache: Result | None = None
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="mlsql-bench-serving-") as tmp:
        root = Path(tmp)
        paths = train_models(root)
        files = estimators(paths, root)
        starters = {
            "mlflow": lambda: start_mlflow(files, root, procs),
            "fastapi": lambda: start_fastapi(files, root, procs),
            "ours": lambda: start_ours(paths, root, procs),
        }
        try:
            for server in servers:
                print(f"{server}:", flush=True)
                try:
                    targets = starters[server]()
                except Exception as err:  # a server that cannot start is reported, not fatal
                    print(f"  could not start {server}: {err}")
                    continue
                run_server(targets, levels, args, results)
                if server == "ours":
                    cache = measure(
                        targets["lr"],
                        "lr",
                        1,
                        min(args.requests, 2000),
                        args.time_cap,
                        1,
                        repeat=True,
                    )
                _stop(procs)
        finally:
            _stop(procs)
        report(results, cache)
    return 0


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each server's process group, then SIGKILL what is left (bounded waits)."""
    import signal

    for proc in procs:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(20)
                break
            except subprocess.TimeoutExpired:
                continue
    procs.clear()


if __name__ == "__main__":
    sys.exit(main())
