"""Soak: mixed load from 10 owners against a real `mlsql serve`, then a leak count.

Starts a server (127.0.0.1, local[2] Spark, a temporary work dir, the embedded Kafka broker),
warms it up (every owner runs each kind of work once), takes a baseline, then runs `--minutes`
(at most 10) of mixed load: each owner's thread picks scripts, small trainings (through Kafka),
predictions with its model, streams started and stopped, async scripts and a few failing
scripts. After the load it waits until no job runs and counts again:

- temporary views of every owner's session (`!show tables;`), Kafka topics of the broker,
  streams still running;
- processes in the server's tree, threads and open file descriptors of the server and its
  Spark JVM, their RSS (after warm-up vs end);
- the history: every job the clients submitted appears in `/jobs` with a final status, and the
  counts of succeeded and failed jobs match what the clients saw.

Prints the figures; never fails on a timing. Run:

    .venv/bin/python bench/soak.py --minutes 3
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlsql.server.process import ServerProcess  # noqa: E402

MAX_MINUTES = 10.0
OWNERS = 10
DATA = (
    "select cast(id % 5 as double) as a, cast(id % 7 as double) as b, "
    "cast(id % 2 as double) as label from range(0, 300) as d{o};"
)
TRAIN = DATA + ' train d{o} as LogisticRegression.`{model}` where keepVersion="false";'
PREDICT = (
    DATA
    + " predict d{o} as LogisticRegression.`{model}` as p{o}; select count(*) as n from p{o} as c{o};"
)
SCRIPTS = (
    "select {n} as n, id, id * {n} as product from range(0, 10) as t{o};",
    'set soak_x="{n}"; select "${{soak_x}}" as x as v{o};',
    "select 1 as a, 'b' as b as lit{o};",
    "!show tables;",
)
FAILING = (
    "select * from no_such_table_{n} as f{o};",
    "select from where as broken;",
    "load csv.`/nonexistent/soak/{n}.csv` as missing{o};",
)
STREAM = (
    'set streamName="soak_{o}"; load rate.`` options rowsPerSecond="5" as ticks{o}; '
    "select value from ticks{o} as s{o}; save append s{o} as memory.`soak_{o}` "
    'options duration="1";'
)
STOP = "!streams stop soak_{o};"
WEIGHTS = {"script": 50, "train": 8, "predict": 14, "stream": 8, "fail": 10, "async": 10}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--minutes", type=float, default=3.0, help=f"load time (<= {MAX_MINUTES:g})"
    )
    parser.add_argument("--jobs", type=int, default=4, help="server max_concurrent_jobs")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    args.minutes = min(max(args.minutes, 0.1), MAX_MINUTES)
    return args


@dataclass
class Tally:
    """What the clients did and saw, per owner (thread-safe)."""

    submitted: Counter[str] = field(default_factory=Counter)
    outcome: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    async_ids: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, owner: str, kind: str, ok: bool) -> None:
        """Record one sync job."""
        with self.lock:
            self.submitted[owner] += 1
            self.kinds[kind] += 1
            self.outcome["succeeded" if ok else "failed"] += 1


class Owner:
    """One owner's client: its model path, its stream state, its actions."""

    def __init__(self, index: int, url: str, work: Path, tally: Tally, rng: random.Random):
        self.o = index
        self.name = f"soak-{index}"
        self.model = work / "models" / f"owner{index}"
        self.client = httpx.Client(base_url=url, timeout=600.0)
        self.tally = tally
        self.rng = rng
        self.streaming = False
        self.n = 0

    def post(self, sql: str, kind: str, expect_ok: bool = True) -> httpx.Response:
        """Run a sync script as this owner and record it."""
        self.n += 1
        response = self.client.post("/run/script", data={"sql": sql, "owner": self.name})
        ok = response.status_code == 200
        self.tally.add(self.name, kind, ok)
        if ok != expect_ok:
            with self.tally.lock:
                self.tally.unexpected.append(
                    f"{kind}: {response.status_code} {response.text[:200]}"
                )
        return response

    def act(self, kind: str) -> None:
        """One action of `kind`."""
        fmt = {"o": self.o, "n": self.n, "model": self.model}
        if kind == "script":
            self.post(self.rng.choice(SCRIPTS).format(**fmt), kind)
        elif kind == "train":
            self.post(TRAIN.format(**fmt), kind)
        elif kind == "predict":
            self.post(PREDICT.format(**fmt), kind)
        elif kind == "fail":
            self.post(self.rng.choice(FAILING).format(**fmt), kind, expect_ok=False)
        elif kind == "stream":
            self.post((STOP if self.streaming else STREAM).format(**fmt), kind)
            self.streaming = not self.streaming
        elif kind == "async":
            self.submit_async(SCRIPTS[0].format(**fmt))

    def submit_async(self, sql: str) -> None:
        """An async script; its id is checked in the history at the end."""
        data = {"sql": sql, "owner": self.name, "async": "true"}
        response = self.client.post("/run/script", data=data)
        with self.tally.lock:
            self.tally.submitted[self.name] += 1
            self.tally.kinds["async"] += 1
            if response.status_code == 200:
                self.tally.async_ids.append(response.json()["jobId"])
            else:
                self.tally.unexpected.append(f"async: {response.status_code}")

    def warm_up(self) -> None:
        """Every script once (train first, so predict has a model), so the set of view names
        an owner uses is complete before the baseline."""
        fmt = {"o": self.o, "n": self.n, "model": self.model}
        for kind in ("train", "predict", "stream", "stream", "async"):
            self.act(kind)
        for script in SCRIPTS:
            self.post(script.format(**fmt), "script")
        for script in FAILING:
            self.post(script.format(**fmt), "fail", expect_ok=False)

    def views(self) -> int:
        """Temporary views in this owner's session."""
        rows = self.post("!show tables;", "count").json()
        return sum(1 for r in rows if r.get("isTemporary"))

    def streams(self) -> int:
        """Streams of this owner's session still active."""
        return sum(1 for r in self.post("!streams;", "count").json() if r.get("active"))


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [p for p, pp in parent.items() if pp == current]
        found.extend(children)
        frontier.extend(children)
    return found


def proc_status(pid: int) -> dict[str, Any]:
    """Threads, RSS (MB) and open file descriptors of one process."""
    status: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("Threads", "VmRSS"):
            status[key] = int(value.split()[0])
    kinds: Counter[str] = Counter()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        kinds[target.split(":")[0] if ":" in target else "file"] += 1
    return {
        "threads": status.get("Threads", 0),
        "rss_mb": status.get("VmRSS", 0) // 1024,
        "fds": sum(kinds.values()),
        "fd_kinds": dict(sorted(kinds.items())),
    }


def jvm_of(pid: int) -> int | None:
    """The Spark driver JVM below the server."""
    for child in descendants(pid):
        try:
            if b"java" in Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")[0]:
                if b"SparkSubmit" in Path(f"/proc/{child}/cmdline").read_bytes():
                    return child
        except OSError:
            continue
    return None


def jvm_heap_mb(pid: int) -> int | None:
    """The JVM's used heap (MB) after a full GC (`jcmd`): what it keeps, not what it has
    grown into (RSS also counts heap the JVM reserved and has not given back)."""
    import re
    import shutil
    import subprocess

    jcmd = shutil.which("jcmd")
    if jcmd is None:
        return None
    try:
        subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True, timeout=60, check=True)
        info = subprocess.run(
            [jcmd, str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"used (\d+)K", info)
    return int(match.group(1)) // 1024 if match else None


def thread_kinds(pid: int) -> Counter[str]:
    """Threads of `pid` by name with digits dropped (`/proc/<pid>/task/*/comm`)."""
    kinds: Counter[str] = Counter()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
        except OSError:
            continue
        kinds["".join(c for c in name if not c.isdigit()).strip("-_ ") or "?"] += 1
    return kinds


def topics(work: Path) -> int | None:
    """Kafka topics of the server's embedded broker (None without a broker)."""
    from kafka import KafkaAdminClient

    from mlsql.config import Config
    from mlsql.kafka.broker import running_state

    state = running_state(Config.load(work_dir=str(work)))
    if state is None:
        return None
    admin = KafkaAdminClient(bootstrap_servers=state.bootstrap_servers, request_timeout_ms=10000)
    try:
        return len([t for t in admin.list_topics() if not t.startswith("__")])
    finally:
        admin.close()


def snapshot(server_pid: int, owners: list[Owner], work: Path) -> dict[str, Any]:
    """The counted figures at one moment."""
    jvm = jvm_of(server_pid)
    return {
        "views": sum(o.views() for o in owners),
        "streams": sum(o.streams() for o in owners),
        "topics": topics(work),
        "processes": len(descendants(server_pid)),
        "server": proc_status(server_pid),
        "jvm": {**proc_status(jvm), "heap_mb": jvm_heap_mb(jvm)} if jvm else {},
        "jvm_thread_kinds": thread_kinds(jvm) if jvm else Counter(),
    }


def idle(client: httpx.Client, timeout_s: float = 300.0) -> None:
    """Wait until the server runs no job."""
    deadline = time.time() + timeout_s
    while time.time() < deadline and client.get("/runningjobs").json():
        time.sleep(1.0)


def account(client: httpx.Client, tally: Tally) -> dict[str, Any]:
    """Compare the history with what the clients submitted."""
    per_owner: dict[str, tuple[int, int]] = {}
    statuses: Counter[str] = Counter()
    for owner, sent in sorted(tally.submitted.items()):
        page = client.get("/jobs", params={"owner": owner, "limit": 1000}).json()
        per_owner[owner] = (sent, page["total"])
        statuses.update(j["status"] for j in page["jobs"])
    async_final = sum(
        client.get(f"/jobs/{job_id}").json()["status"] in ("succeeded", "failed", "cancelled")
        for job_id in tally.async_ids
    )
    return {"per_owner": per_owner, "statuses": statuses, "async_final": async_final}


def load(owners: list[Owner], minutes: float, rng: random.Random) -> float:
    """Every owner acts until the time is up; returns the wall time."""
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    deadline = time.time() + minutes * 60

    def loop(owner: Owner) -> None:
        while time.time() < deadline:
            owner.act(owner.rng.choices(kinds, weights)[0])
        if owner.streaming:
            owner.act("stream")  # stop the stream it left running

    started = time.time()
    threads = [threading.Thread(target=loop, args=(o,)) for o in owners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.time() - started


def report(
    start: dict[str, Any],
    end: dict[str, Any],
    books: dict[str, Any],
    tally: Tally,
    wall_s: float,
    warm_s: float,
) -> None:
    """Print the figures."""
    print(f"\nload {wall_s:.0f} s after a {warm_s:.0f} s warm-up; {OWNERS} owners")
    print("jobs by kind:", dict(sorted(tally.kinds.items())))
    print("client outcomes (sync):", dict(tally.outcome), "unexpected:", len(tally.unexpected))
    for line in tally.unexpected[:5]:
        print("   ", line)
    print(f"\n{'figure':<26}{'after warm-up':>15}{'end':>10}")
    rows = [
        ("temporary views", "views"),
        ("running streams", "streams"),
        ("Kafka topics", "topics"),
        ("processes in tree", "processes"),
    ]
    for label, key in rows:
        print(f"{label:<26}{start[key]!s:>15}{end[key]!s:>10}")
    for part in ("server", "jvm"):
        keys = ("threads", "fds", "fd_kinds", "rss_mb") + (("heap_mb",) if part == "jvm" else ())
        for key in keys:
            print(
                f"{part + ' ' + key:<26}{start[part].get(key, '-')!s:>15}{end[part].get(key, '-')!s:>10}"
            )
    before, after = start["jvm_thread_kinds"], end["jvm_thread_kinds"]
    grew = {k: f"{before.get(k, 0)} -> {n}" for k, n in after.items() if n != before.get(k, 0)}
    gone = {k: f"{n} -> 0" for k, n in before.items() if k not in after}
    print("jvm threads that changed, by name:", {**grew, **gone} or "none")
    sent = sum(s for s, _ in books["per_owner"].values())
    seen = sum(t for _, t in books["per_owner"].values())
    missing = {o: v for o, v in books["per_owner"].items() if v[0] != v[1]}
    print(
        f"\nhistory: {seen} jobs for {sent} submitted (counting scripts included);"
        f" statuses {dict(books['statuses'])}; async final {books['async_final']}/"
        f"{len(tally.async_ids)}; owners off: {missing or 'none'}"
    )


def main(argv: list[str] | None = None) -> int:
    """Start a server, warm it up, soak it, count."""
    args = parse_args(argv)
    rng = random.Random(args.seed)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory(prefix="mlsql-soak-") as tmp:
        work = Path(tmp)
        env = {
            "MLSQL_SPARK__MASTER": "local[2]",
            "MLSQL_SERVER__MAX_CONCURRENT_JOBS": str(args.jobs),
            "MLSQL_SERVER__ACCESS_TOKEN": "",
        }
        spark_args = ["--conf", "spark.sql.shuffle.partitions=2", "--log-level", "warning"]
        with ServerProcess(work, env=env, args=spark_args) as server:
            assert server._proc is not None
            pid = server._proc.pid
            tally = Tally()
            owners = [
                Owner(i, server.url, work, tally, random.Random(rng.random()))
                for i in range(OWNERS)
            ]
            started = time.time()
            warm = [threading.Thread(target=o.warm_up) for o in owners]
            for thread in warm:
                thread.start()
            for thread in warm:
                thread.join()
            idle(owners[0].client)
            warm_s = time.time() - started
            start = snapshot(pid, owners, work)
            wall_s = load(owners, args.minutes, rng)
            idle(owners[0].client)
            time.sleep(3.0)  # let streams and topics settle
            end = snapshot(pid, owners, work)
            books = account(owners[0].client, tally)
            report(start, end, books, tally, wall_s, warm_s)
            print(json.dumps({"start": start, "end": end}, default=str))
            for owner in owners:
                owner.client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
