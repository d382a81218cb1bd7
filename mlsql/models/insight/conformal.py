"""Split-conformal prediction intervals for regression models.

At training time the worker scores the held-out rows (``validationFraction``) with the trained
model and stores, in the version's metadata (``extra["conformal"]``), the conformal quantile
of the absolute residuals for every level 0.01 … 0.99: with ``n`` held-out residuals sorted
ascending, the level-``a`` quantile is the ``ceil((n + 1) a)``-th smallest (levels needing more
than ``n`` are left out). ``[prediction - q, prediction + q]`` then covers a new row's value with
probability at least ``a`` when rows are exchangeable. A requested level is rounded up to the
next stored one (never less coverage than asked).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from mlsql.errors import AnalysisError

LEVELS = tuple(round(i / 100, 2) for i in range(1, 100))


def calibrate(model: Any, frames: Iterable[pd.DataFrame]) -> dict[str, Any] | None:
    """The conformal quantiles of a regression model's absolute residuals on `frames`."""
    label = model.label
    if label is None:
        return None
    parts = []
    for frame in frames:
        if frame.empty:
            continue
        y = label.encode(frame[label.column])
        yhat = model.predict(frame, outputs=["prediction"])["prediction"].to_numpy(np.float64)
        ok = ~(np.isnan(y) | np.isnan(yhat))
        parts.append(np.abs(y[ok] - yhat[ok]))
    residuals = np.sort(np.concatenate(parts)) if parts else np.empty(0)
    n = len(residuals)
    if not n:
        return None
    levels, quantiles = [], []
    for level in LEVELS:
        rank = math.ceil((n + 1) * level)
        if rank <= n:
            levels.append(level)
            quantiles.append(float(residuals[rank - 1]))
    return {"method": "split-conformal", "rows": n, "levels": levels, "quantiles": quantiles}


def interval_width(metadata: Any, text: str) -> float:
    """The half-width of the level-`text` interval of a version.

    Raises:
        AnalysisError: Not a level in (0, 1), a model without calibration, or a level the
            calibration rows cannot support.
    """
    try:
        level = float(text)
    except ValueError:
        level = math.nan
    if not 0 < level < 1:
        raise AnalysisError(f'confidence must be a level between 0 and 1, such as "0.9": {text!r}')
    if metadata.task != "regression":
        raise AnalysisError(
            f"confidence intervals are for regression models; a {metadata.task} model has a"
            ' `confidence` output instead (output="confidence")'
        )
    calibration = (metadata.extra or {}).get("conformal")
    if not calibration:
        raise AnalysisError(
            "this model version has no conformal calibration: train it with held-out rows"
            ' (validationFraction > 0, e.g. "0.2")'
        )
    for stored, q in zip(calibration["levels"], calibration["quantiles"], strict=True):
        if stored >= level - 1e-9:
            return float(q)
    raise AnalysisError(
        f"{calibration['rows']} calibration rows cannot support a {level} interval; the"
        f" highest is {calibration['levels'][-1] if calibration['levels'] else 'none'}"
    )
