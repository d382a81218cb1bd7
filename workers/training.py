"""The training worker: one process per trial (a parameter group, or one round of a searched
configuration) of a ``train`` statement.

``train_group`` is the pure core: from a batch source (one call = one pass over the training
table as Arrow record batches) it fits the trial's algorithm with the trial's budget
(``mlsql.models.budget``: trees, epochs, iterations or a share of rows; continuing the previous
round's model when the spec says so), writes the model and its metadata into a staging folder,
evaluates it through the one loader (metrics and loss, on the training rows too when asked),
seals the folder and returns a ``TrialResult`` (``mlsql.models.trials``, the one definition the
driver reads). It never raises for a failed training: the result says ``failed`` and why.
Publishing the staging folder as a version is the driver's step (``mlsql.models.store.publish``).

The process entry reads a spec file (``WorkerSpec``, JSON)::

    python -m mlsql.workers.training --spec spec.json

prints progress as JSON lines on stdout (``{"event": "progress", "group": 0, "rows": …,
"epoch": …}``; anything else the training prints, e.g. a Python algorithm, goes to stderr), writes the ``TrialResult`` JSON to ``result_path``, ends with a
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
from pathlib import Path
from typing import Any, TextIO

from mlsql.errors import MLSQLError
from mlsql.models.algorithms import get_algorithm, trainer_for
from mlsql.models.algorithms.base import TrainContext, TrainOutcome
from mlsql.models.algorithms.common import training_part
from mlsql.models.budget import budget_params, folder_size, row_fraction, row_sample
from mlsql.models.dataset import BatchSource, frame_source
from mlsql.models.fs import is_remote
from mlsql.models.loader import open_folder, output_schema
from mlsql.models.losses import evaluate_with_loss
from mlsql.models.metadata import ModelMetadata, library_versions
from mlsql.models.metrics import primary_metric
from mlsql.models.options import split_options
from mlsql.models.store import seal
from mlsql.models.trials import TrialResult, TrialSpec, TrialStatus

from .sources import WorkerSpec

Progress = Callable[[dict[str, Any]], None]


GroupSpec = TrialSpec  # the names of the first worker protocol (one trial = one group)
GroupResult = TrialResult


def train_group(
    spec: TrialSpec,
    batches: BatchSource,
    staging_dir: Path,
    progress: Progress,
    *,
    eval_batches: BatchSource | None = None,
) -> TrialResult:
    """Trains one trial into `staging_dir` (sealed on success).

    Args:
        spec: The trial (a parameter group, or a round of a searched configuration).
        batches: The training table; each call is one full pass.
        staging_dir: Where the model folder is written (created if needed).
        progress: Receives progress events (dicts).
        eval_batches: An evaluation table; without one, a seeded share of rows is held out.

    Returns:
        The result; ``status`` is ``failed`` with ``error`` when anything went wrong.
    """
    started, started_ms = time.monotonic(), _now_ms()
    try:
        result = _run(spec, batches, Path(staging_dir), progress, eval_batches)
    except Exception as exc:  # the worker's face: every failure becomes a result
        result = _failed(spec, exc, time.monotonic() - started, staging_dir)
    result.seconds = time.monotonic() - started
    result.started_ms, result.ended_ms = started_ms, _now_ms()
    return result


def _now_ms() -> int:
    return int(time.time() * 1000)


def _context(
    spec: TrialSpec,
    batches: BatchSource,
    staging: Path,
    progress: Progress,
    eval_batches: BatchSource | None,
) -> TrainContext:
    algorithm = get_algorithm(spec.algorithm)
    warm = spec.warm_start_from if spec.warm_start_from else None
    given = budget_params(
        algorithm.name, spec.params, spec.resource, spec.warm_start_resource if warm else None
    )
    options, params = split_options(algorithm, given, seed=spec.seed)
    fraction = row_fraction(algorithm.name, spec.resource, spec.resource_max)
    staging.mkdir(parents=True, exist_ok=True)
    return TrainContext(
        algorithm=algorithm,
        options=options,
        params=params,
        batches=frame_source(row_sample(batches, fraction, options.seed)),
        eval_batches=frame_source(eval_batches) if eval_batches is not None else None,
        model_dir=staging,
        progress=progress,
        group=spec.group,
        all_params=dict(given),
        warm_start_from=Path(warm) if warm else None,
    )


def _run(
    spec: TrialSpec,
    batches: BatchSource,
    staging: Path,
    progress: Progress,
    eval_batches: BatchSource | None,
) -> TrialResult:
    """Fits, saves, evaluates through the loader, seals; raises on any failure."""
    ctx = _context(spec, batches, staging, progress, eval_batches)
    algorithm = ctx.algorithm
    outcome = trainer_for(algorithm)(ctx)
    meta = _metadata(spec, algorithm.name, outcome)
    meta.write(staging)
    result = TrialResult(
        group=spec.group,
        algorithm=algorithm.name,
        status=TrialStatus.SUCCESS.value,
        params=outcome.params,
        task=outcome.task,
        rows=outcome.rows,
        ignored_params=outcome.ignored_params,
        staging_dir=str(staging),
        resource=spec.resource,
        warm_started=bool(outcome.extra.get("warm_started")),
    )
    _evaluate(ctx, meta, outcome, result)
    if spec.training_metrics:
        _evaluate_training(ctx, meta, result)
    primary = primary_metric(outcome.task)
    meta.metrics = result.metrics
    meta.primary_metric = primary[0] if primary and primary[0] in result.metrics else None
    meta.extra.update(evaluated_on=result.evaluated_on, loss=result.loss, resource=spec.resource)
    meta.write(staging)
    seal(staging)
    result.model_size = folder_size(staging)
    ctx.report(stage="saved", metrics=result.metrics, loss=result.loss)
    return result


def _metadata(spec: TrialSpec, algorithm: str, outcome: TrainOutcome) -> ModelMetadata:
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
    ctx: TrainContext, meta: ModelMetadata, outcome: TrainOutcome, result: TrialResult
) -> None:
    """Metrics and loss through the one loader, on the outcome's evaluation rows (training rows
    if none) into `result`."""
    if outcome.evaluation is None:
        result.metrics, result.evaluated_on = dict(outcome.metrics), outcome.evaluated_on
        return
    model = open_folder(ctx.model_dir, meta)
    seed = ctx.options.seed
    metrics, rows, loss, kind = evaluate_with_loss(model, outcome.evaluation(), seed)
    evaluated_on = outcome.evaluated_on
    if rows == 0:
        metrics, rows, loss, kind = evaluate_with_loss(model, training_part(ctx)(), seed)
        evaluated_on = "training"
    meta.extra["evaluation_rows"] = rows
    if outcome.task == "regression" and evaluated_on != "training":  # held-out rows only
        from mlsql.models.insight.conformal import calibrate

        meta.extra["conformal"] = calibrate(model, outcome.evaluation())
    result.metrics, result.evaluated_on = {**outcome.metrics, **metrics}, evaluated_on
    result.loss, result.loss_type = loss, kind


def _evaluate_training(ctx: TrainContext, meta: ModelMetadata, result: TrialResult) -> None:
    """Training metrics and loss (searches rank by them when nothing is held out)."""
    if result.evaluated_on == "training":
        result.training_metrics, result.training_loss = dict(result.metrics), result.loss
        return
    model = open_folder(ctx.model_dir, meta)
    metrics, _, loss, kind = evaluate_with_loss(model, training_part(ctx)(), ctx.options.seed)
    result.training_metrics, result.training_loss = metrics, loss
    result.loss_type = result.loss_type or kind


def _failed(
    spec: TrialSpec, exc: BaseException, seconds: float, staging: Path | str
) -> TrialResult:
    detail = None
    if isinstance(exc, MLSQLError):
        message, code = exc.message, exc.code
    else:
        message, code = f"{type(exc).__name__}: {exc}", "worker"
        detail = "".join(traceback.format_exception(exc))
    return TrialResult(
        group=spec.group,
        algorithm=spec.algorithm,
        status=TrialStatus.FAILED.value,
        params=dict(spec.params),
        seconds=seconds,
        staging_dir=str(staging),
        error=message,
        error_code=code,
        detail=detail,
        resource=spec.resource,
    )


def _printer(stream: TextIO) -> Progress:
    def emit(event: dict[str, Any]) -> None:
        print(json.dumps(event, default=str), file=stream, flush=True)

    return emit


def _write_result(path: str, result: TrialResult) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(json.dumps(result.to_dict(), indent=2, default=str), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:  # e.g. a full disk: leave no half-written file behind
        tmp.unlink(missing_ok=True)
        raise


def run_spec(spec: WorkerSpec, progress: Progress) -> TrialResult:
    """Runs a worker spec: builds its batch sources and trains its trial."""
    group = TrialSpec.from_dict(spec.group)
    try:
        batches = spec.batch_source(progress)
        eval_batches = spec.eval_batch_source(progress)
    except Exception as exc:
        return _failed(group, exc, 0.0, spec.staging_dir)
    if is_remote(spec.staging_dir):  # s3a:, hdfs:: train locally, then upload (staging.py)
        from .staging import train_remote

        return train_remote(
            spec.staging_dir,
            group,
            lambda trial, local: train_group(
                trial, batches, local, progress, eval_batches=eval_batches
            ),
        )
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
    raw = json.loads(Path(args.spec).read_text(encoding="utf-8"))
    if raw.get("trials"):  # several trials, the data read once (a search: trial_pack.py)
        from .trial_pack import DEFAULT_CACHE_BYTES, run_pack

        with contextlib.redirect_stdout(sys.stderr):
            limit = int(raw.get("cache_bytes") or DEFAULT_CACHE_BYTES)
            return run_pack(spec, raw["trials"], limit, emit)
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
