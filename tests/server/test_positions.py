"""Issue 19.11: the REST API and the CLI report the same 1-based column for the same error."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

SCRIPTS = {
    "syntax": "select 1 as a as t;\nload csv.`/tmp/x` as ;",
    "unterminated": 'set a = "open;\nselect "x" as b as t;',
}


def _cli_position(tmp_path: Path, text: str) -> tuple[int, int]:
    script = tmp_path / "s.mlsql"
    script.write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "mlsql.cli.main", "check", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    match = re.search(re.escape(str(script)) + r":(\d+):(\d+):", done.stderr)
    assert match, done.stderr
    return int(match.group(1)), int(match.group(2))


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_rest_and_cli_columns_agree_and_are_1_based(
    client: httpx.Client, tmp_path: Path, name: str
) -> None:
    text = SCRIPTS[name]
    response = client.post("/run/script", data={"sql": text})
    assert response.status_code == 400, response.text
    error = response.json()
    rest = (error["line"], error["column"])
    assert rest == _cli_position(tmp_path, text)
    expected = {"syntax": (2, 22), "unterminated": (1, 9)}[name]
    assert rest == expected
