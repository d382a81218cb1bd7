"""Benchmark: a registered model function vs raw scikit-learn vs MLflow's spark_udf.

1M rows x 20 features (cached in Spark, generation not timed); RandomForest (100 trees) and
LogisticRegression trained by the engine through Kafka on 20k rows. Timed side by side in one run:

- ours:   `select sum(fn(f0, …, f19))` over the cached table (registered iterator pandas UDF);
- sklearn: the same estimator's `predict` on the same rows as one numpy array, one process;
- mlflow: `mlflow.pyfunc.spark_udf` on the same estimator and DataFrame, same aggregate.

Run: `.venv/bin/python bench/predict_udf.py [--rows 1000000] [--repeat 3]` (needs the `bench`
extra: `pip install -e .[bench]` for MLflow). Prints a table; never fails on a timing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from statistics import median

import numpy as np

N_FEATURES = 20
FEATURES = [f"f{i}" for i in range(N_FEATURES)]


def _timed(fn, repeat: int) -> float:
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


def _bench_model(
    spark, engine, name: str, path: Path, x: np.ndarray, repeat: int, tmp: Path
) -> dict[str, float]:
    import mlflow.pyfunc
    import mlflow.sklearn

    cols = ", ".join(FEATURES)
    engine.run(f"register {name}.`{path}` as bench_fn;")
    ours = _timed(
        lambda: engine.run(f"select sum(bench_fn({cols})) as s from bench_rows as r;").rows(),
        repeat,
    )
    estimator = _estimator(path)
    raw = _timed(lambda: estimator.predict(x), repeat)
    mlflow_dir = tmp / f"mlflow-{name}"
    mlflow.sklearn.save_model(
        estimator,
        str(mlflow_dir),
        serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_CLOUDPICKLE,
    )
    udf = mlflow.pyfunc.spark_udf(spark, str(mlflow_dir), result_type="double")
    df = spark.table("bench_rows")
    ml = _timed(lambda: df.select(udf(*FEATURES).alias("p")).agg({"p": "sum"}).collect(), repeat)
    return {"ours": ours, "sklearn": raw, "mlflow": ml}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from mlsql.config import Config
    from mlsql.engine import Engine

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        engine = Engine(Config.load(work_dir=str(tmp / "work")))
        spark = engine.spark
        df = _data(spark, args.rows)
        x = np.asarray(df.toPandas()[FEATURES], dtype=np.float64)
        paths = _train(engine, tmp)
        print(
            f"\n{args.rows:,} rows x {N_FEATURES} features, master {spark.sparkContext.master}, median of {args.repeat}\n"
        )
        print(
            f"{'model':<20}{'ours s':>9}{'sklearn s':>11}{'mlflow s':>10}{'ours/sklearn':>14}{'ours/mlflow':>13}"
        )
        for name, path in paths.items():
            t = _bench_model(spark, engine, name, path, x, args.repeat, tmp)
            print(
                f"{name:<20}{t['ours']:>9.2f}{t['sklearn']:>11.2f}{t['mlflow']:>10.2f}"
                f"{t['ours'] / t['sklearn']:>14.2f}{t['ours'] / t['mlflow']:>13.2f}"
            )
        engine.close()


if __name__ == "__main__":
    main()
