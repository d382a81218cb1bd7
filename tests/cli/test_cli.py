"""The `mlsql` command line as a user meets it: the README's main job, check, run errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MLSQL = [sys.executable, "-m", "mlsql.cli.main"]


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MLSQL_WORK_DIR": str(tmp_path / "work"),
        "MLSQL_SPARK__MASTER": "local[2]",
    }


def test_readme_main_job_command_prints_the_result_table() -> None:
    """`make example`, exactly as the README says, from the repository root."""
    done = subprocess.run(
        ["make", "example"], cwd=ROOT, capture_output=True, text=True, timeout=1200
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "summary" in out and "agreement" in out and "saved_rows" in out
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 2 and all("success" in r for r in rows)
    assert sum("True" in r for r in rows) == 1
    assert (ROOT / "work" / "example" / "predictions" / "_SUCCESS").exists()
    assert "Traceback" not in done.stderr


def test_check_reports_every_syntax_error_with_caret(tmp_path: Path) -> None:
    script = tmp_path / "bad.mlsql"
    script.write_text("load csv.`/a` optons x='1' as t;\nselect 1 as a as ok;\nsave t as;\n")
    done = subprocess.run(
        [*MLSQL, "check", str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert f"{script}:1:" in done.stderr and f"{script}:3:" in done.stderr
    assert "^" in done.stderr and "2 syntax error(s)" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_ok_and_analyze(tmp_path: Path) -> None:
    script = tmp_path / "ok.mlsql"
    script.write_text("load parquet.`/x` as t;\nselect * from t as u;")
    done = subprocess.run(
        [*MLSQL, "check", "--analyze", str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0
    assert '"kind": "load"' in done.stdout and '"kind": "select"' in done.stdout


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_run_outputs_and_errors_without_traceback(tmp_path: Path, fmt: str) -> None:
    script = tmp_path / "s.mlsql"
    script.write_text("select 1 as a, '${who}' as b as t;")
    done = subprocess.run(
        [*MLSQL, "run", str(script), "--set", "who=me", "-o", fmt, "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert ('[{"a": 1, "b": "me"}]' if fmt == "json" else "a,b\n1,me") in done.stdout
    script.write_text("select 1 as a as t;\nselect nope from t as u;")
    done = subprocess.run(
        [*MLSQL, "run", str(script), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(tmp_path),
    )
    assert done.returncode == 1
    assert (
        "select statement at line 2" in done.stderr and "nope" in done.stderr and "^" in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_serve_refuses_open_host_without_token(tmp_path: Path) -> None:
    env = {**_env(tmp_path), "MLSQL_SERVER__ACCESS_TOKEN": ""}
    done = subprocess.run(
        [*MLSQL, "serve", "--host", "0.0.0.0", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 1
    assert "without an access token" in done.stderr and "Traceback" not in done.stderr
