"""Benchmark: a registered model function vs scikit-learn vs MLflow's spark_udf, and the floors.

1M rows x 20 features (cached in Spark, generation not timed); RandomForest (100 trees) and
LogisticRegression trained by the engine through Kafka on 20k rows. Timed side by side in one run
(median of `--repeat`, after one untimed run of each: start-up excluded alike; ours, sklearn
and mlflow take turns within each round, so their ratios compare runs made under the same
load on a shared machine), all on the same 2 cores (local[2]):

- ours:    `select sum(fn(f0, …, f19))` over the cached table (the registered function), at the
  engine's Arrow batch size and again at each of `--batch-rows`;
- sklearn: the same estimator's `predict` on the same rows as one numpy array, on 2 cores
  (`n_jobs=2` for forests, two threads over halves of the rows for the others); `sklearn 1`
  is one core;
- mlflow:  `mlflow.pyfunc.spark_udf` on the same estimator and DataFrame, same aggregate;
- floors:  the same aggregate over UDFs that do no work (return zeros) — Spark's own cost of
  moving the 20 columns to Python and a column back — for each way Spark 4 offers: an iterator
  pandas UDF, an iterator Arrow UDF (`arrow_udf`, Spark 4.1+), and Arrow-optimised row UDF
  (`udf(useArrow=True)`, only with `--row-udf`), at Arrow batches of `--batch-rows` (first is
  the session's). Each floor query runs under a Spark job group and is cancelled after
  `--floor-timeout` seconds (printed as not finished): the Arrow row UDF over 20 columns never
  finishes with PySpark 4.2 here, at 20k rows as at 1M and in a plain SparkSession as in the
  engine's (its Python worker waits in `read_single_udf` for a keyword-argument name the JVM
  never sends while the JVM waits for its output; killing the job then shows as "Python worker
  exited unexpectedly (crashed)"), so it is off by default.

Run: `.venv/bin/python bench/predict_udf.py [--rows 1000000] [--repeat 3] [--out]` (needs the
`bench` extra: `pip install -e .[bench]` for MLflow). Prints tables; never fails on a timing.
`--out` writes them with the machine's description to bench/results/predict_udf.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median

import numpy as np

N_FEATURES = 20
FEATURES = [f"f{i}" for i in range(N_FEATURES)]


def _timed(fn, repeat: int) -> float:
    """Median seconds of `repeat` runs after one untimed run (Python workers started, model
    loaded and imports done: start-up excluded alike for ours, MLflow and the floors)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return median(times)


def _data(spark, rows: int):
    from pyspark.sql import functions as F

    cols = [F.rand(seed=i).alias(f) for i, f in enumerate(FEATURES)]
    df = spark.range(rows).select(*cols).repartition(8).cache()
    df.count()
    df.createOrReplaceTempView("bench_rows")
    label = " + ".join(f"{(-1) ** i} * f{i}" for i in range(N_FEATURES))
    spark.sql(
        f"select *, cast(({label}) > 0 as int) as label from bench_rows limit 20000"
    ).coalesce(1).createOrReplaceTempView("bench_train")
    return df


def _train(engine, out: Path) -> dict[str, Path]:
    paths = {"RandomForest": out / "rf", "LogisticRegression": out / "lr"}
    engine.run(
        f"""train bench_train as RandomForest.`{paths["RandomForest"]}` where labelCol="label"
              and numTrees="100" and maxDepth="10" and seed="1" and validationFraction="0";
            train bench_train as LogisticRegression.`{paths["LogisticRegression"]}` where labelCol="label"
              and seed="1" and validationFraction="0";"""
    )
    return paths


def _estimator(path: Path):
    from mlsql.models.loader import load_model

    model = load_model(path)
    return model.backend.estimator  # type: ignore[union-attr]


def _sklearn_runs(estimator, x: np.ndarray) -> tuple:
    """`predict` on 1 core and on 2 (n_jobs=2 for ensembles, else two threads over halves)."""
    forest = hasattr(estimator, "estimators_") and hasattr(estimator, "n_jobs")
    halves = np.array_split(x, 2)
    pool = ThreadPoolExecutor(2)

    def one() -> None:
        if forest:
            estimator.set_params(n_jobs=1)
        estimator.predict(x)

    def two() -> None:
        if forest:
            estimator.set_params(n_jobs=2)
            estimator.predict(x)
            estimator.set_params(n_jobs=1)
        else:
            list(pool.map(estimator.predict, halves))

    return one, two


def _interleaved(runs: dict, repeat: int) -> dict[str, float]:
    """Median seconds of each run over `repeat` rounds, the runs taking turns within a round
    (one untimed round first): on a shared machine each ratio compares runs made under the
    same load."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for round_ in range(repeat + 1):
        for name, fn in runs.items():
            start = time.perf_counter()
            fn()
            if round_:
                times[name].append(time.perf_counter() - start)
    return {name: median(values) for name, values in times.items()}


def _bench_model(
    spark, engine, name: str, path: Path, x: np.ndarray, repeat: int, tmp: Path, batch_rows
) -> tuple[dict[str, float], dict[int, float]]:
    import mlflow.pyfunc
    import mlflow.sklearn

    cols = ", ".join(FEATURES)
    engine.run(f"register {name}.`{path}` as bench_fn;")

    def run_ours() -> None:
        engine.run(f"select sum(bench_fn({cols})) as s from bench_rows as r;").rows()

    estimator = _estimator(path)
    if hasattr(estimator, "estimators_"):
        estimator.set_params(n_jobs=1)
    mlflow_dir = tmp / f"mlflow-{name}"
    mlflow.sklearn.save_model(
        estimator,
        str(mlflow_dir),
        serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_CLOUDPICKLE,
    )
    udf = mlflow.pyfunc.spark_udf(spark, str(mlflow_dir), result_type="double")
    df = spark.table("bench_rows")
    one, two = _sklearn_runs(estimator, x)
    runs = {
        "ours": run_ours,
        "mlflow": lambda: df.select(udf(*FEATURES).alias("p")).agg({"p": "sum"}).collect(),
        "sklearn": two,
        "sklearn1": one,
    }
    result = _interleaved(runs, repeat)
    by_batch = {}
    key = "spark.sql.execution.arrow.maxRecordsPerBatch"
    session = spark.conf.get(key)
    try:
        for rows in batch_rows:
            spark.conf.set(key, str(rows))
            by_batch[rows] = _timed(run_ours, repeat)
    finally:
        spark.conf.set(key, session)
    return result, by_batch


def _noop_udfs() -> dict[str, object]:
    """UDFs over the 20 columns that return zeros: the cost of Spark's transport alone."""
    import pandas as pd
    import pyarrow as pa
    from pyspark.sql.functions import arrow_udf, pandas_udf, udf

    def pandas_noop(batches: Iterator[tuple[pd.Series, ...]]) -> Iterator[pd.Series]:
        for columns in batches:
            yield pd.Series(np.zeros(len(columns[0])))

    def arrow_noop(batches: Iterator[tuple[pa.Array, ...]]) -> Iterator[pa.Array]:
        for columns in batches:
            yield pa.array(np.zeros(len(columns[0])))

    def row_noop(*values: float) -> float:
        return 0.0

    # Real (not string) annotations: Spark infers the UDF kind from them.
    pandas_noop.__annotations__ = {
        "batches": Iterator[tuple[pd.Series, ...]],
        "return": Iterator[pd.Series],
    }
    arrow_noop.__annotations__ = {
        "batches": Iterator[tuple[pa.Array, ...]],
        "return": Iterator[pa.Array],
    }

    return {
        "pandas iterator UDF": pandas_udf(pandas_noop, "double"),
        "arrow iterator UDF": arrow_udf(arrow_noop, "double"),
        "row UDF, useArrow=True": udf(row_noop, "double", useArrow=True),
    }


def _bounded(spark, action, timeout_s: float) -> bool:
    """Run `action` (a Spark action) under a job group; cancel it after `timeout_s`.

    Returns whether it finished. Spark's Python worker can hang on a query (see the module
    docstring), so no floor is left to wait forever.
    """
    group = f"bench-floor-{time.monotonic_ns()}"
    outcome: dict[str, BaseException | None] = {}

    def run() -> None:
        spark.sparkContext.setJobGroup(group, "predict_udf floor", interruptOnCancel=True)
        try:
            action()
            outcome["error"] = None
        except BaseException as exc:  # cancelled or failed: reported as not finished
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        spark.sparkContext.cancelJobGroup(group)
        worker.join(30)
        return False
    error = outcome.get("error")
    if error is not None:
        print(f"  floor failed: {str(error).splitlines()[0][:200]}", flush=True)
    return error is None


def _floors(
    spark, repeat: int, batch_rows: list[int], timeout_s: float, row_udf: bool
) -> list[tuple[str, int, float | None]]:
    """(UDF kind, Arrow batch rows, seconds or None if it did not finish in `timeout_s`)."""
    from pyspark.sql import functions as F

    df = spark.table("bench_rows")
    key = "spark.sql.execution.arrow.maxRecordsPerBatch"
    original = spark.conf.get(key)
    out: list[tuple[str, int, float | None]] = []
    try:
        for rows in batch_rows:
            spark.conf.set(key, str(rows))
            for name, fn in _noop_udfs().items():
                if name.startswith("row") and (not row_udf or rows != batch_rows[0]):
                    continue

                # A new DataFrame per run: collecting the same one again reuses its shuffle
                # output and times only the final aggregate (0.05 s instead of the floor).
                def query(fn=fn) -> None:
                    df.select(fn(*FEATURES).alias("p")).agg(F.sum("p")).collect()

                times: list[float] = []
                for attempt in range(repeat + 1):  # the first warms the Python workers up
                    start = time.perf_counter()
                    if not _bounded(spark, query, timeout_s):
                        break
                    if attempt:
                        times.append(time.perf_counter() - start)
                out.append((name, rows, median(times) if len(times) == repeat else None))
    finally:
        spark.conf.set(key, original)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--batch-rows", default="10000,50000,100000", help="Arrow batch sizes of ours and floors"
    )
    parser.add_argument(
        "--floor-timeout", type=float, default=120.0, help="seconds before a floor is cancelled"
    )
    parser.add_argument(
        "--row-udf", action="store_true", help="also the Arrow row UDF floor (hangs: docstring)"
    )
    parser.add_argument("--out", action="store_true", help="write bench/results/predict_udf.md")
    args = parser.parse_args()
    load_at_start = os.getloadavg()

    from mlsql.config import Config
    from mlsql.engine import Engine

    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        engine = Engine(Config.load(work_dir=str(tmp / "work")))
        spark = engine.spark
        df = _data(spark, args.rows)
        x = np.asarray(df.toPandas()[FEATURES], dtype=np.float64)
        paths = _train(engine, tmp)
        session_batch = spark.conf.get("spark.sql.execution.arrow.maxRecordsPerBatch")
        say(
            f"{args.rows:,} rows x {N_FEATURES} features, master {spark.sparkContext.master}, "
            f"Arrow batches of {session_batch} rows, median of {args.repeat}"
        )
        say(
            f"{'model':<20}{'ours s':>8}{'sklearn s':>10}{'sk 1 core':>10}{'mlflow s':>9}"
            f"{'ours/sklearn':>13}{'ours/mlflow':>12}"
        )
        batches = [int(b) for b in args.batch_rows.split(",") if b]
        by_batch = {}
        for name, path in paths.items():
            t, by_batch[name] = _bench_model(
                spark, engine, name, path, x, args.repeat, tmp, batches
            )
            say(
                f"{name:<20}{t['ours']:>8.2f}{t['sklearn']:>10.2f}{t['sklearn1']:>10.2f}"
                f"{t['mlflow']:>9.2f}{t['ours'] / t['sklearn']:>13.2f}"
                f"{t['ours'] / t['mlflow']:>12.2f}"
            )
        say("")
        say("ours by Arrow batch rows (spark.sql.execution.arrow.maxRecordsPerBatch), s")
        say(f"{'model':<20}" + "".join(f"{rows:>10,}" for rows in batches))
        for name, times in by_batch.items():
            say(f"{name:<20}" + "".join(f"{times[rows]:>10.2f}" for rows in batches))
        say("")
        say("floors: sum(noop(f0..f19)) over the same rows, no model")
        say(f"{'UDF kind':<26}{'batch rows':>11}{'s':>7}")
        floors = _floors(spark, args.repeat, batches, args.floor_timeout, args.row_udf)
        for kind, rows, seconds in floors:
            shown = (
                f"{seconds:>7.2f}"
                if seconds is not None
                else f"  not finished in {args.floor_timeout:g} s (cancelled)"
            )
            say(f"{kind:<26}{rows:>11,}{shown}")
        engine.close()
    if args.out:
        from machine import write_results

        title = "Prediction: registered functions vs scikit-learn vs MLflow spark_udf, and floors"
        print(write_results("predict_udf", title, "\n".join(lines), load_at_start))


if __name__ == "__main__":
    main()
