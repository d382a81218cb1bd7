"""Runs one submitted script on the engine and turns what happened into an `Outcome`.

The session is the owner's (default), a shared one (`sessionPerUser=false`) or a fresh one
dropped afterwards (`sessionPerRequest`). The result rows are fetched under the job's Spark job
group with a cancel hook, so a kill or timeout also stops the final query: `select` is lazy and
the engine returns before Spark runs it. A select of literals only (`select 1 as a as t;`)
is answered from its optimized plan without a Spark job (`literals.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlsql.errors import CancelledError, MLSQLError
from mlsql.parser import parse

from ..errors import error_dict, http_status
from .literals import literal_rows
from .records import Outcome, ServerJob

if TYPE_CHECKING:
    from mlsql.engine import Engine, Job
    from mlsql.engine.session import EngineSession

SHARED_SESSION = "default"
STOPPED_REASON = "server stopped"


def execute(engine: Engine, record: ServerJob) -> Outcome:
    """Run the record's script; never raises (errors become failed outcomes)."""
    req = record.request
    session, dropped = _open_session(engine, record)
    try:
        text = strip_includes(req.sql) if req.skip_include else req.sql
        policy = engine.config.security.policy_for(req.owner)  # the owner's grants, always
        result = engine.run(
            text, session=session, variables=req.context, job=record.job, policy=policy
        )
        # A select of literals is read from its plan (no Spark job); anything else is fetched
        # by the engine inside the job's Spark group: a kill or timeout stops it too.
        rows = literal_rows(result.df, req.row_limit())
        if rows is None:
            rows = result.rows(req.row_limit())
        body: Any = rows
        if req.include_schema:
            body = {"schema": result.schema_json(), "data": rows, "table": result.name}
        return Outcome("succeeded", body=None if req.silence else body, rows=len(rows))
    except Exception as err:  # the face: every failure is reported, none escapes
        return failure(err, record.job)
    finally:
        if dropped is not None:
            engine.drop_session(dropped)


def _open_session(engine: Engine, record: ServerJob) -> tuple[EngineSession, str | None]:
    """The session to run in, and its name when it must be dropped afterwards."""
    req = record.request
    if req.session_per_request:
        name = f"request-{record.id}"
        return engine.session(name, fresh=True), name
    return engine.session(req.owner if req.session_per_user else SHARED_SESSION), None


def strip_includes(text: str) -> str:
    """The script with its `include` statements blanked out (positions of the rest kept)."""
    chars = list(text)
    for stmt in parse(text).statements:
        if stmt.kind == "include" and stmt.span is not None:
            for i in range(stmt.span.start, stmt.span.stop):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


def cancel_spark_jobs(engine: Engine, job: Job) -> None:
    """Cancel the Spark jobs of `job`'s group that run now (never raises)."""
    try:
        engine.spark.sparkContext.cancelJobGroup(job.group_id)
    except Exception:  # Spark stopping or gone: nothing left to cancel
        pass


def failure(err: BaseException, job: Job) -> Outcome:
    """The outcome of a job that raised `err`: cancelled, timed out, failed or an engine fault."""
    error = error_dict(err)
    reason = job.cancel_reason or ""
    status = "failed"
    if isinstance(err, CancelledError) or (reason and error["code"] != "internal"):
        status = "cancelled"
        if reason.startswith("timed out"):
            status, error["code"] = "failed", "timeout"
        elif reason == STOPPED_REASON:
            status, error["code"] = "failed", "server_stopped"
    elif isinstance(err, MLSQLError) and not err.user_facing:
        error["code"] = "internal"
    return Outcome(status, error=error, http_status=http_status(error))
