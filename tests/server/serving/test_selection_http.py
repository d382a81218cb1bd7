"""Selection across versions through the server: Exp3 updated by feedback, an Exp4 ensemble."""

from __future__ import annotations

import httpx

from tests.server.serving.conftest import OWNER, Served
from tests.server.serving.helpers import iris_frame, publish_model

ROW = [6.3, 2.8, 5.1, 1.5]


def _register(client: httpx.Client, sql: str) -> None:
    response = client.post("/run/script", data={"sql": sql, "owner": OWNER})
    assert response.status_code == 200, response.text


def test_exp3_over_two_versions_learns_from_feedback(
    client: httpx.Client, served: dict[str, Served], tmp_path
) -> None:
    params = {"labelCol": "species", "seed": "3", "validationFraction": "0"}
    path = publish_model(
        tmp_path, "two", "LogisticRegression", {**params, "maxIter": "300"}, iris_frame()
    )
    publish_model(tmp_path, "two", "LogisticRegression", {**params, "maxIter": "2"}, iris_frame())
    _register(
        client,
        f'register LogisticRegression.`{path}` as sel options selection="exp3" and versions="0,1";',
    )
    url = "/v1/models/sel:predict"
    seen = set()
    for _ in range(30):
        answer = client.post(url, params={"owner": OWNER}, json={"instances": [ROW]}).json()
        (prediction,) = answer["predictions"]
        seen.add(prediction["version"])
        reward = 1.0 if prediction["version"] == 0 else 0.0
        feedback = client.post(
            "/v1/models/sel/feedback",
            params={"owner": OWNER},
            json={"id": prediction["id"], "reward": reward},
        )
        assert feedback.status_code == 200, feedback.text
    described = client.get("/v1/models/sel", params={"owner": OWNER}).json()
    assert described["selection"] == "exp3" and described["versions"] == [0, 1]
    arms = {a["arm"]: a for a in described["policy"]["arms"]}
    assert arms[0]["weight"] > arms[1]["weight"] and arms[0]["probability"] > 0.5
    assert seen == {0, 1} or arms[0]["pulls"] == 30
    again = client.post(
        "/v1/models/sel/feedback",
        params={"owner": OWNER},
        json={"id": prediction["id"], "label": "x"},
    )
    assert again.status_code == 404  # feedback counts once


def test_exp4_ensemble_names_its_members(client: httpx.Client, tmp_path) -> None:
    params = {"labelCol": "species", "seed": "3", "validationFraction": "0"}
    path = publish_model(
        tmp_path, "ens", "LogisticRegression", {**params, "maxIter": "3"}, iris_frame()
    )
    publish_model(tmp_path, "ens", "LogisticRegression", {**params, "maxIter": "300"}, iris_frame())
    _register(
        client,
        f'register LogisticRegression.`{path}` as ens options selection="exp4" and versions="0,1";',
    )
    answer = client.post(
        "/v1/models/ens:predict", params={"owner": OWNER}, json={"instances": [ROW, ROW]}
    )
    assert answer.status_code == 200, answer.text
    first = answer.json()["predictions"][0]
    assert sorted(first["members"] + first["missing"]) == [0, 1] and first["members"]
    assert abs(sum(first["probabilities"]) - 1.0) < 1e-9
    feedback = client.post(
        "/v1/models/ens/feedback",
        params={"owner": OWNER},
        json={"id": first["id"], "labels": [first["label"], first["label"]]},
    )
    assert feedback.status_code == 200 and feedback.json()["policy"]["policy"] == "exp4"
