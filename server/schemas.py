"""The REST API's request and response bodies (pydantic), with the descriptions OpenAPI shows.

Parameter names follow MLSQL's `/run/script` (camelCase: `jobName`, `callbackHeader`, …); the
Python attribute names are snake_case and the models accept both spellings.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_OUTPUT_SIZE = 5000
MAX_CALLBACK_RETRIES = 10

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
FINISHED_STATUSES: frozenset[str] = frozenset({"succeeded", "failed", "cancelled"})


class _Camel(BaseModel):
    """Base of the API models: camelCase aliases, either spelling accepted."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class ScriptRequest(_Camel):
    """The parameters of `POST /run/script` (form fields, JSON body or query string)."""

    sql: str = Field(min_length=1, description="The MLSQL script to run.")
    owner: str = Field(
        "admin",
        min_length=1,
        max_length=200,
        description="Who runs the script; names the owner's session (views, variables, functions).",
    )
    job_name: str = Field(
        "", alias="jobName", max_length=500, description="A name for the job (default: its id)."
    )
    timeout: int = Field(
        -1, ge=-1, description="Run-time limit in milliseconds; -1 means none. Counted from start."
    )
    run_async: bool = Field(
        False,
        alias="async",
        description="Return `{jobId, groupId}` at once and run in the background.",
    )
    callback: str | None = Field(
        None,
        description="URL POSTed when an async job ends (http/https; host must be allow-listed).",
    )
    callback_header: dict[str, str] = Field(
        default_factory=dict,
        alias="callbackHeader",
        description="Headers sent with the callback: a JSON object of strings.",
    )
    max_retries: int = Field(
        3,
        alias="maxRetries",
        ge=0,
        le=MAX_CALLBACK_RETRIES,
        description="Callback retries after the first attempt (exponential backoff).",
    )
    silence: bool = Field(False, description="Return an empty body instead of the result.")
    include_schema: bool = Field(
        False,
        alias="includeSchema",
        description='Return `{"schema": <Spark schema JSON>, "data": [rows], "table": <view name>}` '
        "instead of rows.",
    )
    output_size: int = Field(
        DEFAULT_OUTPUT_SIZE,
        alias="outputSize",
        ge=-1,
        description="Most rows returned (-1: no limit).",
    )
    max_result_size: int = Field(
        -1,
        alias="maxResultSize",
        ge=-1,
        description="Most rows returned (-1: no limit); the smaller of the two limits applies.",
    )
    fetch_type: Literal["collect", "take"] = Field(
        "collect",
        alias="fetchType",
        description="How rows are fetched; both stop at the row limit.",
    )
    execute_mode: Literal["query", "analyze"] = Field(
        "query",
        alias="executeMode",
        description="`query` runs the script; `analyze` returns its parsed statements.",
    )
    session_per_user: bool = Field(
        True,
        alias="sessionPerUser",
        description="Run in the owner's session (default); false shares one session for all.",
    )
    session_per_request: bool = Field(
        False,
        alias="sessionPerRequest",
        description="Run in a fresh session that is dropped after the request.",
    )
    skip_include: bool = Field(
        False, alias="skipInclude", description="Ignore `include` statements."
    )
    skip_auth: bool = Field(
        False, alias="skipAuth", description="Accepted for MLSQL compatibility; has no effect."
    )
    skip_grammar_validate: bool = Field(
        False,
        alias="skipGrammarValidate",
        description="Accepted for MLSQL compatibility; scripts are always parsed first.",
    )
    context: dict[str, str] = Field(
        default_factory=dict,
        description="Script variables; form fields `context.<name>=<value>` land here too.",
    )
    access_token: str | None = Field(
        None, description="The server's access token (or header `Authorization: Bearer …`)."
    )

    @field_validator("callback_header", mode="before")
    @classmethod
    def _headers_from_json(cls, value: Any) -> Any:
        """Accept the headers as a JSON string (form fields) or an object (JSON bodies)."""
        if value is None or value == "":
            return {}
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as err:
                raise ValueError(f"callbackHeader is not JSON: {err.msg}") from None
        if not isinstance(value, dict):
            raise ValueError("callbackHeader must be a JSON object of strings")
        headers = {str(k): str(v) for k, v in value.items()}
        if any(c in text for item in headers.items() for text in item for c in "\r\n\0"):
            raise ValueError("callbackHeader names and values must not contain line breaks")
        return headers

    @field_validator("callback", mode="before")
    @classmethod
    def _empty_callback(cls, value: Any) -> Any:
        """An empty callback field means no callback."""
        return None if value == "" else value

    def row_limit(self) -> int | None:
        """The number of rows to return: the smaller positive limit, or None for no limit."""
        limits = [n for n in (self.output_size, self.max_result_size) if n >= 0]
        return min(limits) if limits else None


class AsyncAccepted(_Camel):
    """The answer to an asynchronous `/run/script`."""

    job_id: str = Field(alias="jobId", description="Id for `/jobs/{id}`.")
    group_id: str = Field(alias="groupId", description="Spark job group; `/killjob` takes it.")


class KillRequest(_Camel):
    """The parameters of `POST /killjob`: a group id or a job name (optionally of one owner)."""

    group_id: str | None = Field(None, alias="groupId", description="The job's group id.")
    job_name: str | None = Field(None, alias="jobName", description="Kill jobs of this name.")
    owner: str | None = Field(None, description="With jobName: only this owner's jobs.")
    access_token: str | None = Field(None, description="The server's access token.")


class KilledJob(_Camel):
    """One job a kill request reached."""

    job_id: str = Field(alias="jobId")
    group_id: str = Field(alias="groupId")
    job_name: str = Field(alias="jobName")
    status: JobStatus = Field(description="The job's status when the kill was sent.")


class KillResponse(_Camel):
    """The jobs a kill request cancelled."""

    killed: list[KilledJob]


class Progress(_Camel):
    """MLSQL's job progress: statement i of n, plus this engine's training progress."""

    total_job: int = Field(alias="totalJob", description="Statements in the script.")
    current_job_index: int = Field(
        alias="currentJobIndex", description="Statement running (1-based)."
    )
    kind: str = Field("", description="Kind of the running statement.")
    training: dict[str, Any] = Field(
        default_factory=dict, description="Training workers' progress."
    )
    elapsed_seconds: float = Field(0.0, alias="elapsedSeconds")


class RunningJob(_Camel):
    """An entry of `/runningjobs` (MLSQL's MLSQLJobInfo, plus jobId and status)."""

    owner: str
    job_type: str = Field("script", alias="jobType")
    job_name: str = Field(alias="jobName")
    job_content: str = Field(alias="jobContent", description="The script.")
    group_id: str = Field(alias="groupId")
    job_id: str = Field(alias="jobId")
    status: JobStatus
    progress: Progress
    start_time: int = Field(alias="startTime", description="Epoch milliseconds.")
    timeout: int = Field(description="Milliseconds; -1 means none.")


class JobView(_Camel):
    """A job of the history (`/jobs`, `/jobs/{id}`)."""

    job_id: str = Field(alias="jobId")
    group_id: str = Field(alias="groupId")
    owner: str
    job_name: str = Field(alias="jobName")
    status: JobStatus
    is_async: bool = Field(alias="async")
    statement: int = Field(description="Statement reached (1-based; 0 before the first).")
    statements: int = Field(description="Statements in the script (0 until it is parsed).")
    progress: dict[str, Any] = Field(description="Progress as the engine reports it (training …).")
    error: dict[str, Any] | None = Field(None, description="code, message, line, column, errors.")
    timeout: int = Field(description="Milliseconds; -1 means none.")
    submitted_at: int = Field(alias="submittedAt", description="Epoch milliseconds.")
    started_at: int | None = Field(None, alias="startedAt", description="Epoch milliseconds.")
    finished_at: int | None = Field(None, alias="finishedAt", description="Epoch milliseconds.")
    queued_ms: int | None = Field(None, alias="queuedMs")
    run_ms: int | None = Field(None, alias="runMs")
    result_rows: int | None = Field(None, alias="resultRows", description="Rows returned.")
    callback: str | None = None
    callback_status: str | None = Field(
        None, alias="callbackStatus", description="pending, delivered or failed (async jobs)."
    )
    sql: str = Field(description="The script.")


class JobList(_Camel):
    """A page of the job history, newest first."""

    jobs: list[JobView]
    total: int = Field(description="Jobs matching the filters.")


class ErrorBody(_Camel):
    """Every error answer: a stable code and a message; script errors add their positions."""

    code: str = Field(description="syntax, analysis, execution, …, unauthorized, not_found, …")
    message: str
    statement: str | None = None
    line: int | None = Field(None, description="1-based line of the first problem.")
    column: int | None = Field(None, description="1-based column of the first problem.")
    hint: str | None = None
    errors: list[dict[str, Any]] = Field(default_factory=list, description="Every problem found.")


class Health(_Camel):
    """Liveness: the server is up and its engine is ready."""

    status: str = "ok"
    running: int = Field(description="Jobs running.")
    queued: int = Field(description="Jobs waiting for a slot.")
