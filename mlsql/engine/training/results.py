"""The table a train statement returns: one row per configuration (a group, an algorithm, or a
searched configuration), with three families of columns side by side:

- ours: ``group, status, algorithm, params, accuracy, f1, auc, rmse, r2, silhouette, acc, nmi,
  ari, seconds, version, best, error`` (``best`` marks what ``version="best"`` resolves to;
  ``acc``/``nmi``/``ari`` score clusters against an ``evalLabelCol``);
- Byzer's: ``modelPath, algIndex, alg, metrics`` (name/value pairs), ``message, startTime,
  endTime`` (epoch ms), ``trainParams``; ``status`` is ``success`` or ``fail`` as in Byzer;
- MADlib's (searches only): ``mst_key, model_size`` (KB), ``metrics_elapsed_time,
  metrics_type, loss_type``, ``training_/validation_`` ``metrics_final, loss_final, metrics,
  loss`` (per round, the primary metric), ``metrics_iters`` (cumulative units per round), and
  Hyperband's ``s, i`` (bracket, last round reached).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mlsql.engine.training.plans.base import TrialHistory
from mlsql.models.trials import TrialResult

METRIC_COLUMNS = ("accuracy", "f1", "auc", "rmse", "r2", "silhouette", "acc", "nmi", "ari")
OUR_SCHEMA = (
    "group int, status string, algorithm string, params string, "
    + ", ".join(f"{m} double" for m in METRIC_COLUMNS)
    + ", seconds double, version int, best boolean, error string"
)
BYZER_SCHEMA = (
    "modelPath string, algIndex int, alg string, "
    "metrics array<struct<name:string,value:double>>, message string, "
    "startTime long, endTime long, trainParams map<string,string>"
)
MADLIB_SCHEMA = (
    "mst_key int, model_size double, metrics_elapsed_time array<double>, "
    "metrics_type array<string>, loss_type string, "
    "training_metrics_final double, training_loss_final double, "
    "training_metrics array<double>, training_loss array<double>, "
    "validation_metrics_final double, validation_loss_final double, "
    "validation_metrics array<double>, validation_loss array<double>, "
    "metrics_iters array<int>, s int, i int"
)


@dataclass
class Published:
    """Where each configuration's final model went."""

    versions: dict[int, int]
    model_path: str
    best_group: int | None


def schema(search: bool) -> str:
    """The table's Spark DDL schema."""
    return ", ".join([OUR_SCHEMA, BYZER_SCHEMA, *([MADLIB_SCHEMA] if search else [])])


def row(history: TrialHistory, published: Published, search: bool) -> tuple[Any, ...]:
    """One configuration's row."""
    final = history.last
    assert final is not None
    return (*_ours(final, published), *_byzer(history, final, published)) + (
        _madlib(history, final) if search else ()
    )


def _ours(r: TrialResult, published: Published) -> tuple[Any, ...]:
    return (
        r.group,
        byzer_status(r),
        r.algorithm,
        json.dumps(r.params or {}, sort_keys=True, default=str),
        *(_float(r.metrics.get(m)) for m in METRIC_COLUMNS),
        _float(r.seconds),
        published.versions.get(r.group),
        r.group == published.best_group,
        r.error,
    )


def _byzer(history: TrialHistory, r: TrialResult, published: Published) -> tuple[Any, ...]:
    version = published.versions.get(r.group)
    path = f"{published.model_path.rstrip('/')}/_model_{version}" if version is not None else ""
    metrics = [(k, float(v)) for k, v in sorted(r.metrics.items()) if _float(v) is not None]
    started = history.rounds[0].started_ms if history.rounds else r.started_ms
    params = {k: str(v) for k, v in history.spec.params.items()}
    return (path, r.group, r.algorithm, metrics, r.error or "", started, r.ended_ms, params)


def _madlib(history: TrialHistory, r: TrialResult) -> tuple[Any, ...]:
    primary = _primary(r) or ""
    rounds = history.rounds
    elapsed, total = [], 0.0
    for one in rounds:
        total += one.seconds
        elapsed.append(round(total, 6))
    validated = r.evaluated_on not in (None, "training")
    train_metric = [_float(x.training_metrics.get(primary)) for x in rounds]
    train_loss = [_float(x.training_loss) for x in rounds]
    val_metric = [_float(x.metrics.get(primary)) for x in rounds] if validated else []
    val_loss = [_float(x.loss) for x in rounds] if validated else []
    return (
        r.group + 1,
        r.model_size / 1024.0,
        elapsed,
        [primary] if primary else [],
        r.loss_type,
        train_metric[-1] if train_metric else None,
        train_loss[-1] if train_loss else None,
        train_metric,
        train_loss,
        val_metric[-1] if val_metric else None,
        val_loss[-1] if val_loss else None,
        val_metric,
        val_loss,
        [int(x) for x in history.resources[: len(rounds)]],
        history.spec.bracket,
        history.spec.round,
    )


def _primary(r: TrialResult) -> str | None:
    from mlsql.models.metrics import primary_metric

    primary = primary_metric(r.task or "")
    return primary[0] if primary else None


def byzer_status(r: TrialResult) -> str:
    """``success`` or ``fail`` (Byzer's words)."""
    return "success" if r.ok else "fail"


def sort_rows(rows: list[tuple[Any, ...]], names: list[str], metric: str | None) -> list[Any]:
    """Rows by group, or best first by `metric` (rows without it last)."""
    if metric is None:
        return sorted(rows, key=lambda r: r[0])
    from mlsql.models.metrics import metric_direction

    higher = metric_direction(metric)
    index = names.index("metrics")

    def value(r: tuple[Any, ...]) -> tuple[int, float, int]:
        found = next((v for k, v in r[index] if k.lower() == metric.lower()), None)
        if found is None:
            return (1, 0.0, r[0])
        return (0, -found if higher else found, r[0])

    return sorted(rows, key=value)


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None
