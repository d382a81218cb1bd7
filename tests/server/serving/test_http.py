"""Served predictions through the real server equal the registered Spark function's.

The functions are registered in an owner's session through `/run/script` (conftest); the same
rows go to Spark (`select f(…)`), to `POST /v1/models/{name}:predict` and to Byzer's
`/model/predict`: labels identical, probabilities and distances within 1e-9.
"""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest

from tests.server.serving.conftest import OWNER, Served, spark_rows

MODELS = ["rf", "lr", "dnn", "kmeans", "events"]
TOLERANCE = 1e-9


def _assert_same(spark: list[dict], served: list[dict], label: str = "prediction") -> None:
    assert len(spark) == len(served)
    assert [s["prediction"] for s in spark] == [p[label] for p in served]
    for key in ("probabilities", "confidence", "probability", "distance"):
        if key in spark[0]:
            np.testing.assert_allclose(
                np.array([p[key] for p in served], dtype=float),
                np.array([s[key] for s in spark], dtype=float),
                rtol=0,
                atol=TOLERANCE,
            )


def _instances(model: Served) -> list[dict]:
    return [{c: row[c] for c in model.columns} for row in model.rows]


@pytest.mark.parametrize("name", MODELS)
def test_v1_predict_equals_the_spark_function(
    client: httpx.Client, served: dict[str, Served], name: str
) -> None:
    model = served[name]
    response = client.post(
        f"/v1/models/{model.function}:predict",
        params={"owner": OWNER},
        json={"instances": _instances(model)},
    )
    assert response.status_code == 200, response.text
    predictions = response.json()["predictions"]
    label = "prediction" if name == "kmeans" else "label"
    _assert_same(spark_rows(client, model), predictions, label)
    assert {p["version"] for p in predictions} == {0}


@pytest.mark.parametrize("name", MODELS)
def test_byzer_model_predict_equals_the_spark_function(
    client: httpx.Client, served: dict[str, Served], name: str
) -> None:
    model = served[name]
    args = ", ".join(f"`{c}`" for c in model.columns)
    data = {
        "dataType": "row",
        "data": json.dumps(_instances(model)),
        "sql": f"select {model.function}({args}) as p",
        "owner": OWNER,
    }
    response = client.post("/model/predict", data=data)
    assert response.status_code == 200, response.text
    rows = response.json()
    assert set(rows[0]) == {"p"}
    _assert_same(spark_rows(client, model), [r["p"] for r in rows])


def test_byzer_vectors_sparse_vectors_and_pipelines(
    client: httpx.Client, served: dict[str, Served]
) -> None:
    function = served["lr"].function
    dense = client.get(
        "/model/predict",
        params={
            "data": "[[5.1, 3.5, 1.4, 0.2]]",
            "sql": f"select {function}(feature) as p",
            "owner": OWNER,
        },
    )
    sparse = client.post(
        "/model/predict",
        data={
            "data": '[{"0": 5.1, "1": 3.5, "2": 1.4, "3": 0.2}]',
            "vecType": "sparse",
            "vecSize": "4",
            "sql": f"select {function}(feature) as p",
            "owner": OWNER,
        },
    )
    assert dense.status_code == 200 and sparse.status_code == 200, (dense.text, sparse.text)
    assert dense.json() == sparse.json()
    assert dense.json()[0]["p"]["prediction"] == "setosa"
    client.post(
        "/run/script",
        data={
            "sql": f"register LogisticRegression.`{served['lr'].path}` as lr_probs"
            ' options output="probabilities";',
            "owner": OWNER,
        },
    )
    piped = client.post(
        "/model/predict",
        data={"data": "[[5.1, 3.5, 1.4, 0.2]]", "pipeline": "lr_probs,vec_dense", "owner": OWNER},
    )
    assert piped.status_code == 200, piped.text
    vector = piped.json()[0]["feature"]
    assert vector["type"] == 1 and vector["values"] == dense.json()[0]["p"]["probabilities"]


def test_models_are_listed_with_inputs_and_outputs(
    client: httpx.Client, served: dict[str, Served]
) -> None:
    listed = client.get("/v1/models", params={"owner": OWNER})
    assert listed.status_code == 200
    by_name = {m["name"]: m for m in listed.json()["models"]}
    events = by_name[served["events"].function]
    assert [(c["name"], c["kind"]) for c in events["inputs"]] == [
        ("city", "onehot"),
        ("when", "datetime"),
        ("amount", "numeric"),
    ]
    assert {o["name"] for o in events["outputs"]} >= {"prediction", "probabilities"}
    one = client.get(f"/v1/models/{served['kmeans'].function}", params={"owner": OWNER})
    assert one.status_code == 200 and one.json()["task"] == "clustering"
    assert one.json()["versions"] == [0]
    assert "/v1/models/{name}:predict" in client.get("/openapi.json").json()["paths"]


def test_cache_hits_are_counted_in_metrics(client: httpx.Client, served: dict[str, Served]) -> None:
    model = served["rf"]
    body = {"instances": [[6.1, 2.8, 4.7, 1.2]]}
    url = f"/v1/models/{model.function}:predict"
    first = client.post(url, params={"owner": OWNER}, json=body).json()
    before = _metric(client, "mlsql_serving_cache_hits_total")
    second = client.post(url, params={"owner": OWNER}, json=body).json()
    assert first == second
    assert _metric(client, "mlsql_serving_cache_hits_total") == before + 1
    text = client.get("/metrics").text
    assert "mlsql_serving_request_seconds_bucket" in text and "mlsql_serving_batch_size" in text
    assert "mlsql_serving_queue_depth" in text and "mlsql_serving_worker_restarts_total" in text


def _metric(client: httpx.Client, name: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"no metric {name}")


def test_serving_needs_the_access_token(anonymous: httpx.Client) -> None:
    assert anonymous.get("/v1/models").status_code == 401
    assert anonymous.get("/metrics").status_code == 401
    assert (
        anonymous.post("/model/predict", data={"data": "[[1]]", "sql": "f(feature)"}).status_code
        == 401
    )


def test_positive_class_option_is_served_like_spark(
    client: httpx.Client, served: dict[str, Served]
) -> None:
    from dataclasses import replace

    model = replace(served["events"], function="events_no")
    response = client.post(
        "/run/script",
        data={
            "sql": f"register LogisticRegression.`{model.path}` as events_no"
            ' options output="struct" and positiveClass="no";',
            "owner": OWNER,
        },
    )
    assert response.status_code == 200, response.text
    answer = client.post(
        "/v1/models/events_no:predict",
        params={"owner": OWNER},
        json={"instances": _instances(model)},
    )
    assert answer.status_code == 200, answer.text
    predictions = answer.json()["predictions"]
    spark = spark_rows(client, model)
    _assert_same(spark, predictions, "label")
    assert all(abs(p["probability"] - p["probabilities"][0]) < 1e-12 for p in predictions)
