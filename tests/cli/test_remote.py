"""Issue 18.3: `mlsql run --server URL` against a real `mlsql serve` on loopback prints what a
local run prints (rows, table rendering, exit codes), reports syntax errors with line, column and
caret, sends the token, and kills the remote job on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pexpect
import pytest

from mlsql.server.process import ServerProcess
from tests.server.helpers import SPARK_ARGS, server_env, wait_for

pytestmark = pytest.mark.slow
MLSQL = [sys.executable, "-m", "mlsql.cli.main"]
TOKEN = "cli-remote-token-7e2"
SCRIPT = """set n = "3";
select id, id * 2 as twice, concat('r', id) as label from range(0, ${n}) as t;
"""
BAD = "select 1 as a as t;\nsave overwrite t as csv.;\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A `mlsql serve` with an access token."""
    work: Path = tmp_path_factory.mktemp("remote-work")
    env = server_env(access_token=TOKEN)
    with ServerProcess(work, env=env, args=SPARK_ARGS) as proc:
        yield proc


def mlsql(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the CLI; local runs get the server tests' Spark settings."""
    full_env = {**os.environ, "MLSQL_SPARK__MASTER": "local[2]", **(env or {})}
    return subprocess.run(
        [*MLSQL, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300
    )


def test_remote_prints_what_a_local_run_prints(server: ServerProcess, tmp_path: Path) -> None:
    (tmp_path / "s.mlsql").write_text(SCRIPT)
    local = mlsql("run", "-q", "s.mlsql", *SPARK_ARGS, cwd=tmp_path)
    remote = mlsql("run", "-q", "--server", server.url, "--token", TOKEN, "s.mlsql", cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    assert remote.returncode == 0, remote.stderr
    assert "r2" in local.stdout and "3 row(s)" in local.stdout
    assert remote.stdout == local.stdout
    as_json = mlsql(
        "run", "-o", "json", "--server", server.url, "s.mlsql", cwd=tmp_path,
        env={"MLSQL_TOKEN": TOKEN},
    )  # fmt: skip
    assert as_json.returncode == 0, as_json.stderr
    assert as_json.stdout.strip() == (
        '[{"id": 0, "twice": 0, "label": "r0"}, {"id": 1, "twice": 2, "label": "r1"}, '
        '{"id": 2, "twice": 4, "label": "r2"}]'
    )


def test_configured_default_server_and_local_flag(server: ServerProcess, tmp_path: Path) -> None:
    (tmp_path / "s.mlsql").write_text("select 5 as five as t;")
    env = {"MLSQL_CLI__SERVER": server.url, "MLSQL_CLI__TOKEN": TOKEN}
    remote = mlsql("run", "-q", "-o", "csv", "s.mlsql", cwd=tmp_path, env=env)
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout.strip() == "five\n5"
    # a configured server that is down is named; --local ignores it and runs here
    env_bad = {"MLSQL_CLI__SERVER": "http://127.0.0.1:9", "MLSQL_CLI__TOKEN": TOKEN}
    refused = mlsql("run", "-q", "s.mlsql", cwd=tmp_path, env=env_bad)
    assert refused.returncode == 1
    assert "cannot reach the server http://127.0.0.1:9" in refused.stderr
    local = mlsql(
        "run", "-q", "--local", "-o", "csv", "s.mlsql", *SPARK_ARGS, cwd=tmp_path, env=env_bad
    )
    assert local.returncode == 0, local.stderr
    assert local.stdout.strip() == "five\n5"


def test_remote_syntax_error_has_line_column_and_caret(
    server: ServerProcess, tmp_path: Path
) -> None:
    (tmp_path / "bad.mlsql").write_text(BAD)
    remote = mlsql("run", "--server", server.url, "--token", TOKEN, "bad.mlsql", cwd=tmp_path)
    local_check = mlsql("check", "bad.mlsql", cwd=tmp_path)
    assert remote.returncode == 1
    assert remote.stdout == ""
    first = local_check.stderr.splitlines()[0]
    assert first.startswith("bad.mlsql:2:")
    assert first.split(": ", 1)[1] in remote.stderr  # the same message
    assert "bad.mlsql:2:" in remote.stderr  # the script's own name, line and column
    assert remote.stderr.startswith("syntax error: bad.mlsql:2:25: ")
    assert "   2 | save overwrite t as csv.;\n" + " " * 31 + "^" in remote.stderr


def test_wrong_token_is_refused(server: ServerProcess, tmp_path: Path) -> None:
    (tmp_path / "s.mlsql").write_text("select 1 as a as t;")
    result = mlsql("run", "--server", server.url, "--token", "nope", "s.mlsql", cwd=tmp_path)
    assert result.returncode == 1
    assert "401" in result.stderr


def test_ctrl_c_kills_the_remote_job(server: ServerProcess, tmp_path: Path) -> None:
    (tmp_path / "long.mlsql").write_text(
        "select count(*) as c from range(0, 5000000000000) as big;"
    )
    proc = subprocess.Popen(
        [*MLSQL, "run", "--server", server.url, "--token", TOKEN, "long.mlsql"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        wait_for(lambda: client.get("/runningjobs").json(), 120, what="the job to start")
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert err.strip().splitlines()[-1] == "interrupted: the job was cancelled"
        assert "Traceback" not in err
        jobs = client.get("/jobs", params={"limit": 1}).json()["jobs"]
        assert jobs[0]["status"] == "cancelled"
        assert client.get("/runningjobs").json() == {}


def test_shell_on_the_server_keeps_the_owner_session(server: ServerProcess, tmp_path: Path) -> None:
    from tests.cli.test_shell import PROMPT, spawn_shell

    shell = spawn_shell(tmp_path, "--server", server.url, "--token", TOKEN)
    try:
        shell.send('set color = "teal";\r')
        shell.expect(PROMPT)
        shell.send("select '${color}' as c as remote_tab;\r")
        shell.expect(r"│ teal\s*│")
        shell.expect(PROMPT)
        shell.send("select c from remote_t\t")  # the server session's table
        time.sleep(1.0)  # completion runs as a task of the prompt: let it finish first
        shell.send(" as again;\r")
        shell.expect(r"again")
        shell.expect(r"│ teal\s*│")
        shell.expect(PROMPT)
        shell.sendeof()
        shell.expect(pexpect.EOF)
    finally:
        shell.close(force=True)
    assert shell.exitstatus == 0
