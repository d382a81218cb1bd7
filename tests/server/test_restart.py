"""A small server (1 job at a time, 2 queued): queue limits, and history kept across a crash.

The crash tests SIGKILL the server's whole process group (`ServerProcess.kill`) and start a new
server on the same history file; callbacks go to a real receiver on 127.0.0.1.
"""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Iterator

import httpx
import pytest

from mlsql.server.process import ServerProcess
from tests.server.helpers import LONG_QUERY, SPARK_ARGS, server_env, submit_async, wait_for
from tests.server.receiver import CallbackReceiver, Received


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


def drain(receiver: CallbackReceiver, quiet_s: float) -> list[Received]:
    """Every callback the receiver gets until none has come for `quiet_s` seconds."""
    got = []
    while True:
        try:
            got.append(receiver.wait(quiet_s))
        except queue.Empty:
            return got


def test_kill_9_interrupts_async_jobs_and_sends_their_callbacks_once(
    small_server: ServerProcess,
) -> None:
    with CallbackReceiver() as receiver, httpx.Client(base_url=small_server.url, timeout=60) as c:
        callback = f"{receiver.url}/cb"
        victim = submit_async(c, LONG_QUERY, owner="k9", jobName="victim", callback=callback)
        wait_for(lambda: running(c, victim["jobId"]), 60)
        waiting = submit_async(c, "select 1 as a as t;", owner="k9b", callback=callback)
        assert c.get(f"/jobs/{waiting['jobId']}").json()["status"] == "queued"
        small_server.kill()  # SIGKILL while one job runs and one waits
        assert receiver.requests.empty()
        killed_at = time.monotonic()
        small_server.start()
        got = drain(receiver, 8.0)
        by_job = {json.loads(r.form["jobInfo"])["jobId"]: r for r in got}
        assert len(got) == 2 and set(by_job) == {victim["jobId"], waiting["jobId"]}
        for job_id, received in by_job.items():
            assert received.form["stat"] == "failed"
            assert "interrupted" in received.form["msg"]
            assert received.headers["x-mlsql-callback-id"] == job_id
            info = json.loads(received.form["jobInfo"])
            assert info["status"] == "failed" and info["error"]["code"] == "server_restarted"
        assert json.loads(by_job[victim["jobId"]].form["jobInfo"])["jobName"] == "victim"
        for job_id in by_job:
            job = c.get(f"/jobs/{job_id}").json()
            assert (job["status"], job["error"]["code"]) == ("failed", "server_restarted")
            assert job["callbackStatus"] == "delivered"
        assert c.get("/runningjobs").json() == {}
        print(f"restart to callbacks delivered: {time.monotonic() - killed_at:.1f} s")
        fresh = submit_async(c, "select 3 as c as t;", owner="k9", callback=callback)
        done = receiver.wait(90)
        assert json.loads(done.form["jobInfo"])["jobId"] == fresh["jobId"]
        assert (done.form["stat"], json.loads(done.form["res"])) == ("succeeded", [{"c": 3}])
        wait_for(lambda: c.get(f"/jobs/{fresh['jobId']}").json()["callbackStatus"] == "delivered")
        small_server.kill()  # a second crash: callbacks recorded delivered are not sent again
        small_server.start()
        assert drain(receiver, 5.0) == []


def test_callback_pending_at_a_crash_is_sent_once_after_restart(
    small_server: ServerProcess,
) -> None:
    with (
        CallbackReceiver(fail_first=10**6) as receiver,
        httpx.Client(base_url=small_server.url, timeout=60) as c,
    ):
        accepted = submit_async(
            c, "select 7 as s as t;", owner="pend", callback=f"{receiver.url}/p", maxRetries="10"
        )
        first = receiver.wait(90)  # answered 500: the server keeps it pending and retries
        assert first.answered == 500
        assert c.get(f"/jobs/{accepted['jobId']}").json()["callbackStatus"] == "pending"
        small_server.kill()
        receiver.fail_first = 0
        drain(receiver, 0.5)  # a retry that raced the kill
        small_server.start()
        got = [r for r in drain(receiver, 8.0) if r.answered == 200]
        assert len(got) == 1
        assert got[0].form["stat"] == "succeeded"
        assert json.loads(got[0].form["res"]) == [{"s": 7}]
        job = c.get(f"/jobs/{accepted['jobId']}").json()
        assert (job["status"], job["callbackStatus"]) == ("succeeded", "delivered")
