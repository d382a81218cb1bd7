"""A real MariaDB server on loopback for JDBC tests (MySQL protocol), owned by one context manager.

Uses the Debian `mariadb-server` package's binaries (installed by .ci/run); the data folder is a
fresh temp folder, the server listens on 127.0.0.1 only, and runs as the `mysql` user when the
tests run as root. A user `mlsql` (password `mlsql`) owns the database `shop`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "mlsql"
PASSWORD = "mlsql"
DATABASE = "shop"


def _bin(*names: str) -> str:
    for name in names:
        for folder in ("/usr/sbin", "/usr/bin"):
            if os.access(f"{folder}/{name}", os.X_OK):
                return f"{folder}/{name}"
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError(f"MariaDB's {names[0]} is not installed (apt-get install mariadb-server)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MariaDBServer:
    """Starts a throw-away server in a temp folder; `url` is its JDBC URL."""

    def __init__(self, start_timeout_s: float = 60.0) -> None:
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="mlsql-mariadb-"))
        self.data = self.dir / "data"
        self.socket = self.dir / "mysqld.sock"
        self.timeout = start_timeout_s
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """JDBC URL of the `shop` database (MariaDB Connector/J)."""
        return f"jdbc:mariadb://127.0.0.1:{self.port}/{DATABASE}"

    @property
    def plain_mysql_url(self) -> str:
        """The same database with a MySQL URL, as MLSQL scripts spell it."""
        return f"jdbc:mysql://127.0.0.1:{self.port}/{DATABASE}?useSSL=false"

    def _owner(self) -> list[str]:
        return ["--user=mysql"] if os.geteuid() == 0 else []

    def __enter__(self) -> MariaDBServer:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "mysql", "mysql")
        subprocess.run(
            [
                _bin("mariadb-install-db", "mysql_install_db"),
                "--no-defaults",
                f"--datadir={self.data}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *self._owner(),
            ],
            check=True,
            capture_output=True,
            timeout=self.timeout,
        )
        log = open(self.dir / "server.log", "wb")  # noqa: SIM115 - closed with the process
        self._process = subprocess.Popen(
            [
                _bin("mariadbd", "mysqld"),
                "--no-defaults",
                f"--datadir={self.data}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                f"--socket={self.socket}",
                f"--pid-file={self.dir / 'mysqld.pid'}",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
                *self._owner(),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self._wait()
        self.root(
            f"CREATE DATABASE {DATABASE}; CREATE USER '{USER}'@'%' IDENTIFIED BY '{PASSWORD}';"
            f" GRANT ALL ON {DATABASE}.* TO '{USER}'@'%';"
        )
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"MariaDB exited ({self._process.returncode}): "
                    + (self.dir / "server.log").read_text()[-2000:]
                )
            if self.socket.exists():
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"MariaDB did not come up on port {self.port}")

    def root(self, sql: str, database: str = "") -> list[tuple[str, ...]]:
        """Run SQL as root over the socket with the `mariadb` client; rows as string tuples."""
        done = subprocess.run(
            [
                _bin("mariadb", "mysql"),
                "--no-defaults",
                f"--socket={self.socket}",
                "-uroot",
                "-N",
                "-B",
                "-e",
                sql,
                *([database] if database else []),
            ],
            capture_output=True,
            text=True,
            timeout=self.timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"mariadb: {done.stderr.strip()}")
        return [tuple(line.split("\t")) for line in done.stdout.splitlines()]

    def execute(self, sql: str) -> list[tuple[str, ...]]:
        """Run SQL in the `shop` database."""
        return self.root(sql, DATABASE)

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
