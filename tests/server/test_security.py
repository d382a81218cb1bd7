"""Access token (401 without it, three ways to send it), callback allow-list, OpenAPI."""

from __future__ import annotations

import httpx
import pytest

from tests.server.helpers import TOKEN

PROTECTED = [
    ("POST", "/run/script", {"sql": "select 1 as a as t;"}),
    ("GET", "/runningjobs", None),
    ("POST", "/killjob", {"groupId": "x"}),
    ("GET", "/jobs", None),
    ("GET", "/jobs/some-id", None),
    ("GET", "/jobs/some-id/result", None),
    ("DELETE", "/jobs/some-id", None),
]


@pytest.mark.parametrize(("method", "path", "form"), PROTECTED)
def test_every_endpoint_needs_the_token(
    anonymous: httpx.Client, method: str, path: str, form: dict[str, str] | None
) -> None:
    response = anonymous.request(method, path, data=form)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    wrong = anonymous.request(method, path, data=form, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


@pytest.mark.parametrize("how", ["header", "form", "query", "json"])
def test_token_accepted(anonymous: httpx.Client, how: str) -> None:
    sql = "select 1 as a as t;"
    if how == "header":
        response = anonymous.post(
            "/run/script", data={"sql": sql}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
    elif how == "form":
        response = anonymous.post("/run/script", data={"sql": sql, "access_token": TOKEN})
    elif how == "query":
        response = anonymous.post("/run/script", params={"access_token": TOKEN}, data={"sql": sql})
    else:
        response = anonymous.post("/run/script", json={"sql": sql, "access_token": TOKEN})
    assert response.status_code == 200, response.text
    assert response.json() == [{"a": 1}]


def test_health_and_openapi_are_public(anonymous: httpx.Client) -> None:
    assert anonymous.get("/health").json()["status"] == "ok"
    assert anonymous.get("/openapi.json").status_code == 200


@pytest.mark.parametrize(
    ("callback", "code"),
    [
        ("http://example.com/hook", "callback_not_allowed"),
        ("http://10.0.0.1:8080/hook", "callback_not_allowed"),
        ("ftp://127.0.0.1/hook", "invalid_callback"),
        ("file:///etc/passwd", "invalid_callback"),
    ],
)
def test_refused_callback_is_400_before_running(
    client: httpx.Client, callback: str, code: str
) -> None:
    marker = f"refused-{code}-{abs(hash(callback))}"
    response = client.post(
        "/run/script",
        data={
            "sql": "select 1 as a as t;",
            "async": "true",
            "callback": callback,
            "jobName": marker,
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    jobs = client.get("/jobs", params={"limit": 1000}).json()["jobs"]
    assert all(j["jobName"] != marker for j in jobs)


def test_openapi_describes_every_endpoint_and_parameter(anonymous: httpx.Client) -> None:
    spec = anonymous.get("/openapi.json").json()
    assert {"/run/script", "/runningjobs", "/killjob", "/jobs", "/jobs/{job_id}"} <= set(
        spec["paths"]
    )
    body = spec["paths"]["/run/script"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(body)
    props = body["application/x-www-form-urlencoded"]["schema"]["properties"]
    expected = {
        "sql", "owner", "jobName", "timeout", "async", "callback", "callbackHeader",
        "maxRetries", "silence", "includeSchema", "outputSize", "maxResultSize", "fetchType",
        "executeMode", "sessionPerUser", "sessionPerRequest", "skipInclude", "context",
        "access_token",
    }  # fmt: skip
    assert expected <= set(props)
    assert all(props[name].get("description") for name in expected)
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
