"""OpenAPI fragments for endpoints that read their parameters by hand (form fields or JSON).

`/run/script` and `/killjob` accept MLSQL's form fields and JSON bodies alike, so their request
bodies are described here from the pydantic models rather than inferred from a signature.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..schemas import AsyncAccepted, ErrorBody

BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


def request_body(model: type[BaseModel], description: str) -> dict[str, Any]:
    """`openapi_extra` describing `model` as a JSON or form request body."""
    schema = model.model_json_schema(by_alias=True)
    content = {media: {"schema": schema} for media in BODY_TYPES}
    return {"requestBody": {"required": True, "description": description, "content": content}}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses` entries for error statuses, all with the ErrorBody shape."""
    meaning = {
        400: "Bad parameters, a refused callback, or a script error (with line and column).",
        401: "Missing or wrong access token.",
        403: "Refused by a security rule (another owner, the sandbox, a grant); names the rule.",
        404: "No such job.",
        408: "The script ran past its timeout and was cancelled.",
        409: "The job was cancelled (or has already ended).",
        413: "Request body larger than `max_request_bytes`.",
        429: "The job queue (or the owner's share of it, or its request rate) is full; see Retry-After.",
        500: "An engine fault (not the script's).",
        503: "The server is stopping.",
    }
    return {status: {"model": ErrorBody, "description": meaning[status]} for status in statuses}


SCRIPT_RESULT: dict[str, Any] = {
    "description": (
        "Sync: the last table as a JSON array of rows (with includeSchema "
        '`{"schema": …, "data": […]}`; an empty body with silence). Async: `{jobId, groupId}`. '
        "executeMode=analyze: the parsed statements."
    ),
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"type": "array", "items": {"type": "object"}},
                    {
                        "type": "object",
                        "properties": {
                            "schema": {"type": "object"},
                            "data": {"type": "array", "items": {"type": "object"}},
                        },
                    },
                    AsyncAccepted.model_json_schema(by_alias=True),
                ]
            }
        }
    },
}
