"""What served answers mean, and whose functions an owner sees.

- Classifiers answer as the engine's signature says (`mlsql.models.signature`): every one gives
  ``label``, ``confidence`` and ``probabilities``; ``probability`` is the positive class's
  (binary: the second class; any model with ``positiveClass``), absent for a multi-class model
  without one. ``[serving.models]`` takes ``positive_class`` like register's ``positiveClass``.
- Numeric rows travel to the worker as a raw float64 matrix: the answers equal the Arrow path's
  and the loader's, missing values included.
- Byzer's ``dataType=string`` answers like the Spark function; ``context.*`` parameters are
  accepted and change nothing.
- An owner sees only its own session's functions and the configured models: never those of
  the engine's ``default`` session.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest

from mlsql.models.loader import load_model
from mlsql.server.serving.inputs import to_arrow
from mlsql.server.serving.models import SignatureBook
from mlsql.server.serving.pool import WorkerPool
from mlsql.server.serving.protocol import matrix_bytes, table_bytes
from tests.server.serving.conftest import OWNER, Served
from tests.server.serving.helpers import FEATURES, iris_frame, publish_model

CLASSES = ["setosa", "versicolor", "virginica"]
ROWS = [[5.1, 3.5, 1.4, 0.2], [6.3, 2.8, 5.1, 1.5], [5.8, None, 4.1, 1.0]]


@pytest.fixture(scope="module")
def iris_lr(tmp_path_factory: pytest.TempPathFactory) -> Path:
    params = {"labelCol": "species", "maxIter": "300", "seed": "3", "validationFraction": "0"}
    return publish_model(
        tmp_path_factory.mktemp("semantics"), "lr", "LogisticRegression", params, iris_frame()
    )


def _frame(rows: list[list[float | None]]) -> pd.DataFrame:
    return pd.DataFrame([[np.nan if v is None else v for v in r] for r in rows], columns=FEATURES)


def test_float64_frames_answer_like_arrow_frames_and_the_loader(iris_lr: Path) -> None:
    version = SignatureBook().version(str(iris_lr), "latest")
    header = {"op": "predict", "path": str(iris_lr), "version": version.version}
    rows = [tuple(r) for r in ROWS]

    async def run() -> tuple[dict, dict]:
        async with WorkerPool(1, request_timeout_s=120) as pool:  # a loaded CI machine
            await pool.warm(str(iris_lr), version.version)
            arrow, _ = await pool.call(
                header, table_bytes(to_arrow(rows, version.signature.inputs))
            )
            raw, _ = await pool.call(
                {**header, "body": "f8", "columns": FEATURES}, matrix_bytes(rows)
            )
            bad, _ = await pool.call({**header, "body": "f8", "columns": FEATURES}, b"\0" * 12)
            assert not bad["ok"] and "float64 body of 12 bytes" in bad["message"]
            return arrow["columns"], raw["columns"]

    arrow, raw = asyncio.run(run())
    assert raw == arrow  # the same floats, bit for bit
    expected = load_model(iris_lr).predict(_frame(ROWS))
    assert raw["prediction"] == expected["prediction"].tolist()
    assert raw["probabilities"] == [list(p) for p in expected["probabilities"]]


def test_configured_positive_class_answers_its_probability(iris_lr: Path) -> None:
    from mlsql.config import ServedModelSettings, ServingSettings
    from mlsql.server.serving.service import ServingService

    models = {
        "plain": ServedModelSettings(path=str(iris_lr)),
        "virginica": ServedModelSettings.model_validate(
            {"path": str(iris_lr), "positiveClass": "virginica"}
        ),
    }

    async def run() -> tuple[list[dict], list[dict]]:
        service = await ServingService(ServingSettings(workers=1, models=models)).start()
        try:
            plain = await service.predict(service.model("plain", {}, "anyone"), ROWS)
            chosen = await service.predict(service.model("virginica", {}, "anyone"), ROWS)
            return plain, chosen
        finally:
            await service.stop()

    plain, chosen = asyncio.run(run())
    # Multi-class without a positive class: label, confidence and probabilities, no probability.
    assert all("probability" not in p for p in plain)
    assert all(set(p) >= {"prediction", "confidence", "probabilities"} for p in plain)
    expected = load_model(iris_lr).predict(
        _frame(ROWS), outputs=["probability"], positive_class="virginica"
    )
    np.testing.assert_allclose(
        [p["probability"] for p in chosen], expected["probability"], atol=1e-12
    )
    assert [p["probability"] for p in chosen] == [p["probabilities"][2] for p in chosen]


def test_v1_answers_follow_the_signature(client: httpx.Client, served: dict[str, Served]) -> None:
    def first(name: str, row: list | dict) -> dict:
        response = client.post(
            f"/v1/models/{served[name].function}:predict",
            params={"owner": OWNER},
            json={"instances": [row]},
        )
        assert response.status_code == 200, response.text
        return response.json()["predictions"][0]

    multi = first("rf", [6.3, 2.8, 5.1, 1.5])
    assert set(multi) == {"label", "confidence", "probabilities", "version"}
    assert multi["label"] in CLASSES and len(multi["probabilities"]) == 3
    assert multi["confidence"] == max(multi["probabilities"])
    events = served["events"]
    binary = first("events", {c: events.rows[0][c] for c in events.columns})
    assert set(binary) == {"label", "probability", "confidence", "probabilities", "version"}
    # Binary: the probability of the positive class, the second of the sorted classes ("yes").
    assert binary["probability"] == binary["probabilities"][1]


def test_byzer_string_data_equals_the_spark_function(
    client: httpx.Client, tmp_path_factory: pytest.TempPathFactory
) -> None:
    rng = np.random.default_rng(11)
    colours = rng.choice(["red", "green", "blue", "grey"], size=200)
    label = np.where(np.isin(colours, ["red", "blue"]), "warm", "cold")
    frame = pd.DataFrame({"feature": colours, "label": label})
    params = {"labelCol": "label", "seed": "3", "validationFraction": "0"}
    root = tmp_path_factory.mktemp("strings")
    path = publish_model(root, "colours", "LogisticRegression", params, frame)
    data = ["red", "grey", "blue", "purple"]  # purple: a category the model never saw
    values = ", ".join(f"({i}, '{v}')" for i, v in enumerate(data))
    script = (
        f'register LogisticRegression.`{path}` as colour_s options output="struct";\n'
        f"select id, feature from values {values} as t(id, feature) as colour_rows;\n"
        "select id, colour_s(feature) as p from colour_rows order by id as out;"
    )
    spark = client.post("/run/script", data={"sql": script, "owner": OWNER})
    assert spark.status_code == 200, spark.text
    expected = [row["p"] for row in spark.json()]
    answer = client.post(
        "/model/predict",
        data={
            "owner": OWNER,
            "dataType": "string",
            "data": json.dumps(data),
            "sql": "select colour_s(feature) as p",
        },
    )
    assert answer.status_code == 200, answer.text
    served = [row["p"] for row in answer.json()]
    assert [s["prediction"] for s in served] == [e["prediction"] for e in expected]
    np.testing.assert_allclose(
        [s["probabilities"] for s in served], [e["probabilities"] for e in expected], atol=1e-9
    )


def test_byzer_context_parameters_are_accepted_and_change_nothing(
    client: httpx.Client, served: dict[str, Served]
) -> None:
    form = {
        "owner": OWNER,
        "data": json.dumps([[5.1, 3.5, 1.4, 0.2]]),
        "sql": f"select {served['lr'].function}(feature) as p",
    }
    plain = client.post("/model/predict", data=form)
    context = {
        "context.__default__include_fetch_url__": "http://127.0.0.1:9/include",
        "context.__default__console_url__": "http://127.0.0.1:9",
        "context.anything": "x",
    }
    with_context = client.post("/model/predict", data={**form, **context})
    assert plain.status_code == with_context.status_code == 200, with_context.text
    assert with_context.json() == plain.json()


def test_an_owner_never_sees_the_default_sessions_functions(
    client: httpx.Client, served: dict[str, Served]
) -> None:
    path = served["lr"].path
    registered = client.post(
        "/run/script",
        data={
            "sql": f"register LogisticRegression.`{path}` as shared_lr;",
            "owner": "default",
        },
    )
    assert registered.status_code == 200, registered.text
    body = {"instances": [[5.1, 3.5, 1.4, 0.2]]}
    as_default = client.post("/v1/models/shared_lr:predict", params={"owner": "default"}, json=body)
    assert as_default.status_code == 200, as_default.text
    as_owner = client.post("/v1/models/shared_lr:predict", params={"owner": OWNER}, json=body)
    assert as_owner.status_code == 404
    message = as_owner.json()["message"]  # names the model asked, then the owner's functions
    assert message.startswith("no model 'shared_lr'") and message.count("shared_lr") == 1
    listed = client.get("/v1/models", params={"owner": OWNER}).json()["models"]
    assert "shared_lr" not in {m["name"] for m in listed}
    byzer = client.post(
        "/model/predict",
        data={"owner": OWNER, "data": "[[5.1, 3.5, 1.4, 0.2]]", "sql": "select shared_lr(feature)"},
    )
    assert byzer.status_code == 404
