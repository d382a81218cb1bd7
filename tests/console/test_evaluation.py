"""Chart data from predictions: confusion matrix and ROC against scikit-learn on the same rows,
the 2-D cluster view; and end to end through the server (a binary model and KMeans)."""

from __future__ import annotations

from pathlib import Path

import httpx
import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, roc_auc_score

from mlsql.server.console.evaluation import cluster_scatter, confusion, evaluation_charts, roc


def rows_of(
    truth: list[object], predicted: list[object], p1: list[float]
) -> list[dict[str, object]]:
    """Prediction rows as the predict statement gives them."""
    return [
        {"y": t, "prediction": p, "probabilities": [1 - s, s]}
        for t, p, s in zip(truth, predicted, p1, strict=True)
    ]


def test_confusion_and_roc_equal_scikit_learn() -> None:
    rng = np.random.default_rng(7)
    truth = rng.integers(0, 2, 300)
    score = np.clip(truth * 0.3 + rng.random(300) * 0.7, 0, 1)
    predicted = (score > 0.5).astype(int)
    # labels as floats (Spark's 0.0/1.0), predictions as ints: still one class each
    rows = rows_of([float(t) for t in truth], list(predicted), list(score))
    got = confusion(rows, "y", [0, 1])
    assert got["matrix"] == confusion_matrix(truth, predicted, labels=[0, 1]).tolist()
    curve = roc(rows, "y", [0, 1])
    assert curve is not None and curve["positive"] == "1"
    assert curve["auc"] == pytest.approx(roc_auc_score(truth, score))
    xs = [x for x, _ in curve["points"]]
    assert (
        xs == sorted(xs) and curve["points"][0] == [0.0, 0.0] and curve["points"][-1] == [1.0, 1.0]
    )


def test_roc_only_for_two_classes_with_both_present() -> None:
    assert roc(rows_of([0, 1, 2], [0, 1, 2], [0.1, 0.2, 0.3]), "y", [0, 1, 2]) is None
    assert roc(rows_of([1, 1], [1, 1], [0.7, 0.8]), "y", [0, 1]) is None


def test_cluster_scatter_keeps_every_row_and_its_cluster() -> None:
    rng = np.random.default_rng(3)
    centres = np.array([[0, 0, 0], [5, 5, 5]])
    rows = [
        {"a": float(x[0]), "b": float(x[1]), "c": float(x[2]), "name": "n", "prediction": k}
        for k in (0, 1)
        for x in centres[k] + rng.normal(size=(20, 3))
    ]
    view = cluster_scatter(rows, ["a", "b", "c", "name"])
    assert view is not None and view["features"] == ["a", "b", "c"]
    assert [p[2] for p in view["points"]] == [0] * 20 + [1] * 20
    first = np.array([p[0] for p in view["points"]])
    assert abs(first[:20].mean() - first[20:].mean()) > 2  # PC 1 separates the clusters


def test_charts_by_task() -> None:
    rows = rows_of([0, 1], [0, 1], [0.2, 0.9])
    classified = evaluation_charts(
        rows, {"task": "classification", "label": "y", "classes": [0, 1]}, []
    )
    assert set(classified) == {"rows", "task", "confusion", "roc"}
    regressed = evaluation_charts(rows, {"task": "regression", "label": "y"}, [])
    assert set(regressed) == {"rows", "task"}


@pytest.mark.slow
def test_evaluate_through_the_server(ann: httpx.Client, bob: httpx.Client, tmp_path: Path) -> None:
    nb, km = tmp_path / "nb", tmp_path / "km"
    sql = (
        "load sklearn.`breast_cancer` as bc;\n"
        f'train bc as NaiveBayes.`{nb}` where labelCol="label";\n'
        "load sklearn.`iris` as iris;\n"
        "select sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm from iris as x;\n"
        f'train x as KMeans.`{km}` where k="3" and seed="1";'
    )
    assert ann.post("/console/api/run", json={"sql": sql}).status_code == 200
    binary = ann.post("/console/api/models/evaluate", json={"path": str(nb), "version": 0}).json()
    assert binary["table"] == "bc" and binary["rows"] == 569
    assert sum(map(sum, binary["confusion"]["matrix"])) == 569
    correct = np.trace(np.array(binary["confusion"]["matrix"])) / 569
    assert correct > 0.9 and binary["roc"]["auc"] > 0.95
    clusters = ann.post("/console/api/models/evaluate", json={"path": str(km), "version": 0}).json()
    assert len(clusters["scatter"]["points"]) == 150
    assert {p[2] for p in clusters["scatter"]["points"]} == {0, 1, 2}
    refused = bob.post("/console/api/models/evaluate", json={"path": str(nb), "version": 0})
    assert refused.status_code == 404
