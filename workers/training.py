"""The training worker: one process per parameter group of a ``train`` statement.

``train_group`` is the pure core: from a batch source (one call = one pass over the training
table as Arrow record batches) it fits the group's algorithm, writes the model and its metadata
into a staging folder, evaluates it through the one loader, seals the folder and returns a
``GroupResult``. It never raises for a failed training: the result says ``failed`` and why.
Publishing the staging folder as a version is the driver's step (``mlsql.models.store.publish``).

The process entry reads a spec file (``WorkerSpec``, JSON)::

    python -m mlsql.workers.training --spec spec.json

prints progress as JSON lines on stdout (``{"event": "progress", "group": 0, "rows": …,
"epoch": …}``; anything else the training prints, e.g. a Python algorithm, goes to stderr), writes the ``GroupResult`` JSON to ``result_path``, ends with a
``{"event": "result", …}`` line, and exits 1 (the error also on stderr) when training failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from mlsql.errors import MLSQLError
from mlsql.models.algorithms import get_algorithm, trainer_for
from mlsql.models.algorithms.base import TrainContext, TrainOutcome
from mlsql.models.algorithms.common import training_part
from mlsql.models.dataset import BatchSource, frame_source
from mlsql.models.evaluation import evaluate
from mlsql.models.loader import open_folder, output_schema
from mlsql.models.metadata import ModelMetadata, library_versions
from mlsql.models.metrics import primary_metric
from mlsql.models.options import split_options
from mlsql.models.store import seal

from .sources import WorkerSpec

Progress = Callable[[dict[str, Any]], None]


@dataclass
class GroupSpec:
    """One parameter group to train.

    Attributes:
        algorithm: Algorithm name or alias (``RandomForest``).
        group: Index of the group (``fitParam.<group>.*``).
        params: The group's options: its ``fitParam.N.*`` values without the prefix, merged
            over the statement's own options (``labelCol``, ``featureCols``, …), as strings.
        run_id: Identifies the ``train`` statement; versions of one run survive each other's
            publishing without ``keepVersion``.
        seed: Seed unless ``params`` sets ``seed``.
        model_path: The statement's model path (recorded, not written by the worker).
    """

    algorithm: str
    group: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None
    seed: int = 42
    model_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GroupSpec:
        """Inverse of ``to_dict`` (unknown keys are ignored)."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class GroupResult:
    """The outcome of one group: ``status`` is ``success`` or ``failed`` (then ``error``)."""

    group: int
    algorithm: str
    status: str
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    task: str | None = None
    rows: int = 0
    evaluated_on: str | None = None
    ignored_params: list[str] = field(default_factory=list)
    staging_dir: str | None = None
    error: str | None = None
    error_code: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the group trained."""
        return self.status == "success"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GroupResult:
        """Inverse of ``to_dict`` (unknown keys are ignored)."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def train_group(
    spec: GroupSpec,
    batches: BatchSource,
    staging_dir: Path,
    progress: Progress,
    *,
    eval_batches: BatchSource | None = None,
) -> GroupResult:
    """Trains one parameter group into `staging_dir` (sealed on success).

    Args:
        spec: The group.
        batches: The training table; each call is one full pass.
        staging_dir: Where the model folder is written (created if needed).
        progress: Receives progress events (dicts).
        eval_batches: An evaluation table; without one, a seeded share of rows is held out.

    Returns:
        The result; ``status`` is ``failed`` with ``error`` when anything went wrong.
    """
    started = time.monotonic()
    try:
        result = _run(spec, batches, Path(staging_dir), progress, eval_batches)
    except Exception as exc:  # the worker's face: every failure becomes a result
        return _failed(spec, exc, time.monotonic() - started, staging_dir)
    result.seconds = time.monotonic() - started
    return result


def _context(
    spec: GroupSpec,
    batches: BatchSource,
    staging: Path,
    progress: Progress,
    eval_batches: BatchSource | None,
) -> TrainContext:
    algorithm = get_algorithm(spec.algorithm)
    options, params = split_options(algorithm, spec.params, seed=spec.seed)
    staging.mkdir(parents=True, exist_ok=True)
    return TrainContext(
        algorithm=algorithm,
        options=options,
        params=params,
        batches=frame_source(batches),
        eval_batches=frame_source(eval_batches) if eval_batches is not None else None,
        model_dir=staging,
        progress=progress,
        group=spec.group,
        all_params=dict(spec.params),
    )


def _run(
    spec: GroupSpec,
    batches: BatchSource,
    staging: Path,
    progress: Progress,
    eval_batches: BatchSource | None,
) -> GroupResult:
    """Fits, saves, evaluates through the loader, seals; raises on any failure."""
    ctx = _context(spec, batches, staging, progress, eval_batches)
    algorithm = ctx.algorithm
    outcome = trainer_for(algorithm)(ctx)
    meta = _metadata(spec, algorithm.name, outcome)
    meta.write(staging)
    metrics, evaluated_on = _evaluate(ctx, meta, outcome)
    primary = primary_metric(outcome.task)
    meta.metrics = metrics
    meta.primary_metric = primary[0] if primary and primary[0] in metrics else None
    meta.extra["evaluated_on"] = evaluated_on
    meta.write(staging)
    seal(staging)
    ctx.report(stage="saved", metrics=metrics)
    return GroupResult(
        group=spec.group,
        algorithm=algorithm.name,
        status="success",
        params=outcome.params,
        metrics=metrics,
        task=outcome.task,
        rows=outcome.rows,
        evaluated_on=evaluated_on,
        ignored_params=outcome.ignored_params,
        staging_dir=str(staging),
    )


def _metadata(spec: GroupSpec, algorithm: str, outcome: TrainOutcome) -> ModelMetadata:
    return ModelMetadata(
        algorithm=algorithm,
        loader=outcome.loader,
        model_file=outcome.model_file,
        task=outcome.task,
        params=outcome.params,
        features=outcome.featurizer.to_dict() if outcome.featurizer else None,
        label=outcome.label.to_dict() if outcome.label else None,
        outputs=[*output_schema(outcome.task, outcome.label), *outcome.outputs],
        group=spec.group,
        run_id=spec.run_id,
        libraries=library_versions(*outcome.libraries),
        trusted_types=outcome.trusted_types,
        extra={**outcome.extra, "rows": outcome.rows, "ignored_params": outcome.ignored_params},
    )


def _evaluate(
    ctx: TrainContext, meta: ModelMetadata, outcome: TrainOutcome
) -> tuple[dict[str, float], str]:
    """Metrics through the one loader, on the outcome's evaluation rows (training rows if none)."""
    if outcome.evaluation is None:
        return dict(outcome.metrics), outcome.evaluated_on
    model = open_folder(ctx.model_dir, meta)
    metrics, rows = evaluate(model, outcome.evaluation(), ctx.options.seed)
    evaluated_on = outcome.evaluated_on
    if rows == 0:
        metrics, rows = evaluate(model, training_part(ctx)(), ctx.options.seed)
        evaluated_on = "training"
    meta.extra["evaluation_rows"] = rows
    return {**outcome.metrics, **metrics}, evaluated_on


def _failed(spec: GroupSpec, exc: BaseException, seconds: float, staging: Path) -> GroupResult:
    detail = None
    if isinstance(exc, MLSQLError):
        message, code = exc.message, exc.code
    else:
        message, code = f"{type(exc).__name__}: {exc}", "worker"
        detail = "".join(traceback.format_exception(exc))
    return GroupResult(
        group=spec.group,
        algorithm=spec.algorithm,
        status="failed",
        params=dict(spec.params),
        seconds=seconds,
        staging_dir=str(staging),
        error=message,
        error_code=code,
        detail=detail,
    )


def _printer(stream: TextIO) -> Progress:
    def emit(event: dict[str, Any]) -> None:
        print(json.dumps(event, default=str), file=stream, flush=True)

    return emit


def _write_result(path: str, result: GroupResult) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(result.to_dict(), indent=2, default=str), encoding="utf-8")
    os.replace(tmp, target)


def run_spec(spec: WorkerSpec, progress: Progress) -> GroupResult:
    """Runs a worker spec: builds its batch sources and trains its group."""
    group = GroupSpec.from_dict(spec.group)
    try:
        batches = spec.batch_source(progress)
        eval_batches = spec.eval_batch_source(progress)
    except Exception as exc:
        return _failed(group, exc, 0.0, Path(spec.staging_dir))
    return train_group(group, batches, Path(spec.staging_dir), progress, eval_batches=eval_batches)


def main(argv: Sequence[str] | None = None) -> int:
    """Process entry: ``python -m mlsql.workers.training --spec spec.json``."""
    parser = argparse.ArgumentParser(prog="mlsql.workers.training", description=__doc__)
    parser.add_argument("--spec", required=True, help="path of the worker spec JSON")
    args = parser.parse_args(argv)
    try:
        spec = WorkerSpec.read(Path(args.spec))
    except Exception as exc:
        print(f"mlsql training worker: bad spec {args.spec}: {exc}", file=sys.stderr)
        return 2
    emit = _printer(sys.stdout)
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries only the JSON events
        result = run_spec(spec, emit)
    if spec.result_path:
        _write_result(spec.result_path, result)
    emit({"event": "result", **result.to_dict()})
    if not result.ok:
        print(
            f"mlsql training worker: group {result.group} failed: {result.error}", file=sys.stderr
        )
        if result.detail:
            print(result.detail, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
