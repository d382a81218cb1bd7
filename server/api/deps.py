"""Dependencies the routes share: the runtime, the request's parameters, identity and owner.

Stable names other routers use (serving routes included):

- `Authorized` — router-level guard: the request's identity is resolved (401 without a valid
  token when tokens are configured), the owner's request rate applied (429 + Retry-After), and
  an `owner` parameter (query, form or JSON field) naming another owner refused (403
  `owner_mismatch`) unless the token is an admin's — for every route behind it.
- `CurrentIdentity` — the `Identity` (owner, admin role) the token proves.
- `Owner` — the owner the request acts as: its token's, or the `owner` parameter when that is
  the same owner or the token is an admin's (else 403, rule `owner_mismatch`).
- `AdminIdentity` — the identity, 403 unless it has the admin role.
- `require_visible(identity, owner, kind, key)` — 404 for another owner's job, model, function.

A token is sent as `Authorization: Bearer <token>`, as the `access_token` query parameter, or as
an `access_token` form/JSON field; two different tokens in one request are refused (401), as
are repeated Authorization headers.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..core.limits import retry_after_header
from ..core.runtime import ServerRuntime
from ..errors import ApiError
from ..services.params import request_params
from ..services.security import (
    Identity,
    acting_owner,
    not_visible,
    one_token,
    trusted_identity,
    unauthorized,
)


async def get_runtime(request: Request) -> ServerRuntime:
    """The app's runtime (engine, history, pool); async, so FastAPI calls it in the event loop
    rather than through a worker thread (a thread hop per request)."""
    runtime: ServerRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[ServerRuntime, Depends(get_runtime)]


async def get_params(request: Request) -> dict[str, Any]:
    """Every parameter of the request (query string, form fields or JSON body)."""
    return await request_params(request)


Params = Annotated[dict[str, Any], Depends(get_params)]


bearer_scheme = HTTPBearer(
    auto_error=False,
    description="An owner's token (`server.tokens`) or the server's `server.access_token`.",
)


async def _given_token(
    request: Request, credentials: HTTPAuthorizationCredentials | None, query: str | None
) -> str | None:
    """The one token a request carries (401 when it carries two different ones)."""
    if len(request.headers.getlist("authorization")) > 1:
        raise unauthorized("send one Authorization header")
    if request.headers.get("authorization") and credentials is None:
        raise unauthorized("the Authorization header must be `Bearer <token>`")
    field = (await request_params(request)).get("access_token")
    return one_token(credentials.credentials if credentials is not None else None, query, field)


async def get_identity(
    request: Request,
    runtime: Runtime,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    access_token: Annotated[
        str | None, Query(description="The access token, when not sent as a Bearer header.")
    ] = None,
) -> Identity:
    """The request's identity (401 without a valid token when tokens are configured; 429 over
    the owner's request rate)."""
    cached = getattr(request.state, "identity", None)
    if isinstance(cached, Identity):
        return cached
    if runtime.tokens.enabled:
        identity = runtime.tokens.identify(await _given_token(request, credentials, access_token))
        if identity is None:
            raise unauthorized()
    else:  # no tokens: loopback callers are trusted and act as the owner they name
        identity = trusted_identity((await request_params(request)).get("owner"))
    _apply_rate(runtime, identity.owner)
    # Whatever route reads it, an `owner` parameter naming someone else is refused here.
    acting_owner(identity, (await request_params(request)).get("owner"))
    request.state.identity = identity
    return identity


def _apply_rate(runtime: ServerRuntime, owner: str) -> None:
    """429 with Retry-After when `owner` is over its `requests_per_minute`."""
    per_minute = runtime.security.policy_for(owner).requests_per_minute
    wait = runtime.rate.retry_after(owner, per_minute)
    if wait is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"forbidden by rule 'request_rate': owner '{owner}' may send {per_minute} "
            "requests per minute",
            headers=retry_after_header(wait),
        )


CurrentIdentity = Annotated[Identity, Depends(get_identity)]
Authorized = Depends(get_identity)


async def get_owner(request: Request, identity: CurrentIdentity) -> str:
    """The owner the request acts as (403 `owner_mismatch` for another owner, unless admin)."""
    return acting_owner(identity, (await request_params(request)).get("owner"))


Owner = Annotated[str, Depends(get_owner)]


def get_admin(identity: CurrentIdentity) -> Identity:
    """The identity, when it has the admin role (403 otherwise)."""
    if not identity.admin:
        raise ApiError(
            403, "admin_only", "forbidden by rule 'admin_only': this needs an admin's token"
        )
    return identity


AdminIdentity = Annotated[Identity, Depends(get_admin)]


def require_visible(identity: Identity, owner: str, kind: str, key: str) -> None:
    """404 (existence not revealed) unless `identity` may see `owner`'s `kind` named `key`."""
    if not identity.may_act_for(owner):
        raise not_visible(kind, key)
