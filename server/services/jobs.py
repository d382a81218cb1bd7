"""Job management: MLSQL's `/runningjobs` and `/killjob`, and the history views of `/jobs`.

Live jobs are read from the pool (fresh progress); finished ones from the history.
"""

from __future__ import annotations

from typing import Any

from ..core.runtime import ServerRuntime
from ..errors import ApiError
from ..schemas import (
    JobList,
    JobView,
    KilledJob,
    KillRequest,
    KillResponse,
    RunningJob,
)
from .params import validate
from .records import ServerJob
from .security import Identity, acting_owner, not_visible
from .views import job_view, running_job

KILL_REASON = "killed by request"


def _sees(identity: Identity | None, owner: str) -> bool:
    return identity is None or identity.may_act_for(owner)


def running_jobs(runtime: ServerRuntime, identity: Identity | None = None) -> dict[str, RunningJob]:
    """Queued and running jobs keyed by group id (MLSQL's shape), those the caller may see."""
    return {
        r.job.group_id: running_job(r)
        for r in runtime.runner.active()
        if _sees(identity, r.request.owner)
    }


def kill_jobs(
    params: dict[str, Any], runtime: ServerRuntime, identity: Identity | None = None
) -> KillResponse:
    """Cancel the jobs a `/killjob` request names (the caller's own); 404 if none matches."""
    req = validate(KillRequest, params)
    if not req.group_id and not req.job_name:
        raise ApiError(400, "invalid_request", "give groupId or jobName")
    if identity is not None and req.owner is not None:
        acting_owner(identity, req.owner)
    matches = [
        r for r in runtime.runner.active() if _matches(r, req) and _sees(identity, r.request.owner)
    ]
    if not matches:
        raise ApiError(404, "not_found", "no queued or running job matches")
    killed = [_kill(r, runtime) for r in matches]
    return KillResponse(killed=killed)


def _matches(record: ServerJob, req: KillRequest) -> bool:
    """Whether a live job is the one a kill request names."""
    if req.group_id:
        return req.group_id in (record.job.group_id, record.id)
    same_owner = req.owner is None or record.request.owner == req.owner
    return same_owner and record.job.name == req.job_name


def _kill(record: ServerJob, runtime: ServerRuntime) -> KilledJob:
    """Cancel one live job; what the kill answer lists for it."""
    status = record.status
    runtime.runner.cancel(record, KILL_REASON)
    return KilledJob(
        jobId=record.id,
        groupId=record.job.group_id,
        jobName=record.job.name,
        status=status,  # type: ignore[arg-type]
    )


def list_jobs(
    runtime: ServerRuntime,
    owner: str | None,
    status: str | None,
    limit: int,
    offset: int,
    identity: Identity | None = None,
) -> JobList:
    """A page of the history, newest first, live jobs with fresh progress (a non-admin sees
    only its own jobs; naming another owner is 403)."""
    if identity is not None and not identity.admin:
        owner = acting_owner(identity, owner)
    rows, total = runtime.history.list(owner=owner, status=status, limit=limit, offset=offset)
    return JobList(jobs=[_fresh(row, runtime) for row in rows], total=total)


def get_job(job_id: str, runtime: ServerRuntime, identity: Identity | None = None) -> JobView:
    """One job; 404 if unknown or another owner's."""
    live = runtime.runner.get(job_id)
    row = live.snapshot() if live is not None else runtime.history.get(job_id)
    if row is None or not _sees(identity, str(row["owner"])):
        if identity is None:
            raise ApiError(404, "not_found", f"no job {job_id}")
        raise not_visible("job", job_id)  # the same answer for unknown and not yours
    return job_view(row)


def cancel_job(job_id: str, runtime: ServerRuntime, identity: Identity | None = None) -> JobView:
    """Cancel a queued or running job; 409 if it has ended, 404 if unknown or not the caller's."""
    view = get_job(job_id, runtime, identity)
    live = runtime.runner.get(job_id)
    if live is None:
        raise ApiError(409, "finished", f"job {job_id} has already ended ({view.status})")
    runtime.runner.cancel(live, KILL_REASON)
    return job_view(live.snapshot())


def job_result(job_id: str, runtime: ServerRuntime, identity: Identity | None = None) -> Any:
    """The stored result of a finished async job; 404 if none was kept or not the caller's."""
    view = get_job(job_id, runtime, identity)
    found, result = runtime.history.result(job_id)
    if not found:
        raise ApiError(404, "not_found", f"no job {job_id}")
    if result is None:
        raise ApiError(404, "no_result", f"job {job_id} has no stored result ({view.status})")
    return result


def _fresh(row: dict[str, Any], runtime: ServerRuntime) -> JobView:
    """The view of a history row, from the live job when it still runs."""
    live = runtime.runner.get(row["id"])
    return job_view(live.snapshot() if live is not None else row)
