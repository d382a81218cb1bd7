"""Turns job records (live `ServerJob`s and history rows) into the API's views."""

from __future__ import annotations

import json
from typing import Any

from ..schemas import JobView, Progress, RunningJob
from .records import ServerJob, ms


def progress_view(progress: dict[str, Any]) -> Progress:
    """MLSQL's progress shape from the engine's `Job.progress()`."""
    return Progress(
        totalJob=int(progress.get("statements", 0)),
        currentJobIndex=int(progress.get("statement", 0)),
        kind=str(progress.get("kind", "")),
        training=dict(progress.get("training", {})),
        elapsedSeconds=float(progress.get("elapsedSeconds", 0.0)),
    )


def running_job(record: ServerJob) -> RunningJob:
    """The `/runningjobs` entry (MLSQLJobInfo) of a live job."""
    start = record.started_at or record.submitted_at
    progress = record.progress()
    if record.started_at is None:
        progress["elapsedSeconds"] = 0.0
    return RunningJob(
        owner=record.request.owner,
        jobType="script",
        jobName=record.job.name,
        jobContent=record.request.sql,
        groupId=record.job.group_id,
        jobId=record.id,
        status=record.status,  # type: ignore[arg-type]
        progress=progress_view(progress),
        startTime=ms(start) or 0,
        timeout=record.request.timeout,
    )


def job_view(row: dict[str, Any]) -> JobView:
    """A history view from a stored record (or a live `ServerJob.snapshot()`)."""
    started, finished = row["started_at"], row["finished_at"]
    return JobView(
        jobId=row["id"],
        groupId=row["group_id"],
        owner=row["owner"],
        jobName=row["name"],
        status=row["status"],
        **{"async": bool(row["is_async"])},
        statement=row["statement_index"] or 0,
        statements=row["statement_count"] or 0,
        progress=json.loads(row["progress"]) if row["progress"] else {},
        error=json.loads(row["error"]) if row["error"] else None,
        timeout=row["timeout_ms"],
        submittedAt=row["submitted_at"],
        startedAt=started,
        finishedAt=finished,
        queuedMs=(started or finished or row["submitted_at"]) - row["submitted_at"]
        if (started or finished)
        else None,
        runMs=finished - started if (started and finished) else None,
        resultRows=row["result_rows"],
        callback=row["callback"],
        callbackStatus=row["callback_status"],
        sql=row["sql"],
    )


def job_info(record: ServerJob) -> dict[str, Any]:
    """The callback's `jobInfo`: the MLSQLJobInfo of the job plus how it ended."""
    info = running_job(record).model_dump(by_alias=True)
    info.update(
        status=record.status,
        finishTime=ms(record.finished_at),
        error=record.outcome.error if record.outcome else None,
    )
    return info


def job_info_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """The callback's `jobInfo` of a job known only from its history row (after a restart)."""
    progress = json.loads(row["progress"]) if row["progress"] else {}
    info = RunningJob(
        owner=row["owner"],
        jobType="script",
        jobName=row["name"],
        jobContent=row["sql"],
        groupId=row["group_id"],
        jobId=row["id"],
        status="running",
        progress=progress_view(progress),
        startTime=row["started_at"] or row["submitted_at"] or 0,
        timeout=row["timeout_ms"],
    ).model_dump(by_alias=True)
    info.update(
        status=row["status"],
        finishTime=row["finished_at"],
        error=json.loads(row["error"]) if row["error"] else None,
    )
    return info
