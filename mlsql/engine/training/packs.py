"""A search's round as a few worker processes: trials packed per task slot.

Hyperband's first diagonal of R=9 is nine one-tree forests; as nine processes each one paid a
Python start, the imports and a Kafka read for a second of training. A search's trials are
therefore cut into at most one *pack* per task slot (longest first onto the least loaded pack,
by budget: ``resource`` units, 1 without one); each pack is one Spark task starting one worker
(``mlsql.workers.trial_pack``) that reads the topic once, keeps the batches in memory and
trains its trials one after another. Trials that outnumber the slots queue inside the packs.

A pack fails as a whole only when its process is killed or stopped (then every trial in it is
``killed``/``timeout``, which fails the statement); a failing trial is a failed result and the
pack goes on. The time limit of a pack is the per-worker limit times its trials.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from mlsql.models.trials import TrialStatus

TRIAL_KEYS = ("group", "staging_dir", "result_path")


def cost(spec: dict[str, Any]) -> float:
    """The relative work of a worker spec's trial: its budget in units (1 without one)."""
    return float(spec["group"].get("resource") or 1)


def pack(specs: list[dict[str, Any]], slots: int) -> list[list[dict[str, Any]]]:
    """`specs` in at most `slots` packs of about equal cost (each pack keeps the given order)."""
    count = max(1, min(slots, len(specs)))
    order = sorted(range(len(specs)), key=lambda i: (-cost(specs[i]), i))
    packs: list[list[int]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for index in order:
        lightest = min(range(count), key=lambda p: (loads[p], p))
        packs[lightest].append(index)
        loads[lightest] += cost(specs[index])
    return [[specs[i] for i in sorted(p)] for p in packs if p]


def pack_spec(specs: list[dict[str, Any]], cache_bytes: int | None = None) -> dict[str, Any]:
    """One worker spec for the trials `specs` (which share their data fields)."""
    first = specs[0]
    shared = {k: v for k, v in first.items() if k not in TRIAL_KEYS}
    trials = [{k: s.get(k) for k in TRIAL_KEYS} for s in specs]
    out = {**shared, "group": first["group"], "staging_dir": first["staging_dir"]}
    out.update(result_path=None, trials=trials)
    if cache_bytes:
        out["cache_bytes"] = cache_bytes
    return out


def run_pack(spec: dict[str, Any], sink: Any, timeout_s: float) -> list[dict[str, Any]]:
    """Runs a pack's worker (inside a Spark task); one result dict per trial, in order.

    Result files go to local temporary files here (the staging folder may be remote), are read
    after the worker ends and removed.
    """
    from mlsql.engine.training.launcher import run_worker

    trials = [dict(t) for t in spec["trials"]]
    for trial in trials:
        handle, trial["result_path"] = tempfile.mkstemp(prefix="mlsql-trial-", suffix=".json")
        os.close(handle)
        os.unlink(trial["result_path"])
    try:
        outcome = run_worker({**spec, "trials": trials}, sink, timeout_s * len(trials))
        return [_trial_outcome(trial, outcome) for trial in trials]
    finally:
        for trial in trials:
            if os.path.exists(trial["result_path"]):
                os.unlink(trial["result_path"])


def _trial_outcome(trial: dict[str, Any], outcome: dict[str, Any]) -> dict[str, Any]:
    group = int(trial["group"].get("group", 0))
    base = {"group": group, "algorithm": trial["group"].get("algorithm", "")}
    status = outcome.get("status")
    if status in (TrialStatus.KILLED, TrialStatus.TIMEOUT):
        return {**base, "status": status, "error": outcome.get("error")}
    if os.path.exists(trial["result_path"]):
        with open(trial["result_path"]) as src:
            return {**base, **json.load(src)}
    error = outcome.get("error") if status == TrialStatus.FAILED else None
    return {**base, "status": "failed", "error": error or "the worker wrote no result"}
