"""Fixtures of the serving tests: models trained without Spark and published to a store, their
rows as JSON-lines files, and functions registered in an owner's session of the real server
(`tests/server/conftest.py::server`) through `/run/script`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import pandas as pd
import pytest

from mlsql.server.process import ServerProcess
from tests.server.helpers import TOKEN
from tests.server.serving.helpers import FEATURES, events_frame, iris_frame, publish_model

OWNER = "serving-tests"
ALGORITHMS = {
    "rf": "RandomForest",
    "lr": "LogisticRegression",
    "dnn": "DNNClassifier",
    "kmeans": "KMeans",
    "events": "LogisticRegression",
}


@dataclass(frozen=True)
class Served:
    """A model registered on the server: its function, columns and the rows to compare on."""

    function: str
    path: Path
    columns: list[str]
    rows: list[dict]
    view: str


def _iris_rows() -> list[dict]:
    frame = iris_frame()[FEATURES]
    return [{"id": i, **row} for i, row in enumerate(frame.to_dict("records"))]


def _event_rows() -> list[dict]:
    frame = events_frame().drop(columns="label")
    frame["when"] = frame["when"].dt.strftime("%Y-%m-%d %H:%M:%S")
    return [{"id": i, **row} for i, row in enumerate(frame.to_dict("records"))]


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory, server: ServerProcess) -> dict[str, Served]:
    """RF, LR, Keras DNN, KMeans and a featurised LR, registered as struct functions."""
    root = tmp_path_factory.mktemp("serving-models")
    iris, events = iris_frame(), events_frame()
    fixed = {"seed": "3", "validationFraction": "0"}
    label = {"labelCol": "species", **fixed}
    paths = {
        "rf": publish_model(root, "rf", "RandomForest", {**label, "numTrees": "20"}, iris),
        "lr": publish_model(root, "lr", "LogisticRegression", {**label, "maxIter": "300"}, iris),
        "dnn": publish_model(
            root, "dnn", "DNNClassifier", {**label, "hiddenUnits": "8", "epochs": "3"}, iris
        ),
        "kmeans": publish_model(
            root, "kmeans", "KMeans", {"k": "3", **fixed}, iris.drop(columns="species")
        ),
        "events": publish_model(
            root, "events", "LogisticRegression", {"labelCol": "label", **fixed}, events
        ),
    }
    iris_file, events_file = root / "iris.json", root / "events.json"
    pd.DataFrame(_iris_rows()).to_json(iris_file, orient="records", lines=True)
    pd.DataFrame(_event_rows()).to_json(events_file, orient="records", lines=True)
    script = [
        f"load json.`{iris_file}` as iris_rows;",
        f"load json.`{events_file}` as events_raw;",
        "select id, city, cast(`when` as timestamp) as `when`, amount from events_raw"
        " as events_rows;",
    ]
    out: dict[str, Served] = {}
    for name, path in paths.items():
        function = f"{name}_s"
        algorithm = ALGORITHMS[name]
        script.append(f'register {algorithm}.`{path}` as {function} options output="struct";')
        if name == "events":
            out[name] = Served(
                function, path, ["city", "when", "amount"], _event_rows(), "events_rows"
            )
        else:
            out[name] = Served(function, path, FEATURES, _iris_rows(), "iris_rows")
    script.append("select 1 as done as ok;")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=300.0) as client:
        response = client.post("/run/script", data={"sql": "\n".join(script), "owner": OWNER})
    assert response.status_code == 200, response.text
    return out


def spark_rows(client: httpx.Client, model: Served) -> list[dict]:
    """The registered Spark function's struct output per row, in id order."""
    columns = ", ".join(f"`{c}`" for c in model.columns)
    sql = f"select id, {model.function}({columns}) as p from {model.view} order by id as out;"
    response = client.post("/run/script", data={"sql": sql, "owner": OWNER})
    assert response.status_code == 200, response.text
    return [row["p"] for row in response.json()]
