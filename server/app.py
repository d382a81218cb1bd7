"""The FastAPI application: routers, error handlers, the body-size limit and the lifespan.

`create_app()` builds an app over an engine (given, or created by the lifespan from the loaded
configuration). The lifespan starts the `ServerRuntime` (Spark session, job history, job pool)
before the first request and stops it on shutdown.

Access: with owner tokens (`server.tokens`) or `server.access_token` set, every endpoint needs a
token except `/health` and the API description (`/openapi.json`, `/docs`, `/redoc`), which reveal
nothing about jobs or data; a request acts as its token's owner (docs/security.md).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from mlsql.errors import MLSQLError

from .api.docs_assets import add_local_docs
from .api.routes import console, health, jobs, metrics, model_cards, models, predict, scripts
from .api.routes.fastlane import PredictFastLane
from .core.config import resolve_config
from .core.limits import BodySizeLimit
from .core.runtime import ServerRuntime
from .errors import ApiError, error_dict, http_status

if TYPE_CHECKING:
    from mlsql.config import ServerSettings, ServingSettings
    from mlsql.engine import Engine

    from .serving.service import ServingService

log = logging.getLogger("mlsql.server")

DESCRIPTION = """Run MLSQL scripts on Spark: synchronously, or in the background with a callback;
list, inspect and cancel jobs (history kept across restarts). MLSQL-compatible `/run/script`,
`/runningjobs` and `/killjob`. When the server has tokens, send yours as
`Authorization: Bearer <token>` or `access_token` (all endpoints but /health and this document);
a request acts only as its token's owner and sees only that owner's jobs and models.
"""


def create_app(
    engine: Engine | None = None,
    settings: ServerSettings | None = None,
    db_path: str | Path | None = None,
    *,
    owns_engine: bool | None = None,
) -> FastAPI:
    """The REST app.

    Args:
        engine: the engine to serve; None creates one from the configuration at start-up.
        settings: server settings; default `engine.config.server` (or the loaded configuration's).
        db_path: the job history's SQLite file; default `<work_dir>/server/jobs.sqlite3`.
        owns_engine: stop the engine (and Spark) at shutdown; default: only if the app made it.

    Returns:
        The FastAPI application (its lifespan starts and stops the runtime).
    """
    config = resolve_config(engine, settings, db_path)
    owns = owns_engine if owns_engine is not None else engine is None
    runtime = ServerRuntime(config, engine, owns)
    app = FastAPI(
        title="MLSQL for Python",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=_lifespan,
        docs_url=None,  # served by add_local_docs, with local JavaScript and CSS
        redoc_url=None,
    )
    add_local_docs(app)
    app.state.runtime = runtime
    app.add_middleware(PredictFastLane)  # inside the size limit: /v1/models/…:predict, lean
    app.add_middleware(BodySizeLimit, max_bytes=config.settings.max_request_bytes)
    _add_error_handlers(app)
    for module in (scripts, jobs, health, console, model_cards):
        app.include_router(module.router)
    for module in (predict, models, metrics):  # model serving (mlsql.server.serving)
        app.include_router(module.router)
    app.include_router(console.page)  # the console's page and files (public, no data)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the runtime (engine, Spark, history, pool) before serving; stop it after."""
    runtime: ServerRuntime = app.state.runtime
    app.state.serving = None
    await run_in_threadpool(runtime.start)
    log.info("MLSQL server ready (history %s)", runtime.config.db_path)
    try:
        app.state.serving = await _start_serving(runtime.config.engine_config.serving)
        # Everything loaded so far (engine, Spark's Python side, routes) lives as long as the
        # server: moved out of the garbage collector's generations, a full collection no
        # longer walks it while requests wait (tens of ms at the tail of serving latency).
        gc.freeze()
        yield
    finally:
        await run_in_threadpool(runtime.stop)
        if app.state.serving is not None:
            await app.state.serving.stop()


async def _start_serving(settings: ServingSettings) -> ServingService | None:
    """The model workers of `/model/predict` and `/v1/models` (None when serving is off)."""
    if not settings.enabled:
        return None
    from .serving.service import ServingService

    return await ServingService(settings).start()


def _add_error_handlers(app: FastAPI) -> None:
    """Every error answers JSON `{code, message, …}` (see `mlsql.server.errors`)."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError) -> JSONResponse:
        """An ApiError as its status and JSON body."""
        return JSONResponse(err.body(), status_code=err.status, headers=err.headers)

    @app.exception_handler(MLSQLError)
    async def engine_error(request: Request, err: MLSQLError) -> JSONResponse:
        """An engine error raised outside a job (e.g. analyze): 400, or 500 for faults."""
        body = error_dict(err)
        if not err.user_facing:
            body["code"] = "internal"
        return JSONResponse(body, status_code=http_status(body))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        """FastAPI's parameter validation failures as 400 invalid_request."""
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in err.errors()
        ]
        body = {"code": "invalid_request", "message": "invalid parameters", "errors": problems}
        return JSONResponse(body, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        """Starlette's HTTP errors (unknown path, wrong method) in our JSON shape."""
        code = "not_found" if err.status_code == 404 else "http_error"
        return JSONResponse(
            {"code": code, "message": str(err.detail)},
            status_code=err.status_code,
            headers=getattr(err, "headers", None),
        )

    @app.exception_handler(Exception)
    async def fault(request: Request, err: Exception) -> JSONResponse:
        """Anything unexpected: 500 with the internal error shape (logged)."""
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_dict(err), status_code=500)
