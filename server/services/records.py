"""A job as the server tracks it: the engine's `Job`, the request, its state and its outcome.

`ServerJob` changes state under its own lock (queued -> running -> succeeded|failed|cancelled);
`snapshot()` is the one flat form the history stores and the job views read.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from mlsql.engine import Job

from ..schemas import FINISHED_STATUSES, ScriptRequest


@dataclass(frozen=True)
class Outcome:
    """How a job ended: status, result body (rows or schema+data) or error, HTTP status."""

    status: str
    body: Any = None
    error: dict[str, Any] | None = None
    http_status: int = 200
    rows: int | None = None


def ms(seconds: float | None) -> int | None:
    """Epoch seconds as epoch milliseconds."""
    return None if seconds is None else int(seconds * 1000)


@dataclass
class ServerJob:
    """One submitted script: the engine job, the request and the server-side state."""

    job: Job
    request: ScriptRequest
    submitted_at: float = field(default_factory=time.time)
    status: str = "queued"
    started_at: float | None = None
    finished_at: float | None = None
    outcome: Outcome | None = None
    callback_status: str | None = None
    future: Future[Outcome] = field(default_factory=Future, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def id(self) -> str:
        """The job id."""
        return self.job.id

    @property
    def finished(self) -> bool:
        """Whether the job has ended."""
        return self.status in FINISHED_STATUSES

    def claim(self) -> bool:
        """queued -> running, unless the job was cancelled while it waited; True if claimed."""
        with self.lock:
            if self.status != "queued" or self.job.cancel_reason is not None:
                return False
            self.status = "running"
            self.started_at = time.time()
            self.job.started_at = self.started_at  # the engine's timeout counts from here
            return True

    def finish(self, outcome: Outcome) -> bool:
        """Record the outcome once; False if the job had already ended."""
        with self.lock:
            if self.finished:
                return False
            self.status = outcome.status
            self.outcome = outcome
            self.finished_at = time.time()
        if not self.future.done():
            self.future.set_result(outcome)
        return True

    def progress(self) -> dict[str, Any]:
        """The engine's progress (statement i of n, training) of this job."""
        return self.job.progress()

    def snapshot(self) -> dict[str, Any]:
        """The flat record the history stores (times in epoch milliseconds)."""
        req = self.request
        outcome = self.outcome
        return {
            "id": self.id,
            "group_id": self.job.group_id,
            "owner": req.owner,
            "name": self.job.name,
            "status": self.status,
            "is_async": int(req.run_async),
            "sql": req.sql,
            "timeout_ms": req.timeout,
            "submitted_at": ms(self.submitted_at),
            "started_at": ms(self.started_at),
            "finished_at": ms(self.finished_at),
            "statement_index": self.job.statement_index,
            "statement_count": self.job.statement_count,
            "progress": json.dumps(self.progress(), default=str),
            "error": json.dumps(outcome.error) if outcome and outcome.error else None,
            "result_rows": outcome.rows if outcome else None,
            "callback": req.callback,
            "callback_status": self.callback_status,
        }
