"""Load on the REST server: small sync scripts from several owners, bounded in count and time.

Starts a real server (`mlsql serve` on 127.0.0.1, local[2] Spark, its own temporary work dir)
unless `--url` names a running one, warms it up, then sends `--requests` small scripts with
`--concurrency` client threads, spread over `--owners` owners (each owner's scripts run one at a
time in its session; different owners run side by side up to the server's max_concurrent_jobs).
Two trivial scripts are timed (`--script`): `range` (ten rows from
`range(0, 10)`: one Spark job) and `literal` (a select of literals, answered from the plan).
The run stops early at `--time-cap` seconds. A second run of `GET /health` at the same
concurrency gives the HTTP floor. Prints a table of jobs/s and latency percentiles (ms) and the
script/health ratio. Never fails on a timing. Run:

    .venv/bin/python bench/server_load.py [--requests 200] [--concurrency 8] [--time-cap 120]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlsql.server.process import ServerProcess  # noqa: E402

# "range" needs a Spark job (10 rows); "literal" is answered from the plan without one.
SCRIPTS = {
    "range": ("select {n} as n, id, id * {n} as product from range(0, 10) as t;", 10),
    "literal": ("select {n} as n, 'x' as s, {n} * 2 as twice as t;", 1),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="scripts to send")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--owners", type=int, default=8, help="distinct owners (sessions)")
    parser.add_argument("--time-cap", type=float, default=120.0, help="seconds per run, at most")
    parser.add_argument("--jobs", type=int, default=4, help="server max_concurrent_jobs")
    parser.add_argument(
        "--script", choices=[*SCRIPTS, "both"], default="both", help="which trivial script"
    )
    parser.add_argument("--url", help="use this running server instead of starting one")
    parser.add_argument("--token", default="", help="access token of --url")
    return parser.parse_args(argv)


@dataclass
class Run:
    """Latencies (seconds) and failures of one load run."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, seconds: float, ok: bool) -> None:
        """Record one request."""
        with self.lock:
            self.latencies.append(seconds)
            self.errors += 0 if ok else 1

    def percentile(self, q: float) -> float:
        """Latency percentile `q` (0-100) in milliseconds."""
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[min(98, max(0, int(q) - 1))] * 1000


def load(
    name: str, send: Callable[[httpx.Client, int], bool], args: argparse.Namespace, url: str
) -> Run:
    """Call `send(client, i)` for i < requests from `concurrency` threads, within the time cap."""
    run = Run(name)
    deadline = time.perf_counter() + args.time_cap
    local = threading.local()
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}

    def one(i: int) -> None:
        if time.perf_counter() > deadline:
            return
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url, headers=headers, timeout=args.time_cap)
        started = time.perf_counter()
        ok = send(local.client, i)
        run.add(time.perf_counter() - started, ok)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(one, range(args.requests)))
    run.wall_s = time.perf_counter() - started
    return run


def script_sender(owners: int, kind: str = "range") -> Callable[[httpx.Client, int], bool]:
    """Sends script i as owner i % owners; ok when the rows come back right."""
    script, rows = SCRIPTS[kind]

    def send(client: httpx.Client, i: int) -> bool:
        data = {"sql": script.format(n=i), "owner": f"bench-{i % owners}"}
        response = client.post("/run/script", data=data)
        return response.status_code == 200 and len(response.json()) == rows

    return send


def health(client: httpx.Client, i: int) -> bool:
    """GET /health."""
    return client.get("/health").status_code == 200


def report(runs: list[Run], args: argparse.Namespace) -> None:
    """Print the table of results."""
    print(
        f"\nrequests={args.requests} concurrency={args.concurrency} owners={args.owners} "
        f"server max_concurrent_jobs={args.jobs} time cap={args.time_cap:g}s"
    )
    head = f"{'run':<9}{'done':>6}{'errors':>8}{'wall s':>9}{'req/s':>9}"
    head += f"{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    print(head)
    print("-" * len(head))
    for run in runs:
        done = len(run.latencies)
        rate = done / run.wall_s if run.wall_s else 0.0
        print(
            f"{run.name:<9}{done:>6}{run.errors:>8}{run.wall_s:>9.2f}{rate:>9.1f}"
            f"{run.percentile(50):>9.1f}{run.percentile(90):>9.1f}{run.percentile(99):>9.1f}"
            f"{max(run.latencies, default=0) * 1000:>9.1f}"
        )
    floor = runs[-1]
    if floor.latencies:
        print()
        for run in runs[:-1]:
            print(f"p50 {run.name} / p50 health = {run.percentile(50) / floor.percentile(50):.1f}x")


def bench(url: str, args: argparse.Namespace) -> None:
    """Warm up, then run the script load and the health floor."""
    warm = argparse.Namespace(**{**vars(args), "requests": args.owners * 2})
    load("warm-up", script_sender(args.owners), warm, url)
    kinds = list(SCRIPTS) if args.script == "both" else [args.script]
    runs = [load(kind, script_sender(args.owners, kind), args, url) for kind in kinds]
    runs.append(load("health", health, args, url))
    report(runs, args)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (against --url, or a server it starts and stops)."""
    args = parse_args(argv)
    if args.url:
        bench(args.url, args)
        return 0
    with tempfile.TemporaryDirectory(prefix="mlsql-bench-") as work:
        env = {
            "MLSQL_SPARK__MASTER": "local[2]",
            "MLSQL_SERVER__MAX_CONCURRENT_JOBS": str(args.jobs),
            "MLSQL_SERVER__ACCESS_TOKEN": "",
        }
        spark_args = ["--conf", "spark.sql.shuffle.partitions=2", "--log-level", "warning"]
        started = time.perf_counter()
        with ServerProcess(work, env=env, args=spark_args) as server:
            print(f"server ready in {time.perf_counter() - started:.1f} s at {server.url}")
            bench(server.url, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
