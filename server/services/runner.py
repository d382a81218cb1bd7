"""The job pool: a bounded queue feeding `max_concurrent_jobs` worker threads over one engine.

`submit()` records a job (queued) and answers 429 when the queue (or the owner's share of it,
`max_queued_jobs` of its policy) is full, 503 while stopping. An owner runs at most its policy's
`max_concurrent_jobs` at once: a worker that takes a job of an owner at its limit parks it until
one of that owner's jobs ends (`OwnerSlots`), so one owner cannot hold every worker.
A watchdog thread enforces timeouts while a Spark action runs (the engine itself only checks
between statements): reading `Job.cancelled` past the deadline cancels the job, whose hooks stop
its Spark job group and training workers. Finished jobs are written to the history and, when
async with a callback URL, handed to the callback sender.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mlsql.engine import Job

from ..core.limits import OwnerSlots
from ..errors import ApiError, http_status
from ..schemas import ScriptRequest
from .callbacks import STOPPING, CallbackSender, CallbackTask, Delivery, callback_form
from .execution import STOPPED_REASON, cancel_spark_jobs, execute
from .history import JobHistory
from .records import Outcome, ServerJob

if TYPE_CHECKING:
    from mlsql.config import ServerSettings
    from mlsql.engine import Engine

log = logging.getLogger("mlsql.server.runner")

WATCH_INTERVAL_S = 0.2
RECANCEL_TICKS = 5  # every second


class JobRunner:
    """Runs submitted scripts on a bounded pool, tracks them and records them."""

    def __init__(self, engine: Engine, settings: ServerSettings, history: JobHistory) -> None:
        self.engine = engine
        self.history = history
        self._queue: queue.Queue[ServerJob] = queue.Queue()
        self._max_queued = settings.max_queued_jobs
        self._policy = engine.config.security.policy_for
        self._slots: OwnerSlots[ServerJob] = OwnerSlots(
            lambda owner: self._policy(owner).max_concurrent_jobs
        )
        self._workers_n = max(1, settings.max_concurrent_jobs)
        self._active: dict[str, ServerJob] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self._watchdog: threading.Thread | None = None
        self.callbacks = CallbackSender(self._callback_done)

    # --- lifecycle -------------------------------------------------------------------------
    def start(self, owed: list[CallbackTask] | None = None) -> None:
        """Start the worker threads and the watchdog; send the callbacks a previous server owed."""
        for task in owed or ():
            self.callbacks.send(task)
        for i in range(self._workers_n):
            self._threads.append(_spawn(self._work, f"mlsql-job-{i}"))
        self._watchdog = _spawn(self._watch, "mlsql-watchdog")

    def stop(self, timeout_s: float = 15.0) -> None:
        """Refuse new jobs, cancel the rest ("server stopped"), wait up to `timeout_s`."""
        self._stopping.set()
        for record in self.active():
            self.cancel(record, STOPPED_REASON)
        deadline = time.time() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.time()))
        self._stopped.set()
        if self._watchdog is not None:
            self._watchdog.join(max(0.0, deadline - time.time()))
        for record in self.active():  # still running after the wait: recorded as stopped
            self._complete(record, _cancelled_outcome(record, STOPPED_REASON))
        self.callbacks.stop(max(0.0, deadline - time.time()))

    # --- jobs ------------------------------------------------------------------------------
    def submit(self, request: ScriptRequest) -> ServerJob:
        """Queue a script; 429 when the queue is full, 503 while the server stops."""
        if self._stopping.is_set():
            raise ApiError(503, "unavailable", "the server is stopping")
        timeout_s = request.timeout / 1000 if request.timeout > 0 else None
        job = Job(owner=request.owner, name=request.job_name, timeout_s=timeout_s)
        job.name = job.name or job.id
        record = ServerJob(job=job, request=request)
        with record.lock:  # a worker cannot claim it before its "queued" row is written
            with self._lock:
                self._admit(request.owner)
                self._queue.put_nowait(record)
                self._active[record.id] = record
            self.history.save(record.snapshot())
            if request.run_async and request.callback:
                self.history.expect_callback(
                    record.id, request.callback, request.callback_header, request.max_retries
                )
        return record

    def _admit(self, owner: str) -> None:
        """429 when the queue, or `owner`'s share of it, is full (call under the lock)."""
        queued = [r for r in self._active.values() if r.status == "queued"]
        if len(queued) >= self._max_queued:
            raise ApiError(
                429, "busy", "too many jobs queued; retry later", headers={"Retry-After": "1"}
            )
        own_limit = self._policy(owner).max_queued_jobs
        if own_limit > 0 and sum(1 for r in queued if r.request.owner == owner) >= own_limit:
            raise ApiError(
                429,
                "busy",
                f"forbidden by rule 'owner_queue': owner '{owner}' may queue {own_limit} job(s)",
                headers={"Retry-After": "1"},
            )

    def active(self) -> list[ServerJob]:
        """Queued and running jobs, oldest first."""
        with self._lock:
            return sorted(self._active.values(), key=lambda r: r.submitted_at)

    def get(self, job_id: str) -> ServerJob | None:
        """A queued or running job by id."""
        with self._lock:
            return self._active.get(job_id)

    def counts(self) -> tuple[int, int]:
        """(running, queued) job counts."""
        records = self.active()
        running = sum(1 for r in records if r.status == "running")
        return running, len(records) - running

    def cancel(self, record: ServerJob, reason: str) -> None:
        """Cancel a job; a queued one ends at once, a running one when its engine notices."""
        record.job.cancel(reason)
        if record.status == "queued":
            self._complete(record, _cancelled_outcome(record, reason))

    # --- internals -------------------------------------------------------------------------
    def _work(self) -> None:
        """Worker thread: take jobs off the queue and run them until stopped."""
        while not (self._stopping.is_set() and self._queue.empty()):
            try:
                record = self._queue.get(timeout=WATCH_INTERVAL_S)
            except queue.Empty:
                continue
            owner = record.request.owner
            if not self._slots.try_start(owner):
                self._slots.park(owner, record)  # runs when one of the owner's jobs ends
                continue
            try:
                if not record.claim():
                    continue  # cancelled while it waited
                self.history.save(record.snapshot())
                try:
                    outcome = execute(self.engine, record)
                except Exception as err:  # execute reports everything; this is a last resort
                    log.exception("job %s", record.id)
                    outcome = Outcome("failed", error={"code": "internal", "message": str(err)})
                self._complete(record, outcome)
            finally:
                parked = self._slots.finish(owner)
                if parked is not None:
                    self._queue.put_nowait(parked)

    def _complete(self, record: ServerJob, outcome: Outcome) -> None:
        """Record the outcome, forget the job, send its callback."""
        if not record.finish(outcome):
            return
        with self._lock:
            self._active.pop(record.id, None)
        req = record.request
        if req.run_async and req.callback:
            record.callback_status = "pending"
        self.history.save(record.snapshot())
        if req.run_async and outcome.status == "succeeded":
            self.history.save_result(record.id, outcome.body)
        if req.run_async and req.callback:
            form = callback_form(record)
            if self.history.queue_callback(record.id, form):  # stored first: survives a crash
                task = CallbackTask(
                    record.id, req.callback, form, req.callback_header, req.max_retries
                )
                self.callbacks.send(task)

    def _callback_done(self, task: CallbackTask, delivery: Delivery) -> None:
        """Record the callback's delivery in the outbox and the job's row.

        One cut short because the server stops stays `pending`: the next server sends it.
        """
        if not delivery.delivered and delivery.last_error == STOPPING:
            return
        state = "delivered" if delivery.delivered else "failed"
        self.history.callback_done(task.job_id, state, delivery.attempts)

    def _watch(self) -> None:
        """Watchdog thread: cancel jobs past their timeout; repeat the Spark cancel of cancelled ones.

        `cancelJobGroup` stops only the Spark jobs running at that moment; a job submitted just
        after (the query was still being planned, a training launches its workers) would run on.
        So while a cancelled job has not ended, its group is cancelled again every second.
        """
        tick = 0
        while not self._stopped.wait(WATCH_INTERVAL_S):
            tick += 1
            for record in self.active():
                if record.status != "running":
                    continue
                if record.job.timeout_s is not None:
                    _ = record.job.cancelled  # past the deadline this cancels the job
                if record.job.cancel_reason is not None and tick % RECANCEL_TICKS == 0:
                    cancel_spark_jobs(self.engine, record.job)


def _spawn(target: Callable[[], None], name: str) -> threading.Thread:
    """A started daemon thread running `target`."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread


def _cancelled_outcome(record: ServerJob, reason: str) -> Outcome:
    """The outcome of a job cancelled before it started, or still running when the server stops."""
    code = "server_stopped" if reason == STOPPED_REASON else "cancelled"
    error: dict[str, Any] = {
        "code": code,
        "message": f"job {record.job.name} {reason}"
        + (" before it started" if record.started_at is None else ""),
        "statement": None,
        "line": None,
        "column": None,
        "hint": None,
        "errors": [],
    }
    status = "failed" if code == "server_stopped" else "cancelled"
    return Outcome(status, error=error, http_status=http_status(error))
