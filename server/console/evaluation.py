"""Charts that need predictions: a confusion matrix, a ROC curve, a 2-D scatter of clusters.

A model's metadata keeps its metrics, not its predictions. To draw these, the console predicts
again on the table the owner's train statement evaluated on (`evaluateTable`, else the training
table), which must still be a table of the owner's session: `evaluation_script` writes the
`predict` statement, the route runs it as one of the owner's jobs, and `evaluation_charts` turns
the rows (at most `MAX_ROWS`) into chart data. Clusters are projected on their first two
principal components (of the model's numeric feature columns, standardised).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlsql.engine import Engine

    from ..services.history import JobHistory

MAX_ROWS = 5000
ROC_POINTS = 200
OUTPUT_NAME = "__console_eval"


class NotEvaluable(Exception):
    """The store cannot be evaluated (no train statement found for it)."""


def train_statement(engine: Engine, history: JobHistory, owner: str, path: str) -> dict[str, Any]:
    """The newest train statement (as `Engine.analyze` JSON) of the owner's jobs that trained `path`."""
    rows, _ = history.list(owner=owner, limit=500)
    for row in rows:
        try:
            statements = engine.analyze(row["sql"] or "")
        except Exception:  # a script that does not parse trained nothing
            continue
        for stmt in reversed(statements):
            target = stmt.get("path")
            if stmt.get("kind") != "train" or not isinstance(target, str) or "${" in target:
                continue
            if str(Path(target).expanduser().resolve()) == path:
                return stmt
    raise NotEvaluable(f"no train statement of yours trained {path}")


def evaluation_script(stmt: dict[str, Any], path: str, version: int) -> tuple[str, str]:
    """(the predict script, the table it predicts on) for one version of the store."""
    table = stmt["options"].get("evaluateTable") or stmt["table"]
    script = (
        f"predict {table} as {stmt['algorithm']}.`{path}` "
        f'where version="{int(version)}" as {OUTPUT_NAME};'
    )
    return script, table


def _key(value: Any) -> Any:
    """A class value comparable across types (1, 1.0 and "1" are one class)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def confusion(rows: list[dict[str, Any]], label: str, classes: list[Any]) -> dict[str, Any]:
    """Counts of (true class, predicted class), in the model's class order."""
    keys = [_key(c) for c in classes]
    index = {k: i for i, k in enumerate(keys)}
    matrix = [[0] * len(keys) for _ in keys]
    for row in rows:
        t, p = index.get(_key(row.get(label))), index.get(_key(row.get("prediction")))
        if t is not None and p is not None:
            matrix[t][p] += 1
    return {"classes": [str(c) for c in classes], "matrix": matrix}


def roc(rows: list[dict[str, Any]], label: str, classes: list[Any]) -> dict[str, Any] | None:
    """The ROC curve of a binary model (P(second class) as the score), or None."""
    import numpy as np
    from sklearn.metrics import roc_auc_score, roc_curve

    if len(classes) != 2:
        return None
    positive = _key(classes[1])
    pairs = [
        (_key(r.get(label)) == positive, r["probabilities"][1])
        for r in rows
        if isinstance(r.get("probabilities"), list) and len(r["probabilities"]) == 2
    ]
    truth = np.array([t for t, _ in pairs], dtype=bool)
    if len(pairs) < 2 or truth.all() or not truth.any():
        return None
    scores = np.array([s for _, s in pairs], dtype=float)
    fpr, tpr, _ = roc_curve(truth, scores)
    keep = np.unique(np.linspace(0, len(fpr) - 1, min(len(fpr), ROC_POINTS)).astype(int))
    points = [[float(fpr[i]), float(tpr[i])] for i in keep]
    return {
        "positive": str(classes[1]),
        "points": points,
        "auc": float(roc_auc_score(truth, scores)),
    }


def cluster_scatter(rows: list[dict[str, Any]], features: list[str]) -> dict[str, Any] | None:
    """Rows on the first two principal components of their numeric features, with clusters."""
    import numpy as np

    numeric = [c for c in features if rows and isinstance(rows[0].get(c), int | float)]
    if not numeric or not rows:
        return None
    x = np.array([[float(r.get(c) or 0.0) for c in numeric] for r in rows])
    x = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    if x.shape[1] == 1:
        xy = np.hstack([x, np.zeros_like(x)])
    else:
        _, _, vt = np.linalg.svd(x, full_matrices=False)
        xy = x @ vt[:2].T
    clusters = [int(r.get("prediction") or 0) for r in rows]
    return {
        "features": numeric,
        "points": [[float(a), float(b), c] for (a, b), c in zip(xy, clusters, strict=True)],
    }


def evaluation_charts(
    rows: list[dict[str, Any]], version: dict[str, Any], features: list[str]
) -> dict[str, Any]:
    """Chart data for a version from its predictions (`version` as `models.store_view` shows)."""
    task, label = version.get("task"), version.get("label")
    classes = version.get("classes") or []
    charts: dict[str, Any] = {"rows": len(rows), "task": task}
    if task == "classification" and label and classes:
        charts["confusion"] = confusion(rows, label, classes)
        charts["roc"] = roc(rows, label, classes)
    elif task == "clustering":
        charts["scatter"] = cluster_scatter(rows, features)
    return charts
