"""The job history: one SQLite table that survives restarts.

Every job is written when it is submitted, when it starts and when it ends (with its error, row
count and, for async jobs, its result). On open, jobs left queued or running by a server that
died are marked failed ("server restarted"). One connection, used under a lock (WAL journal).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

COLUMNS = (
    "id",
    "group_id",
    "owner",
    "name",
    "status",
    "is_async",
    "sql",
    "timeout_ms",
    "submitted_at",
    "started_at",
    "finished_at",
    "statement_index",
    "statement_count",
    "progress",
    "error",
    "result_rows",
    "callback",
    "callback_status",
)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS jobs (
    {COLUMNS[0]} TEXT PRIMARY KEY,
    {", ".join(f"{c}" for c in COLUMNS[1:])},
    result TEXT
);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner, submitted_at);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, submitted_at);
"""

RESTARTED: dict[str, Any] = {
    "code": "server_restarted",
    "message": "the server stopped while the job was queued or running",
    "statement": None,
    "line": None,
    "column": None,
    "hint": "submit the script again",
    "errors": [],
}


class JobHistory:
    """Jobs past and present in a SQLite file (thread-safe)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._closed = False
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database; later writes are dropped (threads still finishing at shutdown)."""
        with self._lock:
            self._closed = True
            self._db.close()

    def _write(self, sql: str, args: tuple[Any, ...]) -> int:
        """Run one write statement; returns the rows it changed (0 once closed)."""
        with self._lock:
            if self._closed:
                return 0
            return self._db.execute(sql, args).rowcount

    def recover(self) -> int:
        """Mark jobs a dead server left queued or running as failed; returns how many."""
        now = int(time.time() * 1000)
        return self._write(
            "UPDATE jobs SET status='failed', error=?, finished_at=? "
            "WHERE status IN ('queued', 'running')",
            (json.dumps(RESTARTED), now),
        )

    def save(self, record: dict[str, Any]) -> None:
        """Insert or replace a job's record (a `ServerJob.snapshot()`)."""
        names = ", ".join(COLUMNS)
        marks = ", ".join("?" for _ in COLUMNS)
        updates = ", ".join(f"{c}=excluded.{c}" for c in COLUMNS[1:])
        self._write(
            f"INSERT INTO jobs ({names}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {updates}",
            tuple(record[c] for c in COLUMNS),
        )

    def save_result(self, job_id: str, result: Any) -> None:
        """Keep an async job's result (the JSON the callback got)."""
        self._write(
            "UPDATE jobs SET result=? WHERE id=?", (json.dumps(result, default=str), job_id)
        )

    def set_callback_status(self, job_id: str, status: str) -> None:
        """Record whether the callback was delivered."""
        self._write("UPDATE jobs SET callback_status=? WHERE id=?", (status, job_id))

    def get(self, job_id: str) -> dict[str, Any] | None:
        """A job's record, or None."""
        names = ", ".join(COLUMNS)
        with self._lock:
            row = self._db.execute(f"SELECT {names} FROM jobs WHERE id=?", (job_id,)).fetchone()
        return dict(row) if row else None

    def result(self, job_id: str) -> tuple[bool, Any]:
        """(found, result) of a job: the stored result JSON, None when none was kept."""
        with self._lock:
            row = self._db.execute("SELECT result FROM jobs WHERE id=?", (job_id,)).fetchone()
        if row is None:
            return False, None
        return True, json.loads(row["result"]) if row["result"] is not None else None

    def list(
        self,
        *,
        owner: str | None = None,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """Records matching the filters, newest first, and how many match in all."""
        where, args = _filters(owner=owner, status=status)
        names = ", ".join(COLUMNS)
        with self._lock:
            total = self._db.execute(f"SELECT count(*) FROM jobs{where}", args).fetchone()[0]
            rows = self._db.execute(
                f"SELECT {names} FROM jobs{where} ORDER BY submitted_at DESC, rowid DESC "
                "LIMIT ? OFFSET ?",
                (*args, limit, offset),
            ).fetchall()
        return [dict(r) for r in rows], int(total)


def _filters(**equal: str | None) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause (column = ? for each given value) and its arguments."""
    given = {k: v for k, v in equal.items() if v is not None}
    if not given:
        return "", ()
    clause = " AND ".join(f"{column}=?" for column in given)
    return f" WHERE {clause}", tuple(given.values())
