"""A real S3 API on loopback: moto's server mode in its own process, one bucket per session.

`s3_server` starts ``moto_server`` on 127.0.0.1 with a free port and yields its endpoint and
credentials as the ``spark.hadoop.fs.s3a.*`` settings the engine reads (conf/mlsql.toml);
`s3_env` also sets the variables the Python side reads (``mlsql.models.fs.s3_env``) for this
process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlsql.models import fs

BUCKET = "mlsql-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_up(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto_server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"moto_server did not answer at {url} in {timeout_s} s")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """moto_server on loopback with one bucket; yields the s3a Spark settings."""
    pytest.importorskip("moto")
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_up(f"{endpoint}/moto-api/", proc)
        conf = {
            "spark.hadoop.fs.s3a.endpoint": endpoint,
            "spark.hadoop.fs.s3a.path.style.access": "true",
            "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
            "spark.hadoop.fs.s3a.endpoint.region": "us-east-1",
            "spark.hadoop.fs.s3a.access.key": "testing",
            "spark.hadoop.fs.s3a.secret.key": "testing",
        }
        request = urllib.request.Request(f"{endpoint}/{BUCKET}", method="PUT")
        urllib.request.urlopen(request, timeout=10).close()
        yield conf
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def s3_env(s3_server: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """This process reads the moto bucket through `mlsql.models.fs` (settings as environment)."""
    for key, value in fs.s3_env(s3_server).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv(
        "MLSQL_MODEL_CACHE", str(Path(os.environ.get("TMPDIR", "/tmp"), "mlsql-s3-cache"))
    )
    fs.forget_filesystems()
    yield s3_server
    fs.forget_filesystems()


@pytest.fixture
def s3_prefix(s3_env: dict[str, str]) -> str:
    """A fresh ``s3a://`` prefix in the test bucket."""
    return f"s3a://{BUCKET}/{uuid.uuid4().hex[:12]}"
