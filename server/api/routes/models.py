"""Model serving in the TF-Serving/KServe v1 form: `/v1/models…` (and the shared dependencies).

`POST /v1/models/{name}:predict` with ``{"instances": [...]}`` (rows as objects or arrays)
answers ``{"predictions": [...]}``: per row the ``label`` (classifiers; ``prediction``
otherwise), the model's other outputs as its signature defines them for the Spark function
(`mlsql.models.signature`): a classifier's ``confidence`` (of the label) and ``probabilities``
(one per class, in the order of ``classes``), and ``probability`` of the positive class for a
binary model (its second class) or one registered with ``positiveClass`` (a multi-class model
without one has none); a clustering's ``distance``; and the ``version``. `GET /v1/models` and `/v1/models/{name}` describe the
models an owner can ask; `POST /v1/models/{name}/feedback` updates a selection policy.
Models are the functions registered in the acting owner's session (`deps.Owner`: the token's
owner, or ``owner`` when tokens allow it; ``admin`` by default, as for /run/script) and those of
``[serving.models]``. The work happens in `mlsql.server.serving`.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from ...errors import ApiError
from ...serving.models import ServingError
from ...serving.service import ServingService
from ..deps import Authorized, Owner, Params, Runtime
from ..openapi import error_responses

router = APIRouter(tags=["models"], dependencies=[Authorized])


async def get_serving(request: Request) -> ServingService:
    """The app's serving layer (503 when serving is off); async: no worker-thread hop."""
    serving: ServingService | None = getattr(request.app.state, "serving", None)
    if serving is None:
        raise ApiError(503, "serving_unavailable", "model serving is off (serving.enabled)")
    return serving


Serving = Annotated[ServingService, Depends(get_serving)]


def owner_functions(runtime: Runtime, owner: str) -> dict[str, Any]:
    """The model functions registered in the owner's session."""
    return runtime.engine.functions(owner)


def api_error(err: ServingError) -> ApiError:
    """A serving error as the server's error answer."""
    return ApiError(err.status, err.code, err.message)


def json_response(value: Any, status: int = 200) -> Response:
    """A JSON answer without FastAPI's encoder (the values are plain JSON already)."""
    return Response(json.dumps(value), status_code=status, media_type="application/json")


def prediction_body(name: str, model: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The answer of a prediction: ``{"predictions": [...], "model": name}``."""
    task = model.current.signature.task
    return {"predictions": [_prediction(r, task) for r in rows], "model": name}


def _prediction(row: dict[str, Any], task: str) -> dict[str, Any]:
    if task != "classification":
        return row
    out = {"label": row.get("prediction")}
    out.update((k, v) for k, v in row.items() if k != "prediction")
    return out


PREDICT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["instances"],
                    "properties": {
                        "instances": {
                            "type": "array",
                            "items": {"oneOf": [{"type": "object"}, {"type": "array"}]},
                        },
                        "owner": {"type": "string"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/v1/models/{name}:predict",
    summary="Predict rows with a served model",
    response_model=None,
    responses=error_responses(400, 401, 404, 413, 500, 503),
    openapi_extra=PREDICT_BODY,
)
async def predict(
    name: str, body: Params, runtime: Runtime, serving: Serving, owner: Owner
) -> Response:
    """``{"instances": [...]}`` → ``{"predictions": [...]}`` (label, probabilities, version)."""
    try:
        model = serving.model(name, owner_functions(runtime, owner), owner)
        if "instances" not in body:
            raise ServingError(400, "invalid_request", 'the body needs "instances": [rows]')
        rows = await serving.predict(model, body["instances"])
    except ServingError as err:
        raise api_error(err) from None
    return json_response(prediction_body(name, model, rows))


@router.get("/v1/models", summary="The models an owner can ask", response_model=None)
async def list_models(runtime: Runtime, serving: Serving, owner: Owner) -> Response:
    """Names, versions, input columns and types, outputs."""
    models = serving.models(owner_functions(runtime, owner), owner)
    return json_response({"models": [m.describe() for _, m in sorted(models.items())]})


@router.get(
    "/v1/models/{name}",
    summary="One served model",
    response_model=None,
    responses=error_responses(401, 404),
)
async def get_model(name: str, runtime: Runtime, serving: Serving, owner: Owner) -> Response:
    """Versions, inputs, outputs and the selection policy's state."""
    try:
        model = serving.model(name, owner_functions(runtime, owner), owner)
    except ServingError as err:
        raise api_error(err) from None
    return json_response({**model.describe(), "policy": serving.policy_state(model)})


@router.post(
    "/v1/models/{name}/feedback",
    summary="The true label of an answered query (updates Exp3/Exp4 weights)",
    response_model=None,
    responses=error_responses(400, 401, 404),
)
async def feedback(
    name: str, body: Params, runtime: Runtime, serving: Serving, owner: Owner
) -> Response:
    """``{"id": query id, "label": value (or "labels": [...]) or "reward": 0..1}``."""
    try:
        model = serving.model(name, owner_functions(runtime, owner), owner)
        if not body.get("id"):
            raise ServingError(400, "invalid_request", 'feedback needs the "id" of a prediction')
        label = body.get("labels", body.get("label"))
        state = serving.feedback(model, str(body["id"]), label, body.get("reward"))
    except ServingError as err:
        raise api_error(err) from None
    return json_response({"model": name, "policy": state})
