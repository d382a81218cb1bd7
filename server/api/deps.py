"""Dependencies the routes share: the runtime, the request's parameters, the access check.

`Authorized` guards every router except health and the OpenAPI document: when
`server.access_token` is set, a request needs it as `Authorization: Bearer <token>`, as the
`access_token` query parameter, or as an `access_token` form/JSON field.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..core.runtime import ServerRuntime
from ..services.params import request_params
from ..services.security import require_token


def get_runtime(request: Request) -> ServerRuntime:
    """The app's runtime (engine, history, pool)."""
    runtime: ServerRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[ServerRuntime, Depends(get_runtime)]


async def get_params(request: Request) -> dict[str, Any]:
    """Every parameter of the request (query string, form fields or JSON body)."""
    return await request_params(request)


Params = Annotated[dict[str, Any], Depends(get_params)]


bearer_scheme = HTTPBearer(
    auto_error=False, description="The server's access token (when `server.access_token` is set)."
)


async def check_access(
    request: Request,
    runtime: Runtime,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    access_token: Annotated[
        str | None, Query(description="The access token, when not sent as a Bearer header.")
    ] = None,
) -> None:
    """Refuse the request with 401 unless it carries the access token (when one is set)."""
    expected = runtime.settings.access_token
    if not expected:
        return
    given = credentials.credentials if credentials is not None else access_token
    if given is None:
        value = (await request_params(request)).get("access_token")
        given = value if isinstance(value, str) else None
    require_token(expected, given)


Authorized = Depends(check_access)
