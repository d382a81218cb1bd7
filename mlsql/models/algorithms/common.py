"""What every trainer decides the same way: the task, the label, and where evaluation rows are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd

from mlsql.errors import AnalysisError
from mlsql.models.algorithms.base import FrameSource, TrainContext
from mlsql.models.dataset import drop_missing_labels, validation_mask
from mlsql.models.labels import LabelInfo, LabelStats


def decide_task(ctx: TrainContext, stats: LabelStats | None, estimator_task: str | None) -> str:
    """The task of this group: the ``task`` option, the algorithm's or estimator's only task,
    or what the label implies.

    Raises:
        AnalysisError: The algorithm cannot do that task, or a needed label is missing.
    """
    alg, options = ctx.algorithm, ctx.options
    task = options.task or estimator_task
    if task is None and len(alg.tasks) == 1:
        task = alg.tasks[0]
    if task is None and stats is not None:
        task = stats.finish(None, alg.whole_floats_are_classes).task
    if task is None:
        if alg.tasks and "clustering" not in alg.tasks:
            raise AnalysisError(f'{alg.name} needs a label: set labelCol="<column>"')
        task = "clustering"
    if alg.tasks and task not in alg.tasks:
        raise AnalysisError(f"{alg.name} cannot train {task}; it trains {', '.join(alg.tasks)}")
    if task != "clustering" and options.label_col is None:
        raise AnalysisError(f'{alg.name} {task} needs a label: set labelCol="<column>"')
    return task


def check_label_column(ctx: TrainContext, columns: Iterable[str]) -> None:
    """Raises AnalysisError when the label column is set but not in the table."""
    label = ctx.options.label_col
    columns = list(columns)
    if label is not None and label not in columns:
        raise AnalysisError(f"label column {label!r} is not in the training table {columns}")


def label_info(ctx: TrainContext, task: str, stats: LabelStats | None) -> LabelInfo | None:
    """The label of a classification or regression task (None for clustering)."""
    if task == "clustering" or stats is None:
        return None
    return stats.finish(task, ctx.algorithm.whole_floats_are_classes)


def held_out(ctx: TrainContext) -> FrameSource:
    """Validation rows of the training source (seeded split), label-complete."""
    options = ctx.options

    def frames() -> Iterator[pd.DataFrame]:
        for df in ctx.batches():
            part = df[validation_mask(df, options.validation_fraction, options.seed)]
            part = drop_missing_labels(part.reset_index(drop=True), options.label_col)
            if len(part):
                yield part

    return frames


def training_part(ctx: TrainContext) -> FrameSource:
    """Training rows of the training source: all rows when an evaluation table is given or
    nothing is held out, else the rows the seeded split keeps; label-complete."""
    options = ctx.options
    split = ctx.eval_batches is None and options.validation_fraction > 0

    def frames() -> Iterator[pd.DataFrame]:
        for df in ctx.batches():
            part = (
                df[~validation_mask(df, options.validation_fraction, options.seed)] if split else df
            )
            part = drop_missing_labels(part.reset_index(drop=True), options.label_col)
            if len(part):
                yield part

    return frames


def evaluation_source(ctx: TrainContext) -> tuple[FrameSource, str]:
    """Where to evaluate: the evaluation table, else the held-out rows."""
    if ctx.eval_batches is not None:
        source = ctx.eval_batches
        label = ctx.options.label_col

        def frames() -> Iterator[pd.DataFrame]:
            for df in source():
                yield drop_missing_labels(df, label)

        return frames, "evaluation table"
    if ctx.options.validation_fraction > 0:
        return held_out(ctx), "validation"
    return training_part(ctx), "training"


def evaluation_label(ctx: TrainContext, task: str) -> dict[str, str]:
    """Metadata naming the ``evalLabelCol`` of a clustering model (empty otherwise)."""
    column = ctx.options.extra.get("evalLabelCol")
    if task != "clustering" or not column:
        return {}
    return {"eval_label_col": str(column)}
