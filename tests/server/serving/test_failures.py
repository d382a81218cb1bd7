"""Bad input answers 4xx naming the problem (workers stay up); a worker killed under load is
replaced within 5 s while every request succeeds or gets a clear error."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from mlsql.server.process import ServerProcess
from tests.server.helpers import TOKEN, wait_for
from tests.server.serving.conftest import OWNER, Served

WORKER_MODULE = b"mlsql.server.serving.worker"


def worker_pids(server: ServerProcess) -> set[int]:
    """Live model worker processes of the server (children running the worker module)."""
    assert server._proc is not None
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[1]) == server._proc.pid and WORKER_MODULE in cmdline:
            pids.add(int(entry.name))
    return pids


def _predict(client: httpx.Client, function: str, body: object) -> httpx.Response:
    return client.post(f"/v1/models/{function}:predict", params={"owner": OWNER}, json=body)


@pytest.mark.parametrize(
    "body, status, words",
    [
        ({"instances": [[1.0, 2.0, 3.0]]}, 400, ["row 0 has 3 value(s)", "reads 4 column(s)"]),
        ({"instances": [[1.0, "tall", 3.0, 4.0]]}, 400, ["sepal_width", "must be a number"]),
        ({"instances": [{"sepal_length": 1.0}]}, 400, ["lacks column(s)", "petal_width"]),
        ({"instances": "nope"}, 400, ["instances must be a JSON array"]),
        ({"rows": []}, 400, ['"instances"']),
    ],
)
def test_bad_rows_are_400_naming_the_problem(
    client: httpx.Client, served: dict[str, Served], body: object, status: int, words: list[str]
) -> None:
    response = _predict(client, served["rf"].function, body)
    assert response.status_code == status, response.text
    assert all(w in response.json()["message"] for w in words), response.json()


def test_bad_timestamp_and_unknown_model_and_malformed_json(
    client: httpx.Client, served: dict[str, Served]
) -> None:
    stamp = _predict(
        client, served["events"].function, {"instances": [["paris", "yesterday-ish", 1.0]]}
    )
    assert stamp.status_code == 400 and "not a date-time" in stamp.json()["message"]
    unknown = _predict(client, "no_such_model", {"instances": [[1.0]]})
    assert unknown.status_code == 404 and "no_such_model" in unknown.json()["message"]
    assert served["rf"].function in unknown.json()["message"]  # says what there is
    malformed = client.post(
        f"/v1/models/{served['rf'].function}:predict",
        content=b'{"instances": [[1.0, 2.0,',
        headers={"content-type": "application/json"},
    )
    assert malformed.status_code == 400 and "not valid JSON" in malformed.json()["message"]
    byzer = client.post(
        "/model/predict", data={"data": "[[1, 2]", "sql": "select x(feature)", "owner": OWNER}
    )
    assert byzer.status_code == 400 and "data is not valid JSON" in byzer.json()["message"]
    expr = client.post(
        "/model/predict", data={"data": "[[1, 2]]", "sql": "select f(feature) + 1", "owner": OWNER}
    )
    assert expr.status_code == 400 and "unexpected" in expr.json()["message"]


def test_oversized_body_is_413_and_workers_stay_up(
    client: httpx.Client, server: ServerProcess, served: dict[str, Served]
) -> None:
    before = worker_pids(server)
    rows = [[5.1, 3.5, 1.4, 0.2]] * 60_000  # about 1.5 MB, over max_request_bytes
    response = _predict(client, served["rf"].function, {"instances": rows})
    assert response.status_code == 413 and "over" in response.json()["message"]
    good = _predict(client, served["rf"].function, {"instances": [[5.1, 3.5, 1.4, 0.2]]})
    assert good.status_code == 200
    assert worker_pids(server) == before and len(before) >= 1


def test_killed_worker_under_load(server: ServerProcess, served: dict[str, Served]) -> None:
    workers = worker_pids(server)
    size = len(workers)
    assert size >= 1
    function = served["rf"].function
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def client_run(seed: int) -> list[tuple[int, str]]:
        out = []
        with httpx.Client(base_url=server.url, headers=headers, timeout=90.0) as c:
            for i in range(25):
                row = [4.0 + (seed * 25 + i) / 1000.0, 3.0, 1.5, 0.2]  # no cache hits
                r = _predict(c, function, {"instances": [row] * 10})
                out.append((r.status_code, r.text))
        return out

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(client_run, s) for s in range(6)]
        time.sleep(1.0)
        victim = sorted(workers)[0]
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        back = wait_for(
            lambda: len(worker_pids(server) - {victim}) == size and worker_pids(server),
            timeout_s=5.0,
            interval_s=0.05,
            what="the pool back to its size",
        )
        back_after = time.monotonic() - killed_at
        results = [r for f in futures for r in f.result(timeout=120)]
    assert victim not in back and back_after < 5.0
    assert len(results) == 150
    for status, text in results:
        assert status == 200 or (status == 503 and "worker" in text), (status, text)
    with httpx.Client(base_url=server.url, headers=headers, timeout=30.0) as c:
        metrics = c.get("/metrics").text
    assert any(
        line.startswith("mlsql_serving_worker_restarts_total ") and float(line.split()[1]) >= 1
        for line in metrics.splitlines()
    )
