"""Evaluation metrics from mergeable per-partition statistics (the `evaluate` statement).

A partition of (label, prediction outputs) rows is reduced to a small JSON-able dict of
sufficient statistics (``partition_stats``); the driver merges those dicts (``merge``) and turns
the total into metric rows (``finish``). No row ever leaves its partition.

- classification: the confusion matrix (classes × classes), the sum of ``-log p(true class)``
  and, per class, histograms of the class's probability over ``AUC_BINS`` equal bins of [0, 1]
  for the rows of that class and for the others. Accuracy, per-class precision / recall / F1
  with macro and support-weighted averages, log loss and ROC AUC (of the positive class for
  two classes, the one-vs-rest macro mean for more, as scikit-learn's ``roc_auc_score``) follow.
  The histogram AUC counts two scores in one bin as a tie (half a pair): it is exact when no
  two different scores of a positive and a negative row fall within 1/``AUC_BINS`` of each
  other, and off by at most the share of such pairs otherwise. Rows whose label is null or not
  one of the model's classes are counted (``rows_unknown_label``) and left out.
- regression: count, mean and centred sum of squares of the label (merged with Chan's
  formula), sums of squared, absolute and absolute percentage errors: RMSE, MAE, R², MAPE
  (scikit-learn's definition: ``|e| / max(|y|, eps)``). Rows with a null label or prediction
  are left out.
- clustering: the contingency table (cluster id × true class) gives ``acc`` (Hungarian
  matching), ``nmi`` (arithmetic normalisation) and ``ari``; without a label column only the
  cluster sizes and the inertia (sum of squared distances to the assigned centre).

Metric rows are ``(metric, class, predicted, value)``: ``class`` is set for per-class metrics
and the confusion matrix (true class), ``predicted`` only for the confusion matrix.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

AUC_BINS = 4096
EPS = float(np.finfo(np.float64).eps)
Row = tuple[str, str | None, str | None, float]


def partition_stats(
    task: str, label: pd.Series, out: pd.DataFrame, classes: Sequence[Any] | None, encode: Any
) -> dict[str, Any]:
    """The statistics of one batch of rows.

    Args:
        task: classification, regression or clustering.
        label: The true values (classes, numbers, or cluster classes; may be all null for
            clustering without a label).
        out: The model's struct output columns for the same rows.
        classes: The model's classes (classification).
        encode: ``LabelInfo.encode`` of the model (classification and regression).
    """
    if task == "classification":
        return _classification_stats(label, out, len(classes or ()), encode)
    if task == "regression":
        return _regression_stats(encode(label), out["prediction"].to_numpy(np.float64))
    return _clustering_stats(label, out)


def _classification_stats(
    label: pd.Series, out: pd.DataFrame, k: int, encode: Any
) -> dict[str, Any]:
    truth = encode(label)
    known = truth >= 0
    pred = encode(out["prediction"])
    t, p = truth[known], pred[known]
    confusion = np.zeros((k, k), dtype=np.int64)
    ok = p >= 0
    np.add.at(confusion, (t[ok], p[ok]), 1)
    stats: dict[str, Any] = {
        "n": int(known.sum()),
        "unknown": int((~known).sum()),
        "confusion": confusion.tolist(),
    }
    if "probabilities" in out.columns and len(t):
        proba = np.vstack(out["probabilities"][known].to_list()).astype(np.float64)
        p_true = np.clip(proba / proba.sum(axis=1, keepdims=True), EPS, 1 - EPS)
        stats["log_loss_sum"] = float(-np.log(p_true[np.arange(len(t)), t]).sum())
        bins = np.clip((proba * AUC_BINS).astype(np.int64), 0, AUC_BINS - 1)
        pos, neg = [], []
        for c in range(k):
            is_c = t == c
            pos.append(np.bincount(bins[is_c, c], minlength=AUC_BINS).tolist())
            neg.append(np.bincount(bins[~is_c, c], minlength=AUC_BINS).tolist())
        stats["pos"], stats["neg"] = pos, neg
    return stats


def _regression_stats(y: np.ndarray, yhat: np.ndarray) -> dict[str, Any]:
    ok = ~(np.isnan(y) | np.isnan(yhat))
    y, e = y[ok], yhat[ok] - y[ok]
    n = len(y)
    mean = float(y.mean()) if n else 0.0
    return {
        "n": n,
        "mean": mean,
        "m2": float(((y - mean) ** 2).sum()),
        "sse": float((e**2).sum()),
        "sae": float(np.abs(e).sum()),
        "sape": float((np.abs(e) / np.maximum(np.abs(y), EPS)).sum()),
    }


def _clustering_stats(label: pd.Series, out: pd.DataFrame) -> dict[str, Any]:
    ids = out["prediction"].astype("Int64").astype(str)
    truth = label.astype(object).where(label.notna(), None)
    counts: dict[str, dict[str, int]] = {}
    for cluster, cls in zip(ids, truth, strict=True):
        key = "" if cls is None else str(cls)
        row = counts.setdefault(cluster, {})
        row[key] = row.get(key, 0) + 1
    stats: dict[str, Any] = {"n": len(ids), "counts": counts}
    if "distance" in out.columns:
        stats["inertia"] = float(np.nansum(out["distance"].to_numpy(np.float64) ** 2))
    return stats


def merge(task: str, parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The statistics of all partitions together (an empty dict when there are none)."""
    total: dict[str, Any] = {}
    for part in parts:
        if not part or not part.get("n", 0) and not part.get("unknown", 0):
            continue
        total = _merge_two(task, total, part) if total else dict(part)
    return total


def _merge_two(task: str, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    if task == "regression":
        n = a["n"] + b["n"]
        delta = b["mean"] - a["mean"]
        mean = a["mean"] + delta * b["n"] / n if n else 0.0
        m2 = a["m2"] + b["m2"] + delta**2 * a["n"] * b["n"] / n if n else 0.0
        sums = {k: a[k] + b[k] for k in ("sse", "sae", "sape")}
        return {"n": n, "mean": mean, "m2": m2, **sums}
    if task == "clustering":
        counts = {c: dict(row) for c, row in a["counts"].items()}
        for cluster, row in b["counts"].items():
            mine = counts.setdefault(cluster, {})
            for cls, count in row.items():
                mine[cls] = mine.get(cls, 0) + count
        out = {"n": a["n"] + b["n"], "counts": counts}
        if "inertia" in a or "inertia" in b:
            out["inertia"] = a.get("inertia", 0.0) + b.get("inertia", 0.0)
        return out
    out = {
        "n": a["n"] + b["n"],
        "unknown": a["unknown"] + b["unknown"],
        "confusion": (np.asarray(a["confusion"]) + np.asarray(b["confusion"])).tolist(),
    }
    if "pos" in a and "pos" in b:
        out["log_loss_sum"] = a["log_loss_sum"] + b["log_loss_sum"]
        out["pos"] = (np.asarray(a["pos"]) + np.asarray(b["pos"])).tolist()
        out["neg"] = (np.asarray(a["neg"]) + np.asarray(b["neg"])).tolist()
    elif "pos" in a or "pos" in b:  # one side had no rows with probabilities
        src = a if "pos" in a else b
        out.update({k: src[k] for k in ("log_loss_sum", "pos", "neg")})
    return out


def finish(task: str, stats: dict[str, Any], classes: Sequence[Any] | None) -> list[Row]:
    """Metric rows of merged statistics."""
    if task == "classification":
        return _classification_rows(stats, [str(c) for c in classes or ()])
    if task == "regression":
        return _regression_rows(stats)
    return _clustering_rows(stats)


def _classification_rows(stats: dict[str, Any], names: list[str]) -> list[Row]:
    k = len(names)
    confusion = np.asarray(stats.get("confusion", np.zeros((k, k))), dtype=np.float64)
    n = float(confusion.sum())
    rows: list[Row] = [
        ("rows", None, None, float(stats.get("n", 0))),
        ("rows_unknown_label", None, None, float(stats.get("unknown", 0))),
        ("accuracy", None, None, float(np.trace(confusion) / n) if n else math.nan),
    ]
    tp = np.diag(confusion)
    support = confusion.sum(axis=1)
    precision = np.divide(tp, confusion.sum(axis=0), out=np.zeros(k), where=confusion.sum(0) > 0)
    recall = np.divide(tp, support, out=np.zeros(k), where=support > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros(k), where=denom > 0)
    for name, values in (("precision", precision), ("recall", recall), ("f1", f1)):
        rows.append((f"{name}_macro", None, None, float(values.mean()) if k else math.nan))
        weighted = float((values * support).sum() / n) if n else math.nan
        rows.append((f"{name}_weighted", None, None, weighted))
    if "pos" in stats and n:
        rows.append(("log_loss", None, None, stats["log_loss_sum"] / n))
        auc = _auc(np.asarray(stats["pos"]), np.asarray(stats["neg"]))
        if auc is not None:
            rows.append(("auc", None, None, auc))
    for i, name in enumerate(names):
        rows += [
            ("precision", name, None, float(precision[i])),
            ("recall", name, None, float(recall[i])),
            ("f1", name, None, float(f1[i])),
            ("support", name, None, float(support[i])),
        ]
    for i, true in enumerate(names):
        for j, predicted in enumerate(names):
            rows.append(("confusion", true, predicted, float(confusion[i, j])))
    return rows


def _binary_auc(pos: np.ndarray, neg: np.ndarray) -> float | None:
    p, q = pos.sum(), neg.sum()
    if not p or not q:
        return None
    below = np.concatenate([[0], np.cumsum(neg)[:-1]])
    return float(((pos * below).sum() + 0.5 * (pos * neg).sum()) / (p * q))


def _auc(pos: np.ndarray, neg: np.ndarray) -> float | None:
    """Positive-class AUC for two classes, the one-vs-rest macro mean over present classes."""
    if len(pos) == 2:
        return _binary_auc(pos[1], neg[1])
    per_class = [_binary_auc(pos[c], neg[c]) for c in range(len(pos)) if pos[c].sum()]
    values = [a for a in per_class if a is not None]
    return float(np.mean(values)) if len(values) >= 2 else None


def _regression_rows(stats: dict[str, Any]) -> list[Row]:
    n = stats.get("n", 0)
    if not n:
        return [("rows", None, None, 0.0)]
    rows: list[Row] = [
        ("rows", None, None, float(n)),
        ("rmse", None, None, math.sqrt(stats["sse"] / n)),
        ("mae", None, None, stats["sae"] / n),
        ("mape", None, None, stats["sape"] / n),
    ]
    if n >= 2 and stats["m2"] > 0:
        rows.append(("r2", None, None, 1.0 - stats["sse"] / stats["m2"]))
    return rows


def _clustering_rows(stats: dict[str, Any]) -> list[Row]:
    counts: dict[str, dict[str, int]] = stats.get("counts", {})
    rows: list[Row] = [("rows", None, None, float(stats.get("n", 0)))]
    if "inertia" in stats:
        rows.append(("inertia", None, None, float(stats["inertia"])))
    clusters = sorted(counts, key=lambda c: (len(c), c))
    labelled = sorted({cls for row in counts.values() for cls in row if cls != ""})
    if labelled:
        table = np.array(
            [[counts[c].get(cls, 0) for cls in labelled] for c in clusters], dtype=np.int64
        )
        rows += [(name, None, None, value) for name, value in contingency_metrics(table).items()]
    for cluster in clusters:
        rows.append(("cluster_size", cluster, None, float(sum(counts[cluster].values()))))
    return rows


def contingency_metrics(table: np.ndarray) -> dict[str, float]:
    """``acc``, ``nmi`` and ``ari`` of a contingency table (clusters × classes)."""
    from scipy.optimize import linear_sum_assignment
    from scipy.special import comb

    n = int(table.sum())
    if not n:
        return {}
    rows, cols = linear_sum_assignment(table, maximize=True)
    acc = float(table[rows, cols].sum() / n)
    a, b = table.sum(axis=1), table.sum(axis=0)
    nz = table > 0
    mi = float((table[nz] / n * np.log(table[nz] * n / np.outer(a, b)[nz])).sum())
    h_a = float(-(a[a > 0] / n * np.log(a[a > 0] / n)).sum())
    h_b = float(-(b[b > 0] / n * np.log(b[b > 0] / n)).sum())
    if h_a == 0 and h_b == 0:
        nmi = 1.0
    else:
        nmi = max(mi, 0.0) / max((h_a + h_b) / 2, EPS)
    index = float(comb(table, 2).sum())
    sum_a, sum_b, total = float(comb(a, 2).sum()), float(comb(b, 2).sum()), float(comb(n, 2))
    expected = sum_a * sum_b / total if total else 0.0
    spread = (sum_a + sum_b) / 2 - expected
    ari = 1.0 if spread == 0 else (index - expected) / spread
    return {"acc": acc, "nmi": float(nmi), "ari": float(ari)}
