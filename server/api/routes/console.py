"""The web console: its page and files at `/console`, and the small JSON API it uses.

The page and its built files (`mlsql.server.console` `static/`) are public: they hold no data.
Everything under `/console/api` needs a token, checked by the API's own dependencies (`Authorized`,
and `Owner`: the token's owner, or the `owner` parameter for an admin); the event stream takes it
as the `access_token` parameter, since browsers cannot set headers on an EventSource. The console
acts for that one owner only: its notebooks, jobs, results and models.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...console import evaluation, models
from ...console.completion import completions
from ...console.curves import CurveRecorder, search_rounds
from ...console.events import job_events
from ...console.state import ConsoleState, console_state
from ...core.runtime import ServerRuntime
from ...errors import ApiError
from ...schemas import ScriptRequest
from ...services import jobs
from ...services.params import validate
from ...services.records import ServerJob
from ...services.scripts import outcome_response
from ..deps import Authorized, Owner, Runtime

STATIC_DIR = FilePath(__file__).resolve().parents[2] / "console" / "static"
STATIC_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
MAX_ROWS = 10_000

page = APIRouter(prefix="/console", tags=["console"], include_in_schema=False)
router = APIRouter(prefix="/console/api", tags=["console"], dependencies=[Authorized])


def _state(runtime: Runtime) -> ConsoleState:
    return console_state(runtime)


State = Annotated[ConsoleState, Depends(_state)]


class CheckBody(BaseModel):
    """A script to check."""

    sql: str = Field(max_length=1_000_000)


class RunBody(BaseModel):
    """A script (or selection) to run from the console."""

    sql: str = Field(min_length=1, max_length=1_000_000)
    run_async: bool = Field(False, alias="async")
    limit: int = Field(1000, ge=1, le=MAX_ROWS)
    name: str = Field("", max_length=200)


class EvaluateBody(BaseModel):
    """A model version to evaluate again (for the charts that need predictions)."""

    path: str = Field(max_length=4096)
    version: int = Field(ge=0)


class NotebookBody(BaseModel):
    """A notebook to save: a name and its cells (`{"source": "..."}` each)."""

    name: str = Field(min_length=1, max_length=200)
    cells: list[dict[str, Any]] = Field(max_length=500)


# --- the page and its files -----------------------------------------------------------------
@page.get("")
@page.get("/")
def console_page() -> FileResponse:
    """The console's single page."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html")


@page.get("/static/{name}")
def console_file(name: str) -> FileResponse:
    """One built file of the console (no sub-folders, no dot-files)."""
    file = STATIC_DIR / name
    if not STATIC_NAME.match(name) or name.startswith(".") or not file.is_file():
        raise ApiError(404, "not_found", f"no console file {name}")
    return FileResponse(file, headers={"Cache-Control": "no-cache"})


# --- the API --------------------------------------------------------------------------------
@router.get("/me")
def me(owner: Owner) -> dict[str, str]:
    """Who the console acts for (a token check for the sign-in form)."""
    return {"owner": owner}


@router.get("/completions")
async def completion_words(owner: Owner, runtime: Runtime, state: State) -> dict[str, Any]:
    """Statements, algorithms, the owner's tables and functions."""
    return await run_in_threadpool(completions, runtime.engine, state.tables, owner)


@router.post("/check")
async def check_script(body: CheckBody, runtime: Runtime) -> dict[str, Any]:
    """Syntax errors of a script with line and column (nothing runs)."""
    details = await run_in_threadpool(runtime.engine.check, body.sql)
    return {"errors": [d.to_dict() for d in details]}


@router.post("/run")
async def run(body: RunBody, owner: Owner, runtime: Runtime, state: State) -> Response:
    """Run as the owner: sync answers `{schema, data}`, async answers `{jobId, groupId}`."""
    params = {
        "sql": body.sql,
        "owner": owner,
        "async": body.run_async,
        "includeSchema": True,
        "outputSize": body.limit,
        "jobName": body.name,
    }
    record = runtime.runner.submit(validate(ScriptRequest, params))
    _record_curves(record, owner, runtime, state)
    if body.run_async:
        return JSONResponse({"jobId": record.id, "groupId": record.job.group_id})
    outcome = await asyncio.wrap_future(record.future)
    return outcome_response(outcome)


def _record_curves(record: ServerJob, owner: str, runtime: ServerRuntime, state: State) -> None:
    """Keep the job's loss per epoch and search rounds, saved with its paths when it ends."""
    recorder = CurveRecorder()
    record.job.listeners.append(recorder)

    def save(done: Any) -> None:
        paths = models.trained_paths(runtime.engine, record.request.sql)
        if paths:
            rounds = search_rounds(done.result().body)
            curves = {"loss": recorder.curves(), "rounds": rounds}
            state.curves.save(record.id, owner, paths, curves)

    record.future.add_done_callback(save)


@router.get("/events")
async def events(request: Request, owner: Owner, runtime: Runtime) -> StreamingResponse:
    """The owner's jobs with live progress, as server-sent events."""
    return StreamingResponse(
        job_events(runtime, owner, request.is_disconnected),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _own_job(job_id: str, owner: str, runtime: ServerRuntime) -> None:
    """404 unless the job exists and is the owner's."""
    if jobs.get_job(job_id, runtime).owner != owner:
        raise ApiError(404, "not_found", f"no job {job_id}")


@router.get("/jobs/{job_id}/result")
def job_result(job_id: str, owner: Owner, runtime: Runtime) -> Any:
    """The stored result (`{schema, data}`) of the owner's finished async job."""
    _own_job(job_id, owner, runtime)
    return jobs.job_result(job_id, runtime)


@router.post("/jobs/{job_id}/kill")
def kill(job_id: str, owner: Owner, runtime: Runtime) -> Any:
    """Cancel one of the owner's queued or running jobs."""
    _own_job(job_id, owner, runtime)
    return jobs.cancel_job(job_id, runtime).model_dump(by_alias=True)


@router.get("/notebooks")
def list_notebooks(owner: Owner, state: State) -> dict[str, Any]:
    """The owner's notebooks, most recently saved first."""
    return {"notebooks": state.notebooks.summaries(owner)}


@router.get("/notebooks/{notebook_id}")
def get_notebook(notebook_id: str, owner: Owner, state: State) -> dict[str, Any]:
    """One of the owner's notebooks with its cells."""
    found = state.notebooks.get(owner, notebook_id)
    if found is None:
        raise ApiError(404, "not_found", f"no notebook {notebook_id}")
    return found


@router.post("/notebooks")
def create_notebook(body: NotebookBody, owner: Owner, state: State) -> dict[str, Any]:
    """Save a new notebook."""
    return state.notebooks.save(owner, body.name, body.cells)


@router.put("/notebooks/{notebook_id}")
def save_notebook(
    notebook_id: str, body: NotebookBody, owner: Owner, state: State
) -> dict[str, Any]:
    """Replace one of the owner's notebooks."""
    try:
        return state.notebooks.save(owner, body.name, body.cells, notebook_id)
    except KeyError:
        raise ApiError(404, "not_found", f"no notebook {notebook_id}") from None


@router.delete("/notebooks/{notebook_id}")
def delete_notebook(notebook_id: str, owner: Owner, state: State) -> dict[str, bool]:
    """Delete one of the owner's notebooks."""
    if not state.notebooks.delete(owner, notebook_id):
        raise ApiError(404, "not_found", f"no notebook {notebook_id}")
    return {"deleted": True}


@router.get("/models")
def list_models(owner: Owner, runtime: Runtime) -> dict[str, Any]:
    """The model stores the owner's jobs trained, newest first."""
    return {"models": models.owner_models(runtime.engine, runtime.history, owner)}


@router.get("/models/detail")
def model_detail(
    path: Annotated[str, Query(max_length=4096)], owner: Owner, runtime: Runtime, state: State
) -> dict[str, Any]:
    """A store's versions with metrics, and the curves of its last console training."""
    view = model_detail_view(path, owner, runtime)
    view["curves"] = state.curves.latest_for(owner, path)
    return view


def model_detail_view(path: str, owner: str, runtime: ServerRuntime) -> dict[str, Any]:
    """The store's view; 404 unless the owner's jobs trained it and it has versions."""
    if path not in models.owner_model_paths(runtime.engine, runtime.history, owner):
        raise ApiError(404, "not_found", f"no model store {path} of {owner}")
    view = models.store_view(path)
    if view is None:
        raise ApiError(404, "not_found", f"model store {path} has no versions")
    return view


@router.post("/models/evaluate")
async def evaluate_model(body: EvaluateBody, owner: Owner, runtime: Runtime) -> Response:
    """Predict with one version on the table its training evaluated on (as one of the owner's
    jobs) and answer a confusion matrix and ROC curve, or a 2-D scatter of clusters."""
    view = model_detail_view(body.path, owner, runtime)
    version = next((v for v in view["versions"] if v["version"] == body.version), None)
    if version is None or "error" in version:
        raise ApiError(404, "not_found", f"no usable version {body.version} in {body.path}")
    try:
        stmt = evaluation.train_statement(runtime.engine, runtime.history, owner, body.path)
    except evaluation.NotEvaluable as err:
        raise ApiError(404, "not_found", str(err)) from None
    script, table = evaluation.evaluation_script(stmt, body.path, body.version)
    params = {"sql": script, "owner": owner, "outputSize": evaluation.MAX_ROWS}
    params["jobName"] = f"console evaluate v{body.version}"
    record = runtime.runner.submit(validate(ScriptRequest, params))
    outcome = await asyncio.wrap_future(record.future)
    if outcome.status != "succeeded":
        hint = f"this predicts on table {table} of your session: run the script that makes it"
        return JSONResponse({**(outcome.error or {}), "hint": hint}, outcome.http_status)
    rows = outcome.body if isinstance(outcome.body, list) else []
    charts = await run_in_threadpool(
        evaluation.evaluation_charts, rows, version, version.get("features") or []
    )
    return JSONResponse({"table": table, "version": body.version, "script": script, **charts})
