"""Benchmark: DEC (deep embedded clustering) against KMeans (n_init=20) on the same rows.

Data sets:

- ``digits``: scikit-learn's handwritten digits, 1,797 rows × 64 pixels (scaled to [0, 1]),
  10 classes;
- ``blobs``: ``make_blobs``, 70,000 rows × 50 dimensions, 10 centres, ``cluster_std`` 12
  (overlapping), seeded.

DEC runs through the training worker's core (``train_group``: featuriser pass, one pass per
pretraining epoch, the clustering phase, evaluation through the one loader) on an in-memory
Arrow batch source — the same code the Kafka worker runs, without the transport. KMeans is
scikit-learn's on the same matrix. Both are scored on all rows against the true classes with
the engine's metrics (ACC by Hungarian matching, NMI, ARI); seconds are wall clock.

On ``digits`` DEC runs with the algorithm's defaults (only ``n_clusters`` and ``seed`` are
given: what a user writing ``train t as DEC.`…` where n_clusters="10"`` gets; the label
says "best of N" when the default ``pretrain_candidates`` is above 1) unless
``--digits-epochs`` sets the pretraining epochs (then the batch sizes and intervals below are
given too). Pretraining epochs are the knob that bounds the time on a small machine (2 shared
cores): ``--blobs-epochs`` (default 2), and ``--time-cap`` (seconds) skips the blobs set once
the digits part used it up. After the table, the seconds of each DEC phase (from the arrival
times of its progress events).

``--dec-option name=value`` (repeatable) sets a DEC option over those, e.g.
``target_neighbors=0`` for the paper's target distribution beside the default.

Run: ``.venv/bin/python bench/clustering.py [--datasets digits,blobs] [--seeds 1,2,3]``.
Prints a table; never fails on a figure.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits, pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    return x / 16.0, y


def blobs(seed: int, rows: int = 70_000) -> tuple[np.ndarray, np.ndarray]:
    """Overlapping Gaussian blobs in 50 dimensions."""
    from sklearn.datasets import make_blobs

    x, y = make_blobs(rows, n_features=50, centers=10, cluster_std=12.0, random_state=seed)
    return x, y


def _source(frame: pd.DataFrame, chunk: int = 4096):
    table = pa.Table.from_pandas(frame, preserve_index=False)

    def batches() -> Iterator[pa.RecordBatch]:
        return iter(table.to_batches(max_chunksize=chunk))

    return batches


def run_dec(
    x: np.ndarray, y: np.ndarray, params: dict[str, str]
) -> tuple[dict, float, dict[str, float]]:
    """DEC through ``train_group``; returns its metrics (on all rows), seconds and phases."""
    from mlsql.workers.training import GroupSpec, train_group

    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(x.shape[1])])
    frame["y"] = y
    options = {**params, "evalLabelCol": "y", "validationFraction": "0"}
    events: list[tuple[float, dict]] = []
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        result = train_group(
            GroupSpec("DEC", params=options),
            _source(frame),
            Path(folder) / "m",
            lambda e: events.append((time.perf_counter(), e)),
        )
        seconds = time.perf_counter() - start
    if not result.ok:
        raise SystemExit(f"DEC failed: {result.error}\n{result.detail or ''}")
    return result.metrics, seconds, _phases(start, start + seconds, events)


def _phases(start: float, end: float, events: list[tuple[float, dict]]) -> dict[str, float]:
    """Seconds per DEC phase, from the progress events' arrival times.

    ``read`` (featuriser pass), ``pretrain`` (the epochs), ``kmeans`` (the pass that holds
    the rows, the embedding, KMeans), ``cluster`` (the clustering phase, with its number of
    ``iterations``), ``rest`` (saving and the evaluation through the loader).
    """
    marks = {"read": start, "pretrain": start, "kmeans": start, "cluster": start}
    iterations = 0
    for at, event in events:
        stage = event.get("stage")
        if stage == "read":
            marks["read"] = marks["pretrain"] = marks["kmeans"] = marks["cluster"] = at
        elif stage == "epoch":
            marks["pretrain"] = marks["kmeans"] = marks["cluster"] = at
        elif stage == "kmeans":
            marks["kmeans"] = marks["cluster"] = at
        elif stage == "cluster":
            marks["cluster"], iterations = at, int(event.get("iteration", 0))
    return {
        "read": marks["read"] - start,
        "pretrain": marks["pretrain"] - marks["read"],
        "kmeans": marks["kmeans"] - marks["pretrain"],
        "cluster": marks["cluster"] - marks["kmeans"],
        "iterations": float(iterations),
        "rest": end - marks["cluster"],
    }


def run_kmeans(x: np.ndarray, y: np.ndarray, k: int, seed: int) -> tuple[dict, float]:
    """scikit-learn's KMeans (n_init=20) on the same rows."""
    from sklearn.cluster import KMeans

    from mlsql.models.metrics import external_cluster_metrics

    start = time.perf_counter()
    labels = KMeans(k, n_init=20, random_state=seed).fit_predict(x)
    seconds = time.perf_counter() - start
    return external_cluster_metrics(y, labels), seconds


def dec_params(epochs: int, seed: int, rows: int) -> dict[str, str]:
    """The DEC settings of the paper (d-500-500-2000-10), sized by pretraining epochs."""
    return {
        "n_clusters": "10",
        "encode_units": "500,500,2000,10",
        "pretrain_epochs": str(epochs),
        "pretrain_batch_size": "256",
        "train_batch_size": "256",
        "update_interval": "140" if rows < 10_000 else "100",
        "train_max_iters": "4000" if rows < 10_000 else "1000",
        "tol": "0.001",
        "seed": str(seed),
    }


def main() -> None:
    from mlsql.models.algorithms.dec import DEFAULTS as DEC_DEFAULTS
    from mlsql.models.algorithms.dec import auto_pretrain_epochs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="digits,blobs")
    parser.add_argument("--seeds", default="42", help="comma-separated; medians when several")
    parser.add_argument("--digits-epochs", type=int, default=None, help="default: DEC's own")
    parser.add_argument("--blobs-epochs", type=int, default=2)
    parser.add_argument("--loss", default="dec", choices=("dec", "idec"))
    parser.add_argument("--time-cap", type=float, default=900.0)
    parser.add_argument(
        "--dec-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a DEC option over the defaults (repeatable), e.g. target_neighbors=0",
    )
    args = parser.parse_args()
    _bound_threads()
    started = time.perf_counter()
    rows = []
    phases: list[tuple[str, int, dict[str, float]]] = []
    seeds = [int(s) for s in args.seeds.split(",")]
    for name in args.datasets.split(","):
        epochs = args.digits_epochs if name == "digits" else args.blobs_epochs
        for seed in seeds:
            if time.perf_counter() - started > args.time_cap:
                print(
                    f"skipping {name} seed {seed}: the time cap of {args.time_cap:.0f} s is used up"
                )
                continue
            x, y = digits() if name == "digits" else blobs(seed)
            shown = epochs if epochs is not None else auto_pretrain_epochs(DEC_DEFAULTS, len(x))
            label = f"{args.loss.upper()} ({shown} pretraining epochs)"
            if DEC_DEFAULTS["pretrain_candidates"] > 1:  # neither bench setting gives it
                label = f"{args.loss.upper()} ({shown} ep., best of"
                label += f" {DEC_DEFAULTS['pretrain_candidates']})"
            if epochs is None:
                params = {"n_clusters": "10", "seed": str(seed)}
            else:
                params = dec_params(epochs, seed, len(x))
            params["loss"] = args.loss
            params.update(dict(o.split("=", 1) for o in args.dec_option))
            if args.dec_option:
                label += " " + ",".join(args.dec_option)
            km, km_s = run_kmeans(x, y, 10, seed)
            dec, dec_s, parts = run_dec(x, y, params)
            phases.append((name, seed, parts))
            shape = f"{len(x)}×{x.shape[1]}"
            rows.append((name, shape, seed, "KMeans (n_init=20)", km, km_s))
            rows.append((name, shape, seed, label, dec, dec_s))
    _print(rows)
    _print_phases(phases)


def _bound_threads() -> None:
    """One TensorFlow thread pool of 2 (the machine's cores are shared)."""
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(2)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def _print(rows: list[tuple[str, str, int, str, dict, float]]) -> None:
    header = (
        f"{'data':8} {'rows×dims':>10} {'seed':>5}  {'method':46} {'ACC':>6} {'NMI':>6}"
        f" {'ARI':>6} {'s':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, shape, seed, method, m, seconds in rows:
        print(
            f"{name:8} {shape:>10} {seed:>5}  {method:46} {m['acc']:6.3f} {m['nmi']:6.3f}"
            f" {m['ari']:6.3f} {seconds:8.1f}"
        )
    groups: dict[tuple[str, str], list[tuple[dict, float]]] = {}
    for name, _, _, method, m, seconds in rows:
        groups.setdefault((name, method), []).append((m, seconds))
    if any(len(v) > 1 for v in groups.values()):
        print("medians over seeds:")
        for (name, method), runs in groups.items():
            med = {k: float(np.median([m[k] for m, _ in runs])) for k in ("acc", "nmi", "ari")}
            seconds = float(np.median([s for _, s in runs]))
            print(
                f"{name:8} {'':>10} {len(runs):>4}x  {method:46} {med['acc']:6.3f}"
                f" {med['nmi']:6.3f} {med['ari']:6.3f} {seconds:8.1f}"
            )


def _print_phases(phases: list[tuple[str, int, dict[str, float]]]) -> None:
    print("DEC phases (s): read, pretrain, kmeans, cluster (iterations), rest")
    for name, seed, p in phases:
        print(
            f"{name:8} {seed:>5}  {p['read']:7.1f} {p['pretrain']:8.1f} {p['kmeans']:7.1f}"
            f" {p['cluster']:8.1f} ({int(p['iterations'])}) {p['rest']:6.1f}"
        )


if __name__ == "__main__":
    main()
