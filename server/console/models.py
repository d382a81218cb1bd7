"""The model stores an owner trained: paths from the owner's jobs, versions with their metrics.

The paths are those of the `train` statements of the owner's finished jobs (read from the job
history and parsed with `Engine.analyze`; paths with `${…}` variables are skipped). Each path is
read through the model store (`mlsql.models.store.ModelStore`, read-only): its sealed versions
and their metadata (algorithm, task, parameter group, metrics, parameters, classes).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlsql.engine import Engine

    from ..services.history import JobHistory

log = logging.getLogger("mlsql.server.console")

JOBS_SCANNED = 500
# version metadata `extra` keys the console shows (small values only)
EXTRA_KEYS = ("rows", "evaluated_on", "evaluation_rows", "estimator", "loss", "resource")


def trained_paths(engine: Engine, sql: str) -> list[str]:
    """Model paths of the train statements of a script (absolute; none if it does not parse)."""
    try:
        statements = engine.analyze(sql)
    except Exception:  # a script that failed to parse trained nothing
        return []
    paths = []
    for stmt in statements:
        path = stmt.get("path")
        if stmt.get("kind") == "train" and isinstance(path, str) and "${" not in path:
            paths.append(str(Path(path).expanduser().resolve()))
    return paths


def owner_model_paths(engine: Engine, history: JobHistory, owner: str) -> list[str]:
    """Model paths the owner's jobs trained, most recent first (each once)."""
    rows, _ = history.list(owner=owner, limit=JOBS_SCANNED)
    seen: dict[str, None] = {}
    for row in rows:
        for path in trained_paths(engine, row["sql"] or ""):
            seen.setdefault(path, None)
    return list(seen)


def _version(number: int, meta: Any) -> dict[str, Any]:
    """One version's view: what the model page shows and charts."""
    extra = {k: meta.extra[k] for k in EXTRA_KEYS if k in meta.extra}
    return {
        "version": number,
        "algorithm": meta.algorithm,
        "task": meta.task,
        "group": meta.group,
        "runId": meta.run_id,
        "status": meta.status,
        "created": meta.created,
        "metrics": meta.metrics,
        "primaryMetric": meta.primary_metric,
        "params": {k: v for k, v in meta.params.items() if not isinstance(v, dict | list)},
        "classes": meta.classes,
        "label": (meta.label or {}).get("column"),
        "features": [c.get("name") for c in (meta.features or {}).get("columns", [])],
        "outputs": meta.outputs,
        "extra": extra,
    }


def store_view(path: str) -> dict[str, Any] | None:
    """A model path's versions (oldest first) and best version; None if it holds no versions."""
    from mlsql.models.store import ModelStore

    store = ModelStore(path)
    versions = []
    for number in store.versions():
        try:
            versions.append(_version(number, store.metadata(number)))
        except Exception as err:  # a damaged version: listed as such, never fatal
            versions.append({"version": number, "error": str(err), "metrics": {}})
    if not versions:
        return None
    best = None
    try:
        best = store.best()
    except Exception:
        pass
    return {"path": path, "versions": versions, "best": best}


def summary(view: dict[str, Any]) -> dict[str, Any]:
    """The line of a store in the model list: path, algorithm, versions, latest metrics."""
    latest = view["versions"][-1]
    return {
        "path": view["path"],
        "algorithm": latest.get("algorithm"),
        "task": latest.get("task"),
        "versions": len(view["versions"]),
        "best": view["best"],
        "created": latest.get("created"),
        "metrics": latest.get("metrics", {}),
    }


def owner_models(engine: Engine, history: JobHistory, owner: str) -> list[dict[str, Any]]:
    """The summaries of every model store the owner trained that still has versions."""
    found = []
    for path in owner_model_paths(engine, history, owner):
        view = store_view(path)
        if view is not None:
            found.append(summary(view))
    return found
