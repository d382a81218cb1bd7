"""Byzer's `/model/predict` (GET or POST form fields): registered functions without Spark.

Parameters: ``dataType`` (vector | row | string), ``data`` (a JSON array), ``vecType=sparse``
with ``vecSize``, ``sql`` (``select f(feature) as p``) or ``pipeline`` (``a,b,c``), ``owner``;
``context.*`` (Byzer's session context) is accepted and ignored. The answer is a JSON array with
one object per row. See `mlsql.server.serving.byzer`.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from ...serving import byzer
from ...serving.models import ServingError
from ..deps import Authorized, Owner, Params, Runtime
from ..openapi import error_responses
from .models import Serving, api_error, json_response, owner_functions

router = APIRouter(tags=["models"], dependencies=[Authorized])

FORM = {
    "type": "object",
    "properties": {
        "dataType": {"type": "string", "enum": list(byzer.DATA_TYPES), "default": "vector"},
        "data": {"type": "string", "description": "A JSON array, one element per row."},
        "vecType": {"type": "string", "enum": ["dense", "sparse"]},
        "vecSize": {"type": "integer"},
        "sql": {"type": "string", "example": "select f(feature) as p"},
        "pipeline": {"type": "string", "example": "a,b,c"},
        "owner": {"type": "string", "default": "admin"},
        "context.<name>": {
            "type": "string",
            "description": "Byzer's session context: accepted and ignored (nothing here reads it).",
        },
    },
    "required": ["data"],
}
BODY = {
    "requestBody": {
        "content": {
            media: {"schema": FORM}
            for media in ("application/x-www-form-urlencoded", "multipart/form-data")
        }
    }
}


@router.api_route(
    "/model/predict",
    methods=["GET", "POST"],
    summary="Byzer's API serving mode: a select over registered model functions",
    response_model=None,
    responses=error_responses(400, 401, 404, 413, 500, 503),
    openapi_extra=BODY,
)
async def model_predict(
    params: Params, runtime: Runtime, serving: Serving, owner: Owner
) -> Response:
    """One JSON object per row of ``data``, keyed by the select's aliases."""
    try:
        rows = await byzer.predict(serving, params, owner_functions(runtime, owner), owner)
    except ServingError as err:
        raise api_error(err) from None
    return json_response(rows)
