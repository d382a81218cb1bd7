"""`mlsql streams run|list|stop`: run streaming scripts and control them from other shells.

`mlsql streams run script.mlsql` runs the script and then keeps the process (and its streams)
alive until every stream ends, `--timeout` passes, Ctrl-C, or `mlsql streams stop <name>` asks.
Each running stream is recorded in `<work_dir>/streams/running/<name>.json` (pid, id, sink,
script); `list` reads those records (dropping ones whose process is gone) and `stop` leaves a
`<name>.stop` request there that the running process applies within a second, then waits
until the stream's record is gone. `list` and `stop` start no Spark.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from mlsql.cli.options import add_engine_options, engine_from_args, parse_sets
from mlsql.config import Config
from mlsql.errors import AnalysisError, ExecutionError

if TYPE_CHECKING:
    from mlsql.engine.session import EngineSession

PROGRESS_EVERY_S = 10.0
POLL_S = 0.5


class StreamRegistry:
    """The running-stream records of one work folder (one JSON file per stream name)."""

    def __init__(self, config: Config) -> None:
        self.folder = Path(config.work_dir) / "streams" / "running"

    def _file(self, name: str, suffix: str) -> Path:
        return self.folder / f"{quote(name, safe='')}{suffix}"

    def claim(self, name: str, info: dict[str, Any]) -> None:
        """Record that this process runs stream `name`.

        Raises:
            ExecutionError: another live process already runs a stream of that name.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        other = self.entry(name)
        if other is not None and other["pid"] != os.getpid():
            raise ExecutionError(
                f"stream '{name}' already runs in process {other['pid']}",
                hint=f"stop it with `mlsql streams stop {name}` or choose another streamName",
            )
        self._file(name, ".stop").unlink(missing_ok=True)
        record = {"name": name, "pid": os.getpid(), "started_at": time.time(), **info}
        tmp = self._file(name, f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(record))
        tmp.replace(self._file(name, ".json"))

    def release(self, name: str) -> None:
        """Forget stream `name` if this process recorded it."""
        entry = self.entry(name)
        if entry is not None and entry["pid"] == os.getpid():
            self._file(name, ".json").unlink(missing_ok=True)
        self._file(name, ".stop").unlink(missing_ok=True)

    def entry(self, name: str) -> dict[str, Any] | None:
        """The record of stream `name` if its process is alive (stale records are removed)."""
        file = self._file(name, ".json")
        try:
            record: dict[str, Any] = json.loads(file.read_text())
        except (OSError, ValueError):
            return None
        if not _alive(int(record.get("pid", 0))):
            file.unlink(missing_ok=True)
            return None
        return record

    def entries(self) -> list[dict[str, Any]]:
        """Records of every stream whose process is alive, by name."""
        if not self.folder.exists():
            return []
        records = (self.entry(unquote(f.stem)) for f in sorted(self.folder.glob("*.json")))
        return [r for r in records if r is not None]

    def request_stop(self, name: str) -> None:
        """Ask the process running stream `name` to stop it.

        Raises:
            AnalysisError: no live process runs a stream of that name.
        """
        if self.entry(name) is None:
            known = ", ".join(r["name"] for r in self.entries()) or "none"
            raise AnalysisError(f"no running stream named '{name}' (running: {known})")
        self._file(name, ".stop").write_text(str(time.time()))

    def stop_requested(self, name: str) -> bool:
        """Whether `mlsql streams stop <name>` asked for this stream to stop."""
        return self._file(name, ".stop").exists()


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def register(sub: Any) -> None:
    """Add `streams run`, `streams list` and `streams stop`."""
    parser = sub.add_parser("streams", help="run streaming scripts, list and stop their streams")
    actions = parser.add_subparsers(dest="streams_action", required=True)
    run = actions.add_parser("run", help="run a script and keep its streams running")
    run.add_argument("script", help="script file")
    add_engine_options(run)
    run.add_argument("--timeout", type=float, metavar="SECONDS", help="stop the streams after")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    run.set_defaults(func=_run)
    listing = actions.add_parser("list", help="streams running from this work folder")
    listing.add_argument("--output", "-o", choices=("table", "json"), default="table")
    listing.set_defaults(func=_list)
    stop = actions.add_parser("stop", help="stop a stream started by `mlsql streams run`")
    stop.add_argument("name")
    stop.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS")
    stop.set_defaults(func=_stop)


def _run(args: argparse.Namespace) -> int:
    """Run the script, record its streams, wait for them; stop them on the way out."""
    from mlsql.engine.result import render_table
    from mlsql.engine.streaming import await_streams

    engine = engine_from_args(args)
    registry = StreamRegistry(engine.config)
    session = engine.session()
    claimed: list[str] = []
    try:
        result = engine.run_file(args.script, variables=parse_sets(args.set), session=session)
        if result.df is not None:
            print(render_table(result, None), flush=True)
        for name, stream in session.streams.items():
            registry.claim(name, {"id": str(stream.id), "sink": stream.sink, "script": args.script})
            claimed.append(name)
        if not claimed:
            print("the script started no stream", file=sys.stderr)
            return 0
        monitor = _Monitor(registry, quiet=args.quiet)
        ended = await_streams(session, timeout_s=args.timeout, poll_s=POLL_S, on_poll=monitor)
        if not ended:
            print(f"streams stopped after {args.timeout:g} s", file=sys.stderr)
        return 0
    finally:
        engine.close()
        for name in claimed:
            registry.release(name)


class _Monitor:
    """Called at each poll of `await_streams`: applies stop requests, prints progress."""

    def __init__(self, registry: StreamRegistry, *, quiet: bool) -> None:
        self.registry = registry
        self.quiet = quiet
        self.last_report = time.monotonic()

    def __call__(self, session: EngineSession) -> None:
        from mlsql.engine.streaming import list_streams, stop_stream

        for name in list(session.streams):
            if self.registry.stop_requested(name):
                stop_stream(session, name)
                self.registry.release(name)
                print(f"stopped {name} (requested)", file=sys.stderr, flush=True)
        if self.quiet or time.monotonic() - self.last_report < PROGRESS_EVERY_S:
            return
        self.last_report = time.monotonic()
        for s in list_streams(session):
            print(s.summary(), file=sys.stderr, flush=True)


def _list(args: argparse.Namespace) -> int:
    """Print the running streams (name, pid, start time, sink, script)."""
    entries = StreamRegistry(Config.load(getattr(args, "conf_file", None))).entries()
    if args.output == "json":
        print(json.dumps(entries))
        return 0
    if not entries:
        print("no running streams")
        return 0
    for e in entries:
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(e["started_at"]))
        print(f"{e['name']}\tpid={e['pid']}\tstarted={started}\tsink={e['sink']}\t{e['script']}")
    return 0


def _stop(args: argparse.Namespace) -> int:
    """Ask for the stream to stop and wait until its process has stopped it."""
    registry = StreamRegistry(Config.load(getattr(args, "conf_file", None)))
    registry.request_stop(args.name)
    deadline = time.monotonic() + args.timeout
    while registry.entry(args.name) is not None:
        if time.monotonic() > deadline:
            raise ExecutionError(f"stream '{args.name}' did not stop within {args.timeout:g} s")
        time.sleep(0.2)
    print(f"stopped {args.name}")
    return 0
