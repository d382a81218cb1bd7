"""`POST /v1/models/{name}:predict` and `/model/predict` answered by the lean ASGI lane
(`routes/fastlane.py`) give the same answers and the same refusals as the FastAPI routes it
stands in front of.

A request with two ``Content-Type`` headers is one the lane does not take: FastAPI's route then
answers it, which lets the tests compare both paths on the same body.
"""

from __future__ import annotations

import httpx
import pytest

from mlsql.server.process import ServerProcess
from tests.server.helpers import TOKEN
from tests.server.serving.conftest import OWNER, Served

JSON = ("content-type", "application/json")


def _url(served: dict[str, Served], name: str = "lr") -> str:
    return f"/v1/models/{served[name].function}:predict"


def _rows(model: Served, n: int = 3) -> list[list[float]]:
    return [[row[c] for c in model.columns] for row in model.rows[:n]]


def _both(client: httpx.Client, url: str, body: bytes, **kw: object) -> list[httpx.Response]:
    """The same request through the lane and (two Content-Type headers) through the route."""
    lane = client.post(url, content=body, headers=[JSON], **kw)  # type: ignore[arg-type]
    route = client.post(url, content=body, headers=[JSON, JSON], **kw)  # type: ignore[arg-type]
    return [lane, route]


@pytest.mark.parametrize("name", ["lr", "rf", "events"])
def test_lane_and_route_answer_alike(
    client: httpx.Client, served: dict[str, Served], name: str
) -> None:
    import json

    model = served[name]
    instances = [{c: row[c] for c in model.columns} for row in model.rows[:5]]
    body = json.dumps({"instances": instances}).encode()
    lane, route = _both(client, _url(served, name), body, params={"owner": OWNER})
    assert lane.status_code == route.status_code == 200, (lane.text, route.text)
    assert lane.json() == route.json()
    assert lane.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "body, status, words",
    [
        (b'{"instances": [[1.0, 2.0]]}', 400, ["row 0 has 2 value(s)"]),
        (b'{"rows": []}', 400, ['"instances"']),
        (b'{"instances": [[1.0, 2.0,', 400, ["not valid JSON"]),
        (b"[1, 2]", 400, ["must be an object"]),
    ],
)
def test_lane_and_route_refuse_alike(
    client: httpx.Client, served: dict[str, Served], body: bytes, status: int, words: list[str]
) -> None:
    lane, route = _both(client, _url(served), body, params={"owner": OWNER})
    assert lane.status_code == route.status_code == status, (lane.text, route.text)
    assert lane.json() == route.json()
    assert all(w in lane.json()["message"] for w in words), lane.json()


def test_unknown_model_is_404_naming_it(client: httpx.Client) -> None:
    body = b'{"instances": [[1.0]]}'
    lane, route = _both(client, "/v1/models/no_such_model:predict", body)
    assert lane.status_code == route.status_code == 404
    assert lane.json() == route.json() and "no_such_model" in lane.json()["message"]


def test_token_rules_hold_on_the_lane(
    server: ServerProcess, anonymous: httpx.Client, served: dict[str, Served]
) -> None:
    url, rows = _url(served), _rows(served["lr"])
    body = {"instances": rows, "owner": OWNER}
    missing = anonymous.post(url, json=body)
    assert missing.status_code == 401 and "token_required" in missing.json()["message"]
    assert missing.headers.get("www-authenticate") == "Bearer"
    wrong = anonymous.post(url, json=body, headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401
    basic = anonymous.post(url, json=body, headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    two = anonymous.post(
        url,
        json={**body, "access_token": "another-token"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert two.status_code == 401 and "different tokens" in two.json()["message"]
    in_body = anonymous.post(url, json={**body, "access_token": TOKEN})
    assert in_body.status_code == 200, in_body.text
    in_query = anonymous.post(url, json=body, params={"access_token": TOKEN})
    assert in_query.status_code == 200, in_query.text
    assert in_body.json() == in_query.json()
    assert len(in_body.json()["predictions"]) == len(rows)


def test_form_bodies_are_read_as_the_route_reads_them(
    client: httpx.Client, served: dict[str, Served]
) -> None:
    """A form post to the JSON endpoint: ``instances`` is then a string (400 naming it)."""
    response = client.post(_url(served), data={"instances": "[[1, 2, 3, 4]]", "owner": OWNER})
    assert response.status_code == 400
    assert "instances must be a JSON array" in response.json()["message"]


FORM = ("content-type", "application/x-www-form-urlencoded")


@pytest.mark.parametrize(
    "fields",
    [
        {"data": "[[5.1, 3.5, 1.4, 0.2], [6.3, 2.8, 5.1, 1.5]]", "sql": "select {f}(feature) as p"},
        {"data": '[{"0": 5.1, "3": 0.2}]', "vecType": "sparse", "vecSize": "4",
         "sql": "select {f}(feature) as p, vec_dense(feature) as v"},
        {"data": "[[5.1, 3.5, 1.4]]", "sql": "select {f}(feature) as p"},  # 400: 3 of 4 columns
        {"data": "[[1, 2]", "sql": "select {f}(feature) as p"},  # 400: not JSON
        {"data": "[[1, 2, 3, 4]]", "sql": "select no_such_fn(feature) as p"},  # 404 or 400
    ],
)  # fmt: skip
def test_byzer_lane_and_route_answer_alike(
    client: httpx.Client, served: dict[str, Served], fields: dict[str, str]
) -> None:
    from urllib.parse import urlencode

    form = {k: v.replace("{f}", served["lr"].function) for k, v in fields.items()}
    body = urlencode({**form, "owner": OWNER}).encode()
    lane = client.post("/model/predict", content=body, headers=[FORM])
    route = client.post("/model/predict", content=body, headers=[FORM, FORM])
    assert lane.status_code == route.status_code, (lane.text, route.text)
    assert lane.json() == route.json()
    got = client.get("/model/predict", params={**form, "owner": OWNER})
    assert (got.status_code, got.json()) == (lane.status_code, lane.json())


def test_byzer_lane_keeps_the_token_rules(
    anonymous: httpx.Client, served: dict[str, Served]
) -> None:
    form = {
        "data": "[[5.1, 3.5, 1.4, 0.2]]",
        "sql": f"select {served['lr'].function}(feature) as p",
    }
    missing = anonymous.post("/model/predict", data={**form, "owner": OWNER})
    assert missing.status_code == 401 and "token_required" in missing.json()["message"]
    field = anonymous.post("/model/predict", data={**form, "owner": OWNER, "access_token": TOKEN})
    assert field.status_code == 200, field.text
    two = anonymous.post(
        "/model/predict",
        data={**form, "owner": OWNER, "access_token": TOKEN},
        params={"access_token": "another"},
    )
    assert two.status_code == 401
