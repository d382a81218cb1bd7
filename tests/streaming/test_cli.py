"""`mlsql streams run|list|stop` across processes: one runs a stream, others list and stop it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.streaming.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
set streamName="cli_ticks";
load rate.`` options rowsPerSecond="10" as ticks;
save append ticks as parquet.`${out}` options duration="1";
"""


def _env(work: Path) -> dict[str, str]:
    return dict(os.environ, MLSQL_WORK_DIR=str(work))


def mlsql(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a short `mlsql` command (no Spark) and return it finished."""
    return subprocess.run(
        [sys.executable, "-m", "mlsql.cli.main", *args],
        env=_env(work),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_streams_run_list_and_stop_from_another_process(tmp_path: Path) -> None:
    script = tmp_path / "ticks.mlsql"
    script.write_text(SCRIPT)
    out = tmp_path / "ticks"
    runner = subprocess.Popen(
        [sys.executable, "-m", "mlsql.cli.main", "streams", "run", str(script)]
        + ["--set", f"out={out}", "--master", "local[1]", "--timeout", "240", "--quiet"]
        + ["--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=1"],
        env=_env(tmp_path),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        listed = lambda: json.loads(mlsql(tmp_path, "streams", "list", "-o", "json").stdout)  # noqa: E731
        assert wait_for(lambda: bool(listed()) or runner.poll() is not None, timeout_s=180)
        [entry] = listed()
        assert entry["name"] == "cli_ticks" and entry["pid"] == runner.pid
        assert entry["sink"] == f"parquet.`{out}`"
        assert wait_for(lambda: (out / "_checkpoint" / "commits" / "1").exists(), timeout_s=120)

        stopped = mlsql(tmp_path, "streams", "stop", "cli_ticks")
        assert stopped.returncode == 0, stopped.stderr
        assert stopped.stdout.strip() == "stopped cli_ticks"
        stdout, stderr = runner.communicate(timeout=120)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.communicate()
    assert runner.returncode == 0, stderr[-2000:]
    assert "cli_ticks" in stdout and "stopped cli_ticks (requested)" in stderr
    assert mlsql(tmp_path, "streams", "list").stdout.strip() == "no running streams"


def test_stopping_an_unknown_stream_is_an_error(tmp_path: Path) -> None:
    done = mlsql(tmp_path, "streams", "stop", "nothing_here")
    assert done.returncode == 1
    assert "no running stream named 'nothing_here' (running: none)" in done.stderr


def test_stale_records_of_dead_processes_are_dropped(tmp_path: Path) -> None:
    running = tmp_path / "streams" / "running"
    running.mkdir(parents=True)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    record = {
        "name": "ghost",
        "pid": int(dead.stdout),
        "started_at": 0,
        "sink": "console.``",
        "script": "x",
    }
    (running / "ghost.json").write_text(json.dumps(record))
    assert json.loads(mlsql(tmp_path, "streams", "list", "-o", "json").stdout) == []
    assert not (running / "ghost.json").exists()
