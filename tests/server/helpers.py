"""Helpers of the REST server tests: constants, polling, job submission."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

TOKEN = "test-token-5f1c"
SPARK_ARGS = ["--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.ui.enabled=false"]
# minutes of work even for a warm JVM (a count over 5e10 rows takes about 10 s once JIT-compiled)
LONG_QUERY = "select count(*) as c from range(0, 5000000000000) as big;"


def server_env(**settings: str) -> dict[str, str]:
    """Environment of a test server: local[2] Spark plus `MLSQL_SERVER__<KEY>` settings."""
    env = {"MLSQL_SPARK__MASTER": "local[2]"}
    env.update({f"MLSQL_SERVER__{k.upper()}": v for k, v in settings.items()})
    return env


def wait_for(
    check: Callable[[], Any], timeout_s: float = 60.0, interval_s: float = 0.25, what: str = ""
) -> Any:
    """Poll `check()` until it returns something truthy; fail after `timeout_s`."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what or check}")


def job_status(client: httpx.Client, job_id: str) -> dict[str, Any]:
    """GET /jobs/{id}."""
    response = client.get(f"/jobs/{job_id}")
    assert response.status_code == 200, response.text
    return response.json()


def wait_status(
    client: httpx.Client, job_id: str, statuses: set[str], timeout_s: float = 60.0
) -> dict[str, Any]:
    """Poll a job until its status is one of `statuses`; returns the job."""
    return wait_for(
        lambda: (job := job_status(client, job_id))["status"] in statuses and job,
        timeout_s,
        what=f"job {job_id} to become {sorted(statuses)}",
    )


def submit_async(client: httpx.Client, sql: str, **params: Any) -> dict[str, str]:
    """POST an async script; returns {jobId, groupId}."""
    response = client.post("/run/script", data={"sql": sql, "async": "true", **params})
    assert response.status_code == 200, response.text
    return response.json()
