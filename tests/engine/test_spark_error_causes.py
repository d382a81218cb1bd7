"""Issue 19.3 / 11.7: errors from the JVM keep their root cause; data source failures name the
format, the path and the cause in plain words; an unknown format lists the known ones."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mlsql.errors import AnalysisError, ExecutionError


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _jdbc_save_script(port: int) -> str:
    return (
        "select 1 as id as t;\n"
        f'save append t as jdbc.`items` options url="jdbc:postgresql://127.0.0.1:{port}/db"\n'
        '  and driver="org.postgresql.Driver" and user="x";\n'
    )


def test_jdbc_save_to_closed_port_says_connection_refused(run) -> None:
    with pytest.raises(ExecutionError) as info:
        run(_jdbc_save_script(_closed_port()))
    err = info.value
    assert "Connection refused" in err.message
    assert "jdbc.`items`" in err.message and "save table t" in err.message
    assert "An error occurred while calling" not in err.render()
    assert "\tat " not in err.render()  # no Java stack without --debug
    assert err.line == 2


def test_unknown_format_lists_the_known_ones(run) -> None:
    with pytest.raises(AnalysisError) as info:
        run("load parqet.`/tmp/x` as t;")
    err = info.value
    assert "unknown data source format 'parqet'" in err.message
    assert "did you mean 'parquet'" in (err.hint or "")
    for name in ("csv", "json", "parquet", "jdbc", "sklearn"):
        assert name in (err.hint or "")
    assert "An error occurred while calling" not in err.render()
    assert err.line == 1


def test_unknown_format_on_save_lists_the_known_ones(run, tmp_path: Path) -> None:
    with pytest.raises(AnalysisError) as info:
        run(f"select 1 as a as t;\nsave t as nosuchformat.`{tmp_path / 'o'}`;")
    assert "nosuchformat" in info.value.message and "csv" in (info.value.hint or "")
    assert info.value.line == 2


def test_missing_path_names_format_and_path(run, tmp_path: Path) -> None:
    missing = tmp_path / "absent" / "data.json"
    with pytest.raises(ExecutionError) as info:
        run(f"load json.`{missing}` as t;")
    message = info.value.message
    assert f"cannot load json.`{missing}`" in message
    assert "the path does not exist" in message


def test_cli_debug_shows_java_stack_and_root_cause(tmp_path: Path) -> None:
    script = tmp_path / "save.mlsql"
    script.write_text(_jdbc_save_script(_closed_port()))
    env = {
        **os.environ,
        "MLSQL_WORK_DIR": str(tmp_path / "work"),
        "MLSQL_SPARK__MASTER": "local[1]",
    }
    done = subprocess.run(
        [sys.executable, "-m", "mlsql.cli.main", "--debug", "run", "-q", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode != 0
    assert "Connection refused" in done.stderr
    assert "Java stack trace:" in done.stderr
    assert "at org.postgresql" in done.stderr  # the Java frames, only with --debug
