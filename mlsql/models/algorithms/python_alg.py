"""``PythonAlg``: a user's own algorithm in a Python file.

``train t as PythonAlg.`/models/mine` where pythonFile="/jobs/alg.py" and labelCol="y";``
(or ``code='''…'''`` with the source inline).

The contract — the file defines two functions::

    def train(params: dict,
              batches: Callable[[], Iterator[pandas.DataFrame]],
              model_dir: str) -> dict | None:
        '''Fit on the data and save whatever the model needs under model_dir.

        params: every option of the parameter group (fitParam.N.* without the prefix, and the
            statement's options), values parsed ("3" → 3, "true" → True, "a,b" → ["a", "b"]).
        batches: each call is one full pass over the training rows, as pandas frames (Arrow
            record batches converted one at a time); call it once per epoch.
        model_dir: an empty folder that is saved with the model.
        Returns: metrics to record ({"name": number}), or None.
        '''

    def predict(model_dir: str, df: pandas.DataFrame) -> pandas.Series | numpy.ndarray | pandas.DataFrame:
        '''Predictions for the rows of df: a Series or 1-d array (the prediction), or a DataFrame with a
        "prediction" column and any others (e.g. "probability", "probabilities").'''

With ``labelCol``, rows are held out for evaluation as for other algorithms (``train`` sees
only the training part) and the standard metrics of the task are computed from ``predict``;
without one the task is ``custom`` and the metrics are what ``train`` returns.

Trust: this runs the user's code, in the training worker and wherever the model predicts,
exactly as MLSQL's Python algorithms did. The source is copied into the model folder
(``algorithm.py``) and covered by the folder's checksum marker, so a loaded model runs the code
it was trained with. It is compiled and executed as a fresh module, never imported by path
(no bytecode files are written into the model folder).
"""

from __future__ import annotations

import hashlib
import math
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from mlsql.errors import AnalysisError
from mlsql.models.algorithms.base import TrainContext, TrainOutcome
from mlsql.models.algorithms.common import (
    check_label_column,
    decide_task,
    evaluation_source,
    label_info,
    training_part,
)
from mlsql.models.labels import LabelStats
from mlsql.models.metadata import ModelMetadata
from mlsql.models.params import parse_value

ALGORITHM_FILE = "algorithm.py"
ARTIFACTS = "artifacts"


def _source(extra: dict[str, Any]) -> str:
    if extra.get("code"):
        return str(extra["code"])
    if extra.get("pythonFile"):
        path = Path(str(extra["pythonFile"]))
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AnalysisError(f"PythonAlg: cannot read pythonFile {path}: {exc}") from exc
    raise AnalysisError("PythonAlg needs pythonFile=\"/path/alg.py\" or code='''…'''")


def load_module(source: str, filename: str) -> types.ModuleType:
    """Executes `source` as a fresh module and checks it defines ``train`` and ``predict``."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    module = types.ModuleType(f"mlsql_user_algorithm_{digest}")
    module.__file__ = filename
    try:
        exec(compile(source, filename, "exec"), module.__dict__)
    except SyntaxError as exc:
        raise AnalysisError(f"PythonAlg: syntax error in {filename}: {exc}") from exc
    missing = [f for f in ("train", "predict") if not callable(getattr(module, f, None))]
    if missing:
        raise AnalysisError(f"PythonAlg: {filename} does not define {' and '.join(missing)}()")
    return module


def load_user_predict(folder: Path, metadata: ModelMetadata) -> Callable[[str, pd.DataFrame], Any]:
    """The ``predict`` function of a saved Python algorithm."""
    path = Path(folder) / metadata.model_file
    module = load_module(path.read_text(encoding="utf-8"), str(path))
    predict: Callable[[str, pd.DataFrame], Any] = module.predict
    return predict


def _metrics(returned: Any) -> dict[str, float]:
    if returned is None:
        return {}
    if not isinstance(returned, dict):
        raise AnalysisError(
            f"PythonAlg: train() must return a dict or None, not {type(returned).__name__}"
        )
    numbers = {str(k): float(v) for k, v in returned.items() if isinstance(v, int | float)}
    return {k: v for k, v in numbers.items() if math.isfinite(v)}


def _label_pass(
    ctx: TrainContext, frames: Callable[[], Iterator[pd.DataFrame]]
) -> tuple[LabelStats | None, list[str]]:
    label = ctx.options.label_col
    stats = LabelStats(label) if label else None
    columns: list[str] = []
    for df in frames():
        if not columns:
            check_label_column(ctx, df.columns)
            columns = [c for c in df.columns if c != label]
        if stats is not None and label is not None:
            stats.update(df[label])
    return stats, columns


def train(ctx: TrainContext) -> TrainOutcome:
    """Runs the user's ``train`` and records the file with the model."""
    source = _source(dict(ctx.options.extra))
    (ctx.model_dir / ALGORITHM_FILE).write_text(source, encoding="utf-8")
    module = load_module(source, str(ctx.model_dir / ALGORITHM_FILE))
    has_label = ctx.options.label_col is not None
    frames = training_part(ctx) if has_label else ctx.batches
    stats, columns = _label_pass(ctx, frames)
    task = decide_task(ctx, stats, None) if has_label or ctx.options.task else "custom"
    label = label_info(ctx, task, stats) if has_label else None
    artifacts = ctx.model_dir / ARTIFACTS
    artifacts.mkdir(exist_ok=True)
    params = {k: parse_value(v) for k, v in ctx.all_params.items()}
    returned = module.train(params, frames, str(artifacts))
    evaluation, evaluated_on = evaluation_source(ctx) if has_label else (None, "none")
    return TrainOutcome(
        task=task,
        model_file=ALGORITHM_FILE,
        loader="python",
        metrics=_metrics(returned),
        params=params,
        label=label,
        evaluation=evaluation,
        evaluated_on=evaluated_on,
        extra={"input_columns": columns},
    )
