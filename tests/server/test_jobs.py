"""Timeouts, `/runningjobs`, `/killjob`, `DELETE /jobs/{id}` and the history filters."""

from __future__ import annotations

import time

import httpx

from tests.server.helpers import LONG_QUERY, submit_async, wait_for, wait_status

KILL_DEADLINE_S = 30.0


def wait_running(client: httpx.Client, group_id: str) -> dict[str, object]:
    """Wait until `/runningjobs` shows the job running its first statement."""

    def running() -> dict[str, object] | None:
        job = client.get("/runningjobs").json().get(group_id)
        if job and job["status"] == "running" and job["progress"]["currentJobIndex"] >= 1:
            return job
        return None

    return wait_for(running, 60, what=f"{group_id} to run")


def test_timeout_stops_a_long_query(client: httpx.Client) -> None:
    started = time.time()
    response = client.post(
        "/run/script", data={"sql": LONG_QUERY, "timeout": "2000", "owner": "slow"}
    )
    elapsed = time.time() - started
    assert response.status_code == 408, response.text
    assert response.json()["code"] == "timeout"
    assert elapsed < KILL_DEADLINE_S
    job = client.get("/jobs", params={"owner": "slow", "limit": 1}).json()["jobs"][0]
    assert job["status"] == "failed" and job["error"]["code"] == "timeout"


def test_running_jobs_shape_and_killjob_by_group(client: httpx.Client) -> None:
    accepted = submit_async(client, LONG_QUERY, owner="killer", jobName="to-kill", timeout="120000")
    job = wait_running(client, accepted["groupId"])
    assert {"owner", "jobName", "groupId", "progress", "startTime", "timeout"} <= set(job)
    assert (job["owner"], job["jobName"], job["timeout"]) == ("killer", "to-kill", 120000)
    assert job["progress"]["totalJob"] == 1
    started = time.time()
    response = client.post("/killjob", data={"groupId": accepted["groupId"]})
    assert response.status_code == 200, response.text
    assert [k["jobId"] for k in response.json()["killed"]] == [accepted["jobId"]]
    done = wait_status(client, accepted["jobId"], {"cancelled"}, KILL_DEADLINE_S)
    assert time.time() - started < KILL_DEADLINE_S
    assert done["error"]["code"] == "cancelled"
    assert accepted["groupId"] not in client.get("/runningjobs").json()


def test_killjob_by_name_and_owner(client: httpx.Client) -> None:
    accepted = submit_async(client, LONG_QUERY, owner="namer", jobName="named-long")
    wait_running(client, accepted["groupId"])
    other_owner = client.post("/killjob", json={"jobName": "named-long", "owner": "someone-else"})
    assert other_owner.status_code == 404
    response = client.post("/killjob", json={"jobName": "named-long", "owner": "namer"})
    assert response.status_code == 200, response.text
    wait_status(client, accepted["jobId"], {"cancelled"}, KILL_DEADLINE_S)


def test_delete_cancels_a_running_job(client: httpx.Client) -> None:
    accepted = submit_async(client, LONG_QUERY, owner="deleter")
    wait_running(client, accepted["groupId"])
    response = client.delete(f"/jobs/{accepted['jobId']}")
    assert response.status_code == 200, response.text
    wait_status(client, accepted["jobId"], {"cancelled"}, KILL_DEADLINE_S)
    assert client.delete(f"/jobs/{accepted['jobId']}").status_code == 409
    assert client.delete("/jobs/no-such-job").status_code == 404
    assert client.get("/jobs/no-such-job").status_code == 404


def test_history_filters(client: httpx.Client) -> None:
    for n in range(3):
        assert client.post("/run/script", data={"sql": f"select {n} as n as t;", "owner": "filt"})
    client.post("/run/script", data={"sql": "select * from nothing_here as t;", "owner": "filt"})
    everything = client.get("/jobs", params={"owner": "filt"}).json()
    assert everything["total"] == 4
    failed = client.get("/jobs", params={"owner": "filt", "status": "failed"}).json()
    assert failed["total"] == 1 and failed["jobs"][0]["error"]["code"] == "analysis"
    page = client.get("/jobs", params={"owner": "filt", "limit": 2, "offset": 1}).json()
    assert len(page["jobs"]) == 2 and page["total"] == 4
    assert client.get("/jobs", params={"status": "nonsense"}).status_code == 400
