"""`POST /run/script` against a real server: results, parameters and script errors."""

from __future__ import annotations

import httpx
import pytest

from tests.server.helpers import job_status, wait_for


def run(client: httpx.Client, sql: str, **params: object) -> httpx.Response:
    """POST a sync script as form fields (as MLSQL clients do)."""
    return client.post("/run/script", data={"sql": sql, **params})


def test_sync_form_returns_last_table_rows(client: httpx.Client) -> None:
    response = run(client, "select 1 as a, 'x' as b as first;\nselect a + 1 as a from first as t;")
    assert response.status_code == 200, response.text
    assert response.json() == [{"a": 2}]


def test_sync_json_body_with_schema(client: httpx.Client) -> None:
    body = {"sql": "select 7 as n, 'seven' as word as t;", "includeSchema": True, "owner": "json"}
    response = client.post("/run/script", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["data"] == [{"n": 7, "word": "seven"}]
    assert [f["name"] for f in result["schema"]["fields"]] == ["n", "word"]


def test_silence_returns_nothing(client: httpx.Client) -> None:
    response = run(client, "select 1 as a as t;", silence="true")
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize(
    ("params", "rows"),
    [({"outputSize": "5"}, 5), ({"maxResultSize": "3"}, 3), ({"outputSize": "-1"}, 40)],
)
def test_row_limits(client: httpx.Client, params: dict[str, str], rows: int) -> None:
    response = run(client, "select id from range(0, 40) as t;", **params)
    assert response.status_code == 200, response.text
    assert len(response.json()) == rows


def test_context_parameters_are_script_variables(client: httpx.Client) -> None:
    response = run(
        client,
        'select "${greeting}" as g, "${who}" as w as t;',
        **{"context.greeting": "hi"},
        **{"context.who": "ann"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == [{"g": "hi", "w": "ann"}]


def test_analyze_mode_returns_statements(client: httpx.Client) -> None:
    response = run(client, "set a = '1';\nselect 1 as x as t;", executeMode="analyze")
    assert response.status_code == 200, response.text
    assert [s["kind"] for s in response.json()] == ["set", "select"]


def test_skip_include_ignores_includes(client: httpx.Client) -> None:
    sql = "include file.`/nonexistent/lib.mlsql`;\nselect 3 as x as t;"
    assert run(client, sql).status_code == 400
    response = run(client, sql, skipInclude="true")
    assert response.status_code == 200, response.text
    assert response.json() == [{"x": 3}]


def test_malformed_script_is_400_with_position(client: httpx.Client) -> None:
    response = run(client, "select 1 as a as t;\nload csv.`/tmp/x` as ;")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "syntax"
    assert (error["line"], error["column"]) == (2, 22)  # 1-based, as the CLI shows it
    assert error["errors"] and error["errors"][0]["line"] == 2


def test_unknown_table_is_400_analysis_error(client: httpx.Client) -> None:
    response = run(client, "select 1 as a as t;\nselect * from no_such_table as u;")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "analysis"
    assert error["line"] == 2


def test_invalid_parameter_is_400(client: httpx.Client) -> None:
    response = run(client, "select 1 as a as t;", timeout="soon")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
    assert run(client, "").status_code == 400


def test_body_over_limit_is_413(client: httpx.Client) -> None:
    sql = "select '" + "x" * 1_100_000 + "' as s as t;"
    response = client.post("/run/script", json={"sql": sql})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_sync_job_is_in_history(client: httpx.Client) -> None:
    response = run(client, "select 1 as a as t;", jobName="history-probe", owner="historian")
    assert response.status_code == 200
    jobs = client.get("/jobs", params={"owner": "historian"}).json()["jobs"]
    assert jobs and jobs[0]["jobName"] == "history-probe"
    job = wait_for(lambda: (j := job_status(client, jobs[0]["jobId"]))["finishedAt"] and j)
    assert job["status"] == "succeeded"
    assert (job["statement"], job["statements"], job["resultRows"]) == (1, 1, 1)
    assert job["runMs"] is not None and job["queuedMs"] is not None
