"""The console's JSON API against a real server: tokens, owners kept apart, check, run, notebooks,
events, models."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from mlsql.server.process import ServerProcess
from tests.console.conftest import TOKEN, TOKENS
from tests.server.helpers import LONG_QUERY, wait_for


def test_page_and_files_are_public_but_the_api_needs_a_token(
    console_server: ServerProcess,
) -> None:
    with httpx.Client(base_url=console_server.url, timeout=30) as anonymous:
        page = anonymous.get("/console")
        assert page.status_code == 200 and "/console/static/console.js" in page.text
        assert anonymous.get("/console/static/console.js").status_code == 200
        assert anonymous.get("/console/static/..%2Fnotebooks.py").status_code == 404
        assert anonymous.get("/console/api/me").status_code == 401
        assert anonymous.get("/console/api/me", params={"access_token": "wrong"}).status_code == 401
        me = anonymous.get("/console/api/me", params={"access_token": TOKENS["ann"]})
        assert me.json() == {"owner": "ann"}
        admin = anonymous.get("/console/api/me", params={"access_token": TOKEN, "owner": "cat"})
        assert admin.json() == {"owner": "cat"}


def test_an_owner_token_cannot_act_as_another_owner(ann: httpx.Client) -> None:
    assert ann.get("/console/api/me").json() == {"owner": "ann"}
    assert ann.get("/console/api/me", params={"owner": "bob"}).status_code == 403
    assert ann.get("/console/api/notebooks", params={"owner": "bob"}).status_code == 403


def test_check_reports_line_and_column(ann: httpx.Client) -> None:
    script = "load jsonStr.`x` as t;\nselect * from t as;\n"
    errors = ann.post("/console/api/check", json={"sql": script}).json()["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(2, 19)]  # 1-based columns
    ok = ann.post("/console/api/check", json={"sql": "select 1 as a as t;"}).json()
    assert ok == {"errors": []}


def test_sync_run_answers_rows_with_their_types(ann: httpx.Client) -> None:
    sql = "select id, cast(id * 1.5 as double) as x, 'a' as s from range(3) as t;"
    body = ann.post("/console/api/run", json={"sql": sql}).json()
    types = {f["name"]: f["type"] for f in body["schema"]["fields"]}
    assert types == {"id": "long", "x": "double", "s": "string"}
    assert body["data"] == [{"id": i, "x": i * 1.5, "s": "a"} for i in range(3)]
    words = wait_for(  # the table list is refreshed in the background
        lambda: (w := ann.get("/console/api/completions").json())["tables"] and w,
        30,
        what="the owner's tables",
    )
    assert "t" in words["tables"] and "RandomForest" in words["algorithms"]


def test_a_failing_run_names_its_line(ann: httpx.Client) -> None:
    sql = "select 1 as a as t;\nselect nope from t as u;"
    response = ann.post("/console/api/run", json={"sql": sql})
    assert response.status_code == 400
    assert response.json()["line"] == 2


def test_notebooks_are_per_owner(ann: httpx.Client, bob: httpx.Client) -> None:
    cells = [{"source": "select 1 as a as t;"}, {"source": "!show tables;"}]
    made = ann.post("/console/api/notebooks", json={"name": "first", "cells": cells}).json()
    url = f"/console/api/notebooks/{made['id']}"
    assert ann.get(url).json()["cells"] == cells
    assert bob.get(url).status_code == 404
    assert made["id"] not in [
        n["id"] for n in bob.get("/console/api/notebooks").json()["notebooks"]
    ]
    assert bob.put(url, json={"name": "taken", "cells": []}).status_code == 404
    assert bob.delete(url).status_code == 404
    ann.put(url, json={"name": "renamed", "cells": cells[:1]})
    listed = ann.get("/console/api/notebooks").json()["notebooks"]
    mine = next(n for n in listed if n["id"] == made["id"])
    assert (mine["name"], mine["cells"]) == ("renamed", 1)
    assert ann.delete(url).json() == {"deleted": True}
    assert ann.get(url).status_code == 404


def test_jobs_of_others_cannot_be_read_or_killed(ann: httpx.Client, bob: httpx.Client) -> None:
    job_id = ann.post("/console/api/run", json={"sql": LONG_QUERY, "async": True}).json()["jobId"]
    try:
        assert bob.post(f"/console/api/jobs/{job_id}/kill").status_code == 404
        assert bob.get(f"/console/api/jobs/{job_id}/result").status_code == 404
    finally:
        assert ann.post(f"/console/api/jobs/{job_id}/kill").status_code == 200
    wait_for(
        lambda: ann.get(f"/jobs/{job_id}").json()["status"] == "cancelled", 30, what="the kill"
    )


def first_event(server: ServerProcess, token: str) -> list[dict[str, object]]:
    """The jobs of the first `jobs` event of the stream (token as the access_token parameter)."""
    url = f"{server.url}/console/api/events"
    with httpx.stream("GET", url, params={"access_token": token}, timeout=30) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                jobs: list[dict[str, object]] = json.loads(line[6:])["jobs"]
                return jobs
    raise AssertionError("the stream ended without an event")


def test_events_stream_the_owners_jobs_only(
    ann: httpx.Client, bob: httpx.Client, console_server: ServerProcess
) -> None:
    ann.post("/console/api/run", json={"sql": "select 1 as a as t;"})
    bob.post("/console/api/run", json={"sql": "select 2 as a as t;"})
    assert {j["owner"] for j in first_event(console_server, TOKENS["ann"])} == {"ann"}
    assert {j["owner"] for j in first_event(console_server, TOKENS["bob"])} == {"bob"}


@pytest.mark.slow
def test_models_lists_the_owners_stores_with_metrics(
    ann: httpx.Client, bob: httpx.Client, tmp_path: Path
) -> None:
    model = tmp_path / "nb"
    sql = (
        f'load sklearn.`iris` as iris;\ntrain iris as NaiveBayes.`{model}` where labelCol="label";'
    )
    assert ann.post("/console/api/run", json={"sql": sql}).status_code == 200
    stores = ann.get("/console/api/models").json()["models"]
    assert str(model) in [s["path"] for s in stores]
    mine = next(s for s in stores if s["path"] == str(model))
    assert mine["algorithm"] == "NaiveBayes" and mine["metrics"]["accuracy"] > 0.8
    detail = ann.get("/console/api/models/detail", params={"path": str(model)}).json()
    assert [v["version"] for v in detail["versions"]] == [0]
    assert bob.get("/console/api/models/detail", params={"path": str(model)}).status_code == 404
    assert str(model) not in [s["path"] for s in bob.get("/console/api/models").json()["models"]]
