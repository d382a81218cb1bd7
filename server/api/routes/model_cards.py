"""`GET /models/card?path=…[&version=…]`: a stored model's card as JSON (`mlsql.models.insight.card`).

The path is checked as a script's would be for the acting owner (`deps.Owner`): under the
owner's path roots (`security.allowed_path_roots`, 403 `path_sandbox` outside them). A path
holding no model answers 404 `model_not_found`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from ...errors import ApiError
from ..deps import Authorized, Owner, Runtime
from ..openapi import error_responses

router = APIRouter(
    tags=["models"], dependencies=[Authorized], responses=error_responses(401, 403, 429)
)


@router.get("/models/card", summary="A stored model's card", responses=error_responses(404))
def model_card(
    runtime: Runtime,
    owner: Owner,
    path: str = Query(..., description="the model path, as in `train … as Alg.`path``"),
    version: str = Query("latest", description="the version described (latest, best or a number)"),
) -> dict[str, Any]:
    """Inputs and their kinds, featurisation, classes, outputs, and per version the metrics,
    training time, rows seen and lineage."""
    from mlsql.engine.sandbox import Sandbox
    from mlsql.errors import AnalysisError
    from mlsql.models.insight.card import model_card as card_of

    config = runtime.engine.config
    sandbox = Sandbox.for_run(config, owner, config.security.policy_for(owner))
    checked = sandbox.check_path(path, "model path")
    try:
        return card_of(checked, version)
    except AnalysisError as err:
        raise ApiError(404, "model_not_found", err.message) from err
