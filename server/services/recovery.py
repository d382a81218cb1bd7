"""What a starting server does about the jobs a previous server left behind.

Jobs it left queued or running are marked failed with code `server_restarted` (interrupted:
never "running" forever). Callbacks it owed are found in the history's outbox: those already
`pending` are sent again; those still `waiting` belong to jobs that ended without their form
being stored (the interrupted ones, or a crash between the two writes), so their form is built
from the job's row first. The runner sends the returned tasks once its pool is up.
"""

from __future__ import annotations

import logging

from .callbacks import CallbackTask, form_from_row
from .history import JobHistory

log = logging.getLogger("mlsql.server.recovery")

LIVE_STATUSES = ("queued", "running")


def recover(history: JobHistory) -> tuple[int, list[CallbackTask]]:
    """Mark interrupted jobs failed and collect the callbacks still owed.

    Args:
        history: the opened job history.

    Returns:
        How many jobs were interrupted, and the callbacks to send (oldest first).
    """
    interrupted = history.recover()
    if interrupted:
        log.warning("%d job(s) left running by a previous server marked failed", interrupted)
    for row in history.outbox("waiting"):
        job = history.get(row["job_id"])
        if job is None or job["status"] in LIVE_STATUSES:
            continue
        _, result = history.result(row["job_id"])
        history.queue_callback(row["job_id"], form_from_row(job, result))
    tasks = [CallbackTask.from_outbox(row) for row in history.outbox("pending")]
    if tasks:
        log.warning("%d callback(s) owed by a previous server will be sent", len(tasks))
    return interrupted, tasks
