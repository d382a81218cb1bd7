"""The job history: one SQLite table that survives restarts.

Every job is written when it is submitted, when it starts and when it ends (with its error, row
count and, for async jobs, its result). On open, jobs left queued or running by a server that
died are marked failed ("server restarted": interrupted). One connection, used under a lock (WAL
journal).

The callback outbox (`callback_outbox`, same file) makes callbacks survive a crash: an async job
with a callback gets a `waiting` row when it is submitted (URL, headers, retries); when it ends,
the form to send is stored and the row becomes `pending`; the sender marks it `delivered` or
`failed`. After a restart, `pending` rows are sent again, and `waiting` rows of jobs that ended
(interrupted by the crash) get their form from the job's row (see `services/recovery.py`).
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
CREATE TABLE IF NOT EXISTS callback_outbox (
    job_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    headers TEXT NOT NULL,
    max_retries INTEGER NOT NULL,
    form TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER
);
CREATE INDEX IF NOT EXISTS callback_outbox_state ON callback_outbox(state);
"""

OUTBOX_COLUMNS = ("job_id", "url", "headers", "max_retries", "form", "state", "attempts")

RESTARTED: dict[str, Any] = {
    "code": "server_restarted",
    "message": "interrupted: the server stopped while the job was queued or running",
    "statement": None,
    "line": None,
    "column": None,
    "hint": "the job was interrupted; submit the script again",
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
            # WAL + NORMAL: no fsync per write (three per job); a killed server loses nothing,
            # only a power cut can lose the last writes.
            self._db.execute("PRAGMA synchronous=NORMAL")
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

    # --- the callback outbox ------------------------------------------------------------------
    def expect_callback(
        self, job_id: str, url: str, headers: dict[str, str], max_retries: int
    ) -> None:
        """Note that `job_id` owes a callback once it ends (state `waiting`)."""
        self._write(
            "INSERT OR IGNORE INTO callback_outbox (job_id, url, headers, max_retries, state, "
            "updated_at) VALUES (?, ?, ?, ?, 'waiting', ?)",
            (job_id, url, json.dumps(headers), max_retries, _now_ms()),
        )

    def queue_callback(self, job_id: str, form: dict[str, str]) -> bool:
        """Store the form of a job's callback (`waiting` -> `pending`); False if not waiting."""
        with self._lock:
            if self._closed:
                return False
            self._db.execute("BEGIN IMMEDIATE")
            changed = self._db.execute(
                "UPDATE callback_outbox SET form=?, state='pending', updated_at=? "
                "WHERE job_id=? AND state='waiting'",
                (json.dumps(form), _now_ms(), job_id),
            ).rowcount
            if changed:
                self._db.execute("UPDATE jobs SET callback_status='pending' WHERE id=?", (job_id,))
            self._db.execute("COMMIT")
            return bool(changed)

    def callback_done(self, job_id: str, state: str, attempts: int) -> None:
        """Record a delivery's end (`delivered`/`failed`) in the outbox and the job's row."""
        with self._lock:
            if self._closed:
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "UPDATE callback_outbox SET state=?, attempts=attempts+?, updated_at=? "
                "WHERE job_id=?",
                (state, attempts, _now_ms(), job_id),
            )
            self._db.execute("UPDATE jobs SET callback_status=? WHERE id=?", (state, job_id))
            self._db.execute("COMMIT")

    def outbox(self, state: str) -> list[dict[str, Any]]:
        """Outbox rows in `state`, oldest first (headers and form decoded)."""
        names = ", ".join(OUTBOX_COLUMNS)
        with self._lock:
            rows = self._db.execute(
                f"SELECT {names} FROM callback_outbox WHERE state=? ORDER BY updated_at, rowid",
                (state,),
            ).fetchall()
        out = [dict(r) for r in rows]
        for row in out:
            row["headers"] = json.loads(row["headers"])
            row["form"] = json.loads(row["form"]) if row["form"] else None
        return out

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


def _now_ms() -> int:
    """Now, in epoch milliseconds."""
    return int(time.time() * 1000)


def _filters(**equal: str | None) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause (column = ? for each given value) and its arguments."""
    given = {k: v for k, v in equal.items() if v is not None}
    if not given:
        return "", ()
    clause = " AND ".join(f"{column}=?" for column in given)
    return f" WHERE {clause}", tuple(given.values())
