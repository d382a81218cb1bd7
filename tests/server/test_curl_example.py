"""Issue 19.8: the README's curl form (`--data-urlencode sql@file`) keeps `+` and `&` intact,
where plain `-d` breaks them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mlsql.server.process import ServerProcess
from tests.server.helpers import TOKEN

SCRIPT = "select 1 + 2 as three, 'a&b=c' as amp as t;\n"
EXPECTED = [{"three": 3, "amp": "a&b=c"}]


def _curl(server: ServerProcess, *data: str) -> object:
    done = subprocess.run(
        ["curl", "-s", "-H", f"Authorization: Bearer {TOKEN}", f"{server.url}/run/script", *data],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_data_urlencode_from_a_file_keeps_plus_and_ampersand(
    server: ServerProcess, tmp_path: Path
) -> None:
    script = tmp_path / "job.mlsql"
    script.write_text(SCRIPT)
    assert _curl(server, "--data-urlencode", f"sql@{script}") == EXPECTED
    assert _curl(server, "--data-urlencode", f"sql={SCRIPT}") == EXPECTED
    broken = _curl(server, "-d", f"sql={SCRIPT}")  # what the README showed before
    assert broken != EXPECTED
