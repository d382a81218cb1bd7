"""Delivers an async job's callback: a form POST with `stat`, `res` or `msg`, and `jobInfo`.

Delivery runs on a small thread pool of its own, so a slow receiver never holds a script slot.
Failed attempts (connection errors, 5xx, 408, 429) are retried up to `maxRetries` times with
exponential backoff (0.5 s, 1 s, 2 s, … capped at 30 s). Redirects are not followed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

from .records import ServerJob
from .views import job_info

log = logging.getLogger("mlsql.server.callbacks")

RETRY_STATUSES = frozenset({408, 429})
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 30.0
REQUEST_TIMEOUT_S = 10.0


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


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number `attempt` (1-based)."""
    return float(min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempt - 1)))


class CallbackSender:
    """Posts callbacks on a thread pool, with retries; `stop()` cuts pending backoffs short."""

    def __init__(self, on_done: Callable[[ServerJob, Delivery], None], workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mlsql-callback")
        self._stopping = threading.Event()
        self._on_done = on_done

    def send(self, record: ServerJob) -> None:
        """Schedule the callback of a finished job."""
        self._pool.submit(self._deliver_and_report, record)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop retrying and wait (up to `timeout_s`) for attempts in flight."""
        self._stopping.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.time() + timeout_s
        for thread in list(getattr(self._pool, "_threads", ())):
            thread.join(max(0.0, deadline - time.time()))

    def _deliver_and_report(self, record: ServerJob) -> None:
        """Deliver a job's callback and report the delivery."""
        req = record.request
        assert req.callback is not None
        try:
            delivery = self.deliver(
                req.callback, callback_form(record), req.callback_header, req.max_retries
            )
        except Exception as err:  # e.g. a header httpx refuses: report it, never lose it
            delivery = Delivery(False, 1, f"{type(err).__name__}: {err}")
        if not delivery.delivered:
            log.warning("callback of job %s not delivered: %s", record.id, delivery.last_error)
        self._on_done(record, delivery)

    def deliver(
        self, url: str, form: dict[str, str], headers: dict[str, str], max_retries: int
    ) -> Delivery:
        """POST `form` to `url`, retrying failures with backoff; never raises."""
        error = ""
        with httpx.Client(timeout=REQUEST_TIMEOUT_S, follow_redirects=False) as client:
            for attempt in range(1, max_retries + 2):
                if attempt > 1 and self._stopping.wait(backoff(attempt - 1)):
                    return Delivery(False, attempt - 1, "server stopping")
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
