"""Request parameters from the query string, form fields (urlencoded or multipart) or a JSON body.

MLSQL clients post form fields; others post JSON. Both land in one flat dict (body over query
string), read once per request and cached on `request.state`. `context.<name>` fields become the
`context` dict (script variables).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from ..errors import ApiError

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CONTEXT_PREFIX = "context."

M = TypeVar("M", bound=BaseModel)


async def request_params(request: Request) -> dict[str, Any]:
    """Every parameter of the request as one dict (cached on the request)."""
    cached = getattr(request.state, "params", None)
    if cached is not None:
        return dict(cached)
    params: dict[str, Any] = dict(request.query_params)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        params.update(await _body_params(request))
    request.state.params = params
    return dict(params)


async def _body_params(request: Request) -> dict[str, Any]:
    """The body's parameters by content type (JSON object, form fields)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype in FORM_TYPES:
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}
    body = await request.body()
    if not body.strip():
        return {}
    if ctype == "application/json" or body.lstrip()[:1] == b"{":
        return _json_object(body)
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _json_object(body: bytes) -> dict[str, Any]:
    """A JSON body that must be an object."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ApiError(400, "invalid_request", f"request body is not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_request", "the JSON body must be an object")
    return data


def gather_context(params: dict[str, Any]) -> dict[str, Any]:
    """Move `context.<name>` fields (and a `context` object or JSON string) into `context`."""
    context: dict[str, str] = {}
    given = params.pop("context", None)
    if isinstance(given, str) and given.strip():
        try:
            given = json.loads(given)
        except json.JSONDecodeError:
            raise ApiError(400, "invalid_request", "context must be a JSON object") from None
    if isinstance(given, dict):
        context.update({str(k): str(v) for k, v in given.items()})
    for key in [k for k in params if k.startswith(CONTEXT_PREFIX)]:
        context[key[len(CONTEXT_PREFIX) :]] = str(params.pop(key))
    params["context"] = context
    return params


def validate(model: type[M], params: dict[str, Any]) -> M:
    """The model built from `params`; 400 listing every invalid field otherwise."""
    try:
        return model.model_validate(params)
    except ValidationError as err:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in err.errors()
        ]
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        raise ApiError(400, "invalid_request", summary, errors=problems) from None
