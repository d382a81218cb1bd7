"""A small server (1 job at a time, 2 queued): queue limits, and history kept across a crash."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mlsql.server.process import ServerProcess
from tests.server.helpers import LONG_QUERY, SPARK_ARGS, server_env, submit_async, wait_for


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server without a token that runs one job at a time and queues two."""
    work = tmp_path_factory.mktemp("small-server")
    env = server_env(max_concurrent_jobs="1", max_queued_jobs="2")
    proc = ServerProcess(work, env=env, args=SPARK_ARGS)
    with proc:
        yield proc


def running(client: httpx.Client, job_id: str) -> bool:
    """Whether the job is running its first statement."""
    job = client.get(f"/jobs/{job_id}").json()
    return bool(job["status"] == "running" and job["statement"] >= 1)


def test_full_queue_is_429_and_queued_jobs_cancel_at_once(small_server: ServerProcess) -> None:
    with httpx.Client(base_url=small_server.url, timeout=60) as client:
        first = submit_async(client, LONG_QUERY, owner="q")
        wait_for(lambda: running(client, first["jobId"]), 60)
        queued = [submit_async(client, "select 1 as a as t;", owner=f"q{i}") for i in range(2)]
        refused = client.post("/run/script", data={"sql": "select 1 as a as t;", "async": "true"})
        assert refused.status_code == 429
        assert refused.json()["code"] == "busy"
        for job in queued:
            assert client.get(f"/jobs/{job['jobId']}").json()["status"] == "queued"
            assert client.delete(f"/jobs/{job['jobId']}").status_code == 200
            assert client.get(f"/jobs/{job['jobId']}").json()["status"] == "cancelled"
        assert client.delete(f"/jobs/{first['jobId']}").status_code == 200
        wait_for(lambda: client.get(f"/jobs/{first['jobId']}").json()["status"] == "cancelled", 30)


def test_history_survives_a_crash_and_running_jobs_are_marked_failed(
    small_server: ServerProcess,
) -> None:
    with httpx.Client(base_url=small_server.url, timeout=60) as client:
        done = client.post("/run/script", data={"sql": "select 1 as a as t;", "owner": "before"})
        assert done.status_code == 200
        victim = submit_async(client, LONG_QUERY, owner="before", jobName="victim")
        wait_for(lambda: running(client, victim["jobId"]), 60)
        before = client.get("/jobs", params={"limit": 1000}).json()
    small_server.kill()  # SIGKILL: no chance to record anything
    small_server.start()  # same work dir, same history file
    with httpx.Client(base_url=small_server.url, timeout=60) as client:
        after = client.get("/jobs", params={"limit": 1000}).json()
        assert {j["jobId"] for j in before["jobs"]} <= {j["jobId"] for j in after["jobs"]}
        job = client.get(f"/jobs/{victim['jobId']}").json()
        assert job["status"] == "failed"
        assert job["error"]["code"] == "server_restarted"
        assert client.get("/runningjobs").json() == {}
        again = client.post("/run/script", data={"sql": "select 2 as b as t;", "owner": "after"})
        assert again.json() == [{"b": 2}]


def test_graceful_stop_records_running_jobs_as_failed(small_server: ServerProcess) -> None:
    with httpx.Client(base_url=small_server.url, timeout=60) as client:
        victim = submit_async(client, LONG_QUERY, owner="stopper")
        wait_for(lambda: running(client, victim["jobId"]), 60)
    small_server.stop()  # SIGTERM: the server cancels and records what still runs
    small_server.start()
    with httpx.Client(base_url=small_server.url, timeout=60) as client:
        job = client.get(f"/jobs/{victim['jobId']}").json()
        assert job["status"] == "failed"
        assert job["error"]["code"] == "server_stopped"
