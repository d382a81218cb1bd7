"""Fixtures of the REST server tests: a real `mlsql serve` process on 127.0.0.1, and clients.

The session's server has an access token (so the auth tests share it); `client` sends it,
`anonymous` does not. Spark runs `local[2]` with two shuffle partitions.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mlsql.server.process import ServerProcess
from tests.server.helpers import SPARK_ARGS, TOKEN, server_env


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The session's server (access token set, 4 concurrent jobs)."""
    work: Path = tmp_path_factory.mktemp("server-work")
    env = server_env(access_token=TOKEN, max_concurrent_jobs="4")
    with ServerProcess(work, env=env, args=SPARK_ARGS) as proc:
        yield proc


@pytest.fixture
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    """A client that sends the access token."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=180.0) as c:
        yield c


@pytest.fixture
def anonymous(server: ServerProcess) -> Iterator[httpx.Client]:
    """A client without the access token."""
    with httpx.Client(base_url=server.url, timeout=60.0) as c:
        yield c
