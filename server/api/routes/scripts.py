"""`POST /run/script`: run an MLSQL script (MLSQL's parameters, form fields or JSON)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ...schemas import ScriptRequest
from ...services import scripts
from ..deps import Authorized, CurrentIdentity, Owner, Params, Runtime
from ..openapi import SCRIPT_RESULT, error_responses, request_body

router = APIRouter(tags=["scripts"], dependencies=[Authorized])


@router.post(
    "/run/script",
    summary="Run a script, synchronously or in the background",
    response_model=None,
    responses={
        200: SCRIPT_RESULT,
        **error_responses(400, 401, 403, 408, 409, 413, 429, 500, 503),
    },
    openapi_extra=request_body(ScriptRequest, "MLSQL's /run/script parameters."),
)
async def run_script(
    params: Params, runtime: Runtime, identity: CurrentIdentity, owner: Owner
) -> Response:
    """Run `sql` as `owner`; sync answers the last table, async answers `{jobId, groupId}`."""
    return await scripts.run_script({**params, "owner": owner}, runtime, identity)
