"""Streamed mini-batch epochs, shared by the Keras trainers (``DNN*`` and DEC's pretraining).

An epoch is one call of a pair source (one pass over the statement's topic): each Arrow
batch's rows are shuffled with a generator seeded by ``seed + epoch``, cut into mini-batches
of a fixed size (the remainder carried into the next batch) and fed to ``train_on_batch``.
After each epoch one ``stage="epoch"`` event reports the epoch, the rows read and the mean
loss. The data is never all in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

PairSource = Callable[[], Iterator[tuple[np.ndarray, np.ndarray]]]


def minibatches(
    frames: Iterator[Any], size: int, rng: np.random.Generator
) -> Iterator[tuple[np.ndarray, np.ndarray, int]]:
    """Shuffled mini-batches of ``(x, y)`` pairs (the third value: rows read so far)."""
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    held, rows = 0, 0
    for x, y in frames:
        order = rng.permutation(len(x))
        xs.append(x[order])
        ys.append(y[order])
        held, rows = held + len(x), rows + len(x)
        if held >= size:
            x_all, y_all = np.concatenate(xs), np.concatenate(ys)
            cut = held - held % size
            for start in range(0, cut, size):
                yield x_all[start : start + size], y_all[start : start + size], rows
            xs, ys, held = [x_all[cut:]], [y_all[cut:]], held - cut
    if held:
        yield np.concatenate(xs), np.concatenate(ys), rows


def run_epochs(
    model: Any,
    pairs: PairSource,
    *,
    epochs: int,
    batch_size: int,
    seed: int,
    report: Callable[..., None],
    **fields: Any,
) -> None:
    """Trains `model` for `epochs` passes over `pairs`, one report per epoch.

    Args:
        model: A compiled Keras model.
        pairs: Called once per epoch; yields ``(x, y)`` arrays batch by batch.
        epochs: Number of passes.
        batch_size: Rows per ``train_on_batch`` call.
        seed: Epoch ``e`` shuffles with ``numpy.random.default_rng(seed + e)``.
        report: Progress callback (``stage="epoch"``, ``epoch``, ``epochs``, ``rows``, ``loss``).
        **fields: Extra fields of every report (e.g. ``phase="pretrain"``).
    """
    for epoch in range(epochs):
        rng = np.random.default_rng(seed + epoch)
        losses, rows = [], 0
        for x, y, seen in minibatches(pairs(), batch_size, rng):
            losses.append(float(np.asarray(model.train_on_batch(x, y)).ravel()[0]))
            rows = seen
        loss = float(np.mean(losses)) if losses else float("nan")
        report(stage="epoch", **fields, epoch=epoch + 1, epochs=epochs, rows=rows, loss=loss)
