"""Several trials in one training worker process: the table is read once, trained on many times.

A search (Hyperband, Hyperopt, AutoML) runs many short trials; one process per trial paid a
Python start, the imports and a Kafka read each time. The driver (``mlsql.engine.training.packs``)
cuts a round into at most one *pack* per task slot; the pack's worker reads the topic on the
first pass, keeps the Arrow batches in memory (up to ``cache_bytes``; past that it re-reads the
topic on every pass, as a single trial does) and trains the pack's trials one after another.

The spec file is the single trial's (``sources.WorkerSpec``: topic, evaluation topic, group id)
plus a list of trials, each with its own staging folder and result file::

    {"group": {...first trial...}, "topic": {...}, "cache_bytes": 1073741824,
     "trials": [{"group": {...TrialSpec...}, "staging_dir": "...", "result_path": "..."}, ...]}

Each trial's ``TrialResult`` is written to its ``result_path`` and announced with a ``result``
event as soon as it ends; the process exits 0 once every trial has a result (failed trials
say so in theirs), so a killed or stopped process is the only way a pack fails as a whole.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from mlsql.models.dataset import BatchSource
from mlsql.models.trials import TrialResult, TrialSpec

DEFAULT_CACHE_BYTES = 1 << 30


def cached_source(source: BatchSource, max_bytes: int = DEFAULT_CACHE_BYTES) -> BatchSource:
    """`source` read once and replayed from memory, while one pass fits in `max_bytes`.

    The first complete pass is kept; a pass larger than `max_bytes` is not, and every later
    call reads `source` again. An interrupted pass (an exception, or a caller that stopped
    early) is not kept either.
    """
    kept: list[pa.RecordBatch] | None = None
    too_big = False

    def batches() -> Iterator[pa.RecordBatch]:
        nonlocal kept, too_big
        if kept is not None:
            yield from kept
            return
        if too_big:
            yield from source()
            return
        read: list[pa.RecordBatch] | None = []
        size = 0
        for batch in source():
            if read is not None:
                size += batch.nbytes
                if size > max_bytes:
                    read, too_big = None, True
                else:
                    read.append(batch)
            yield batch
        if read is not None:
            kept = read

    return batches


def run_pack(spec: Any, trials: list[dict[str, Any]], cache_bytes: int, emit: Any) -> int:
    """Trains every trial of the pack (stdout must already carry only `emit`'s events).

    Args:
        spec: The pack's ``WorkerSpec`` (where the data is).
        trials: ``{"group": TrialSpec dict, "staging_dir": …, "result_path": …}`` per trial.
        cache_bytes: The most bytes of one pass kept in memory.
        emit: Progress sink.

    Returns:
        The process exit code: 0 (every trial's outcome is in its result file).
    """
    from .training import _failed, train_group

    specs = [TrialSpec.from_dict(t["group"]) for t in trials]
    try:
        batches = cached_source(spec.batch_source(emit), cache_bytes)
        source = spec.eval_batch_source(emit)
        eval_batches = cached_source(source, cache_bytes) if source is not None else None
    except Exception as exc:
        for trial, one in zip(trials, specs, strict=True):
            _finish(trial, _failed(one, exc, 0.0, Path(trial["staging_dir"])), emit)
        return 0
    for trial, one in zip(trials, specs, strict=True):
        emit({"event": "started", "group": one.group, "pid": os.getpid(), "host": _host()})
        staging = Path(trial["staging_dir"])
        result = train_group(one, batches, staging, emit, eval_batches=eval_batches)
        _finish(trial, result, emit)
        if not result.ok:
            print(
                f"mlsql training worker: group {result.group} failed: {result.error}",
                file=sys.stderr,
            )
    return 0


def _finish(trial: dict[str, Any], result: TrialResult, emit: Any) -> None:
    from .training import _write_result

    if trial.get("result_path"):
        _write_result(trial["result_path"], result)
    emit({"event": "result", **result.to_dict()})


def _host() -> str:
    return socket.gethostname()
