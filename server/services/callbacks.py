"""Delivers an async job's callback: a form POST with `stat`, `res` or `msg`, and `jobInfo`.

Delivery runs on a small thread pool of its own, so a slow receiver never holds a script slot.
Failed attempts (connection errors, 5xx, 408, 429) are retried up to `maxRetries` times with
exponential backoff (0.5 s, 1 s, 2 s, … capped at 30 s). Redirects are not followed.

What is sent comes from the history's callback outbox (`CallbackTask`), so a callback the server
could not finish sending before it stopped or crashed is sent after the restart; one cut short by
a stop stays `pending` (not `failed`). Each POST carries `X-MLSQL-Callback-Id` (the job id) so a
receiver can drop the one duplicate a crash between its answer and our bookkeeping can cause.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from .records import ServerJob
from .views import job_info, job_info_from_row

log = logging.getLogger("mlsql.server.callbacks")

RETRY_STATUSES = frozenset({408, 429})
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 30.0
REQUEST_TIMEOUT_S = 10.0
STOPPING = "server stopping"
ID_HEADER = "X-MLSQL-Callback-Id"


@dataclass(frozen=True)
class CallbackTask:
    """One callback to send: the job, where to, what, with which headers and retries."""

    job_id: str
    url: str
    form: dict[str, str]
    headers: dict[str, str]
    max_retries: int

    @classmethod
    def from_outbox(cls, row: dict[str, Any]) -> CallbackTask:
        """The task of a `pending` outbox row."""
        return cls(row["job_id"], row["url"], row["form"], row["headers"], row["max_retries"])


@dataclass(frozen=True)
class Delivery:
    """What the callback sender did: delivered or not, after how many attempts."""

    delivered: bool
    attempts: int
    last_error: str = ""


def callback_form(record: ServerJob) -> dict[str, str]:
    """The form fields of a finished job's callback (MLSQL's names)."""
    outcome = record.outcome
    assert outcome is not None, "callback of an unfinished job"
    form = {"jobInfo": json.dumps(job_info(record), default=str)}
    if outcome.status == "succeeded":
        form["stat"] = "succeeded"
        form["res"] = json.dumps(outcome.body, default=str)
    else:
        form["stat"] = "failed"
        form["msg"] = (outcome.error or {}).get("message", outcome.status)
    return form


def form_from_row(row: dict[str, Any], result: Any) -> dict[str, str]:
    """The callback form of a job known only from its history row (after a restart)."""
    form = {"jobInfo": json.dumps(job_info_from_row(row), default=str)}
    if row["status"] == "succeeded":
        form["stat"] = "succeeded"
        form["res"] = json.dumps(result, default=str)
    else:
        error = json.loads(row["error"]) if row["error"] else {}
        form["stat"] = "failed"
        form["msg"] = error.get("message", row["status"])
    return form


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number `attempt` (1-based)."""
    return float(min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempt - 1)))


class CallbackSender:
    """Posts callbacks on a thread pool, with retries; `stop()` cuts pending backoffs short."""

    def __init__(self, on_done: Callable[[CallbackTask, Delivery], None], workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mlsql-callback")
        self._stopping = threading.Event()
        self._on_done = on_done

    def send(self, task: CallbackTask) -> None:
        """Schedule a callback (dropped once stopping: it stays pending in the outbox)."""
        if self._stopping.is_set():
            return
        try:
            self._pool.submit(self._deliver_and_report, task)
        except RuntimeError:  # the pool shut down meanwhile
            pass

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop retrying and wait (up to `timeout_s`) for attempts in flight."""
        self._stopping.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.time() + timeout_s
        for thread in list(getattr(self._pool, "_threads", ())):
            thread.join(max(0.0, deadline - time.time()))

    def _deliver_and_report(self, task: CallbackTask) -> None:
        """Deliver a job's callback and report the delivery."""
        headers = {**task.headers, ID_HEADER: task.job_id}
        try:
            delivery = self.deliver(task.url, task.form, headers, task.max_retries)
        except Exception as err:  # e.g. a header httpx refuses: report it, never lose it
            delivery = Delivery(False, 1, f"{type(err).__name__}: {err}")
        if not delivery.delivered:
            log.warning("callback of job %s not delivered: %s", task.job_id, delivery.last_error)
        self._on_done(task, delivery)

    def deliver(
        self, url: str, form: dict[str, str], headers: dict[str, str], max_retries: int
    ) -> Delivery:
        """POST `form` to `url`, retrying failures with backoff; never raises."""
        error = ""
        with httpx.Client(timeout=REQUEST_TIMEOUT_S, follow_redirects=False) as client:
            for attempt in range(1, max_retries + 2):
                if attempt > 1 and self._stopping.wait(backoff(attempt - 1)):
                    return Delivery(False, attempt - 1, STOPPING)
                try:
                    response = client.post(url, data=form, headers=headers)
                except httpx.HTTPError as err:
                    error = f"{type(err).__name__}: {err}"
                    continue
                if response.is_success:
                    return Delivery(True, attempt)
                error = f"HTTP {response.status_code}"
                if response.status_code < 500 and response.status_code not in RETRY_STATUSES:
                    return Delivery(False, attempt, error)
        return Delivery(False, max_retries + 1, error)
