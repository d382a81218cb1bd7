"""`/run/script`: validate the request, then analyze, run and wait, or run in the background.

Checks that cost nothing come first (parameters, callback URL), so a refused request never
takes a pool slot. Sync requests wait for their job without blocking the event loop.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from mlsql.errors import MLSQLError

from ..core.runtime import ServerRuntime
from ..errors import ApiError, error_dict, http_status
from ..schemas import AsyncAccepted, ScriptRequest
from .params import gather_context, validate
from .records import Outcome
from .security import Identity, validate_callback


def script_request(
    params: dict[str, Any], runtime: ServerRuntime, identity: Identity | None = None
) -> ScriptRequest:
    """The validated request (400 on bad parameters or a callback the server refuses; 403 for
    the shared session when owners have tokens and the caller is not an admin)."""
    req = validate(ScriptRequest, gather_context(dict(params)))
    if identity is not None and identity.authenticated and not identity.admin:
        if not req.session_per_user and not req.session_per_request:
            raise ApiError(
                403,
                "shared_session",
                "forbidden by rule 'shared_session': sessionPerUser=false would share one "
                "session with every owner",
            )
    if req.callback is not None:
        validate_callback(req.callback, runtime.settings.callback_allowlist)
    if req.callback is not None and not req.run_async:
        raise ApiError(400, "invalid_request", "callback needs async=true")
    return req


async def run_script(
    params: dict[str, Any], runtime: ServerRuntime, identity: Identity | None = None
) -> Response:
    """Answer a `/run/script` request (`params["owner"]` is the owner it acts as)."""
    req = script_request(params, runtime, identity)
    if req.execute_mode == "analyze":
        return await _analyze(req, runtime)
    record = runtime.runner.submit(req)
    if req.run_async:
        accepted = AsyncAccepted(jobId=record.id, groupId=record.job.group_id)
        return JSONResponse(accepted.model_dump(by_alias=True))
    outcome = await asyncio.wrap_future(record.future)
    return outcome_response(outcome)


def outcome_response(outcome: Outcome) -> Response:
    """The HTTP answer of a finished sync job."""
    if outcome.status != "succeeded":
        return JSONResponse(outcome.error, status_code=outcome.http_status)
    if outcome.body is None:
        return Response(status_code=200)
    return JSONResponse(outcome.body)


async def _analyze(req: ScriptRequest, runtime: ServerRuntime) -> Response:
    """`executeMode=analyze`: the parsed statements as JSON; nothing runs."""
    try:
        statements = await run_in_threadpool(runtime.engine.analyze, req.sql)
    except MLSQLError as err:
        error = error_dict(err)
        return JSONResponse(error, status_code=http_status(error))
    return JSONResponse(statements)
