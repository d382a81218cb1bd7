"""Killing a running `train` job through the REST API stops its Spark jobs and training workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.helpers import submit_async, wait_for

pytestmark = pytest.mark.slow

KILL_DEADLINE_S = 20.0


class TrainNotAvailableError(AssertionError):
    """The engine answered that `train` is not implemented yet."""


def forest_script(model_dir: Path) -> str:
    """A script whose train statement runs long enough to be killed."""
    return (
        "load sklearn.`digits` as d;\n"
        f"train d as RandomForest.`{model_dir}/m` "
        'where fitParam.0.n_estimators="2000" and labelCol="label";'
    )


def job(client: httpx.Client, job_id: str) -> dict[str, Any]:
    """GET /jobs/{id}; TrainNotAvailableError when the engine has no train compiler."""
    found: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
    if found["status"] == "failed" and (found["error"] or {}).get("code") == "not_available":
        raise TrainNotAvailableError(found["error"]["message"])
    return found


def workers(found: dict[str, Any]) -> dict[str, Any]:
    """The training workers' progress (per parameter group; entries that are dicts)."""
    groups = found["progress"].get("training", {}).get("groups", {})
    return {k: v for k, v in groups.items() if isinstance(v, dict)}


def worker_running(found: dict[str, Any]) -> bool:
    """Whether a training worker process has reported in and not yet saved its model."""
    return any(g.get("pid") and g.get("stage") != "saved" for g in workers(found).values())


def kill_and_wait(client: httpx.Client, job_id: str) -> dict[str, Any]:
    """DELETE the job; the job once cancelled (AssertionError after KILL_DEADLINE_S)."""
    assert client.delete(f"/jobs/{job_id}").status_code == 200
    return wait_for(
        lambda: (j := job(client, job_id))["status"] == "cancelled" and j, KILL_DEADLINE_S
    )


def test_kill_a_running_training_worker(client: httpx.Client, tmp_path: Path) -> None:
    accepted = submit_async(client, forest_script(tmp_path), owner="trainer", jobName="forest")
    wait_for(
        lambda: worker_running(job(client, accepted["jobId"])),
        240,
        interval_s=0.25,
        what="a training worker to start",
    )
    done = kill_and_wait(client, accepted["jobId"])
    assert done["error"]["code"] == "cancelled"
    assert all(g.get("stage") != "saved" for g in workers(done).values())


def test_kill_a_training_before_its_workers_start(client: httpx.Client, tmp_path: Path) -> None:
    accepted = submit_async(client, forest_script(tmp_path), owner="trainer2", jobName="early")
    wait_for(
        lambda: (j := job(client, accepted["jobId"]))["statement"] >= 2 and not workers(j),
        240,
        interval_s=0.2,
        what="the train statement to start",
    )
    done = kill_and_wait(client, accepted["jobId"])
    assert done["error"]["code"] == "cancelled"
    assert not any(g.get("stage") == "saved" for g in workers(done).values())
