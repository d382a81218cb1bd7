"""Job management: MLSQL's `/runningjobs` and `/killjob`, and the job history under `/jobs`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from ...schemas import JobList, JobStatus, JobView, KillRequest, KillResponse, RunningJob
from ...services import jobs
from ..deps import Authorized, CurrentIdentity, Params, Runtime
from ..openapi import error_responses, request_body

router = APIRouter(
    tags=["jobs"], dependencies=[Authorized], responses=error_responses(401, 403, 429)
)

JobId = Annotated[str, Path(description="The job id (`jobId` of /run/script).")]


@router.get("/runningjobs", summary="Queued and running jobs (MLSQL)")
def running_jobs(runtime: Runtime, identity: CurrentIdentity) -> dict[str, RunningJob]:
    """Jobs not yet ended, keyed by group id (the caller's own; an admin sees all)."""
    return jobs.running_jobs(runtime, identity)


@router.post(
    "/killjob",
    summary="Cancel jobs by group id or job name (MLSQL)",
    responses=error_responses(400, 404),
    openapi_extra=request_body(KillRequest, "Which job(s) to kill."),
)
def kill_job(params: Params, runtime: Runtime, identity: CurrentIdentity) -> KillResponse:
    """Cancel the job with `groupId`, or the jobs named `jobName` (of `owner`, if given)."""
    return jobs.kill_jobs(params, runtime, identity)


@router.get("/jobs", summary="The job history, newest first")
def list_jobs(
    runtime: Runtime,
    identity: CurrentIdentity,
    owner: Annotated[str | None, Query(description="Only this owner's jobs.")] = None,
    status: Annotated[JobStatus | None, Query(description="Only jobs in this status.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size.")] = 100,
    offset: Annotated[int, Query(ge=0, description="Jobs to skip.")] = 0,
) -> JobList:
    """Jobs past and present (kept across restarts)."""
    return jobs.list_jobs(runtime, owner, status, limit, offset, identity)


@router.get("/jobs/{job_id}", summary="One job", responses=error_responses(404))
def get_job(job_id: JobId, runtime: Runtime, identity: CurrentIdentity) -> JobView:
    """Status, statement i of n, training progress, error and timings of a job."""
    return jobs.get_job(job_id, runtime, identity)


@router.get(
    "/jobs/{job_id}/result",
    summary="The result of a finished async job",
    responses=error_responses(404),
)
def job_result(job_id: JobId, runtime: Runtime, identity: CurrentIdentity) -> Any:
    """The JSON the job's callback got as `res` (kept for async jobs that succeeded)."""
    return jobs.job_result(job_id, runtime, identity)


@router.delete("/jobs/{job_id}", summary="Cancel a job", responses=error_responses(404, 409))
def cancel_job(job_id: JobId, runtime: Runtime, identity: CurrentIdentity) -> JobView:
    """Cancel a queued or running job (its Spark jobs and training workers stop)."""
    return jobs.cancel_job(job_id, runtime, identity)
