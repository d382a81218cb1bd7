"""A real PostgreSQL server on loopback for JDBC tests, owned by one context manager.

Uses the Debian `postgresql` package's binaries (installed by .ci/run); runs as the `postgres`
user when the tests run as root, with trust authentication on 127.0.0.1 only.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (apt-get install postgresql)")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """Starts a throw-away cluster in a temp folder; `url` is its JDBC URL."""

    def __init__(self, start_timeout_s: float = 30.0) -> None:
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="mlsql-pg-"))
        self.data = self.dir / "data"
        self.timeout = start_timeout_s

    @property
    def url(self) -> str:
        """JDBC URL of the `postgres` database."""
        return f"jdbc:postgresql://127.0.0.1:{self.port}/postgres"

    def _as_owner(self, argv: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *argv]
        return argv

    def __enter__(self) -> PostgresServer:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        subprocess.run(
            self._as_owner(
                [_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"]
            ),
            check=True,
            capture_output=True,
            timeout=self.timeout,
        )
        opts = f"-p {self.port} -h 127.0.0.1 -k {self.dir}"
        subprocess.run(
            self._as_owner(
                [
                    _bin("pg_ctl"),
                    "-D",
                    str(self.data),
                    "-o",
                    opts,
                    "-l",
                    str(self.dir / "log"),
                    "-w",
                    "-t",
                    str(int(self.timeout)),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=self.timeout + 5,
        )
        self._wait()
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL did not come up on port {self.port}")

    def execute(self, sql: str) -> list[tuple]:
        """Run SQL with psycopg2 and return the rows (if any)."""
        import psycopg2

        with psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres"
        ) as conn:
            with conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall() if cur.description else []

    def __exit__(self, *exc: object) -> None:
        subprocess.run(
            self._as_owner([_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
            timeout=self.timeout,
        )
        shutil.rmtree(self.dir, ignore_errors=True)
