"""Async `/run/script` with a real callback receiver: success, failure, retries, stored result."""

from __future__ import annotations

import json

import httpx

from tests.server.helpers import submit_async, wait_for
from tests.server.receiver import CallbackReceiver


def test_async_callback_receives_result_and_job_info(client: httpx.Client) -> None:
    with CallbackReceiver() as receiver:
        accepted = submit_async(
            client,
            "select 1 as a, 'one' as b as t;",
            owner="async-user",
            jobName="async-ok",
            callback=f"{receiver.url}/done",
            callbackHeader=json.dumps({"X-Token": "abc"}),
        )
        assert set(accepted) == {"jobId", "groupId"}
        got = receiver.wait(90)
    assert got.path == "/done"
    assert got.headers["x-token"] == "abc"
    assert got.form["stat"] == "succeeded"
    assert json.loads(got.form["res"]) == [{"a": 1, "b": "one"}]
    info = json.loads(got.form["jobInfo"])
    assert info["jobId"] == accepted["jobId"] and info["groupId"] == accepted["groupId"]
    assert (info["owner"], info["jobName"], info["status"]) == (
        "async-user",
        "async-ok",
        "succeeded",
    )
    job = wait_for(
        lambda: (
            (j := client.get(f"/jobs/{accepted['jobId']}").json())["callbackStatus"] == "delivered"
            and j
        )
    )
    assert job["status"] == "succeeded" and job["async"] is True
    result = client.get(f"/jobs/{accepted['jobId']}/result")
    assert result.json() == [{"a": 1, "b": "one"}]


def test_async_failure_callback_has_message(client: httpx.Client) -> None:
    with CallbackReceiver() as receiver:
        accepted = submit_async(
            client, "select * from missing_table as t;", callback=f"{receiver.url}/cb"
        )
        got = receiver.wait(90)
    assert got.form["stat"] == "failed"
    assert "missing_table" in got.form["msg"]
    assert "res" not in got.form
    info = json.loads(got.form["jobInfo"])
    assert info["status"] == "failed" and info["error"]["code"] == "analysis"
    assert client.get(f"/jobs/{accepted['jobId']}").json()["status"] == "failed"


def test_callback_is_retried_with_backoff(client: httpx.Client) -> None:
    with CallbackReceiver(fail_first=2) as receiver:
        accepted = submit_async(
            client, "select 5 as v as t;", callback=f"{receiver.url}/flaky", maxRetries="3"
        )
        attempts = [receiver.wait(90) for _ in range(3)]
    assert [a.answered for a in attempts] == [500, 500, 200]
    assert all(a.form["stat"] == "succeeded" for a in attempts)
    wait_for(
        lambda: client.get(f"/jobs/{accepted['jobId']}").json()["callbackStatus"] == "delivered"
    )


def test_async_without_callback_can_be_polled(client: httpx.Client) -> None:
    accepted = submit_async(client, "select 9 as n as t;", owner="poller")
    wait_for(lambda: client.get(f"/jobs/{accepted['jobId']}").json()["status"] == "succeeded")
    assert client.get(f"/jobs/{accepted['jobId']}/result").json() == [{"n": 9}]
