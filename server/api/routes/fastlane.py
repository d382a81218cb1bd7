"""The lean lane of the prediction routes: a pure ASGI handler before FastAPI's routing.

A single-row prediction answered from the cache takes tens of microseconds in the serving
layer, but FastAPI's routing, dependency resolution and response classes cost about as much as
a whole in-process scikit-learn call. `PredictFastLane` (an ASGI middleware, inside the body
size limit) answers the common requests itself: `POST /v1/models/{name}:predict` and Byzer's
`/model/predict` (GET, or POST), with a JSON object or urlencoded form body, at most one token,
an owner it may act as. It applies the same rules as the routes' dependencies
(`server.api.deps`): the token (Bearer header, ``access_token`` query or body field), the
``owner`` parameter (403 rules come from the same `acting_owner`), the owner's request rate
(429), then the same `ServingService` / `byzer.predict` calls and error answers as
`routes/models.py` and `routes/predict.py`.

Whenever the lane is not sure (no or a bad token, two tokens, a repeated header, another
content type such as multipart, a body that is not a JSON object, serving off), it hands the
request, body included, to the FastAPI app, whose route then gives the usual answer or error;
nothing is counted twice, since the lane takes from the owner's request rate only once it
answers. The FastAPI routes stay registered: the OpenAPI document describes these endpoints,
and they serve whatever the lane passes on.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from ...core.limits import replay
from ...errors import ApiError
from ...services.security import Identity, acting_owner, one_token, trusted_identity
from ...serving import byzer
from ...serving.models import ServingError
from ..deps import _apply_rate
from .models import api_error, prediction_body

BYZER_PATH = "/model/predict"
PREFIX = "/v1/models/"
SUFFIX = ":predict"
JSON_HEADERS = [(b"content-type", b"application/json")]


class PredictFastLane:
    """Answer the prediction routes without FastAPI's routing (see module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = _route(scope)
        if kind is None:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:  # the client went away while sending
            return
        try:
            done = await self._answer(kind, scope, body, send)
        except ApiError as err:  # the owner's request rate, or the route's own errors
            await _send_json(send, err.status, err.body(), err.headers)
            return
        if not done:
            await self.app(scope, replay(body, receive), send)

    async def _answer(self, kind: str, scope: Scope, body: bytes, send: Send) -> bool:
        """Answer the request; False (nothing sent) to hand it to the FastAPI route."""
        headers = _headers(scope)
        if headers is None:
            return False
        app = scope["app"]
        serving = getattr(app.state, "serving", None)
        runtime = app.state.runtime
        params = _params(scope, headers, body)
        if serving is None or params is None:
            return False
        identity = _identity(runtime, headers, scope, params)
        if identity is None:
            return False
        try:
            owner = acting_owner(identity, params.get("owner"))
        except ApiError:
            return False  # the route answers it (with the same message)
        _apply_rate(runtime, identity.owner)
        functions = runtime.engine.functions(owner)
        try:
            if kind == "byzer":
                answer: Any = await byzer.predict(serving, params, functions, owner)
            else:
                name = scope["path"][len(PREFIX) : -len(SUFFIX)]
                model = serving.model(name, functions, owner)
                if "instances" not in params:
                    raise ServingError(400, "invalid_request", 'the body needs "instances": [rows]')
                rows = await serving.predict(model, params["instances"])
                answer = prediction_body(name, model, rows)
        except ServingError as err:
            failure = api_error(err)
            await _send_json(send, failure.status, failure.body())
            return True
        await _send_json(send, 200, answer)
        return True


def _route(scope: Scope) -> str | None:
    """``v1`` for `POST /v1/models/{name}:predict`, ``byzer`` for `/model/predict`, else None."""
    if scope["type"] != "http":
        return None
    path, method = scope.get("path", ""), scope.get("method")
    if path == BYZER_PATH and method in ("GET", "POST"):
        return "byzer"
    if (
        method == "POST"
        and path.startswith(PREFIX)
        and path.endswith(SUFFIX)
        and len(path) > len(PREFIX) + len(SUFFIX)
        and "/" not in path[len(PREFIX) : -len(SUFFIX)]
    ):
        return "v1"
    return None


def _headers(scope: Scope) -> dict[bytes, bytes] | None:
    """The headers the lane reads; None when one of them is repeated."""
    found: dict[bytes, bytes] = {}
    for key, value in scope.get("headers", ()):
        if key in (b"authorization", b"content-type"):
            if key in found:
                return None
            found[key] = value
    return found


def _params(scope: Scope, headers: dict[bytes, bytes], body: bytes) -> dict[str, Any] | None:
    """Query parameters updated by the body's (a JSON object or urlencoded form fields), as
    `services.params.request_params` reads them; None for any other body."""
    query = scope.get("query_string", b"")
    params: dict[str, Any] = (
        dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True)) if query else {}
    )
    if scope.get("method") == "GET":
        return params
    ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    if ctype == b"application/json":
        try:
            data = orjson.loads(body)
        except ValueError:  # not JSON, or JSON orjson refuses (NaN, huge integers)
            return None
        if not isinstance(data, dict):
            return None
    elif ctype == b"application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        data = dict(parse_qsl(text, keep_blank_values=True))
    else:
        return None
    if not params:
        return data
    params.update(data)
    return params


def _identity(
    runtime: Any, headers: dict[bytes, bytes], scope: Scope, params: dict[str, Any]
) -> Identity | None:
    """The identity the request proves (None: let the route answer, e.g. 401)."""
    if not runtime.tokens.enabled:
        return trusted_identity(params.get("owner"))
    header = headers.get(b"authorization")
    bearer = None
    if header is not None:
        scheme, _, bearer = header.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not bearer:
            return None
    query = scope.get("query_string", b"")
    given = dict(parse_qsl(query.decode("latin-1"))).get("access_token") if query else None
    try:
        token = one_token(bearer, given, params.get("access_token"))
    except ApiError:
        return None
    if token is None:
        return None
    identity: Identity | None = runtime.tokens.identify(token)
    return identity


async def _read_body(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send_json(
    send: Send, status: int, value: Any, extra: dict[str, str] | None = None
) -> None:
    try:
        data = orjson.dumps(value)
    except TypeError:  # a value orjson does not know (e.g. a numpy scalar a model returned)
        data = json.dumps(value, separators=(",", ":")).encode()
    headers = [*JSON_HEADERS, (b"content-length", str(len(data)).encode())]
    if extra:
        headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
