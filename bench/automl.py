"""Benchmark: our Hyperband and Hyperopt (TPE) against scikit-learn's successive halving and
random search, on the same space, budget and cores.

For each data set (digits, breast cancer, ``make_classification`` 50k x 40), split 75/25 into a
training and a validation table (seeded, stratified):

- ``hyperband``: ``train … as Hyperband`` (RandomForest, R=9 trees, eta=3: 15 configurations,
  20 trials, survivors warm-started) through the engine: Spark writes the table into Kafka
  once, each round's trials run in at most 2 worker processes (one Spark task each on
  ``local[2]``, one core each: ``mlsql/engine/training/packs.py``);
- ``halving``: ``HalvingRandomSearchCV`` (resource ``n_estimators``, ``min_resources=1``,
  ``max_resources=9``, ``factor=3``, 15 candidates, 3-fold CV, ``n_jobs=2``);
- ``tpe``: ``train … as Hyperopt`` (15 configurations of 9 trees, batches of 2);
- ``random``: ``RandomizedSearchCV`` (15 configurations of 9 trees, 3-fold CV, ``n_jobs=2``).

Every search samples maxDepth in [2, 16], max_features in {sqrt, log2, 0.5} and
min_samples_leaf in [1, 20]. The score is the accuracy of the chosen model on the validation
table (our searches rank on that table, as ``evaluateTable`` says; scikit-learn's rank by
cross-validation on the training table), the wall time includes everything each one does.

Then TPE against rand, the plans alone (``HyperoptPlan``, 20 configurations in batches of 2,
each trained in process on digits and fed its validation loss back): the median over 5 seeds
of the best validation accuracy. Benchmarks are not tests: this prints, it never fails.

    .venv/bin/python bench/automl.py [--datasets digits,breast_cancer,synthetic] [--time-cap 900]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SPACE = {
    "maxDepth": "[2, 16, 'linear']",
    "max_features": "['sqrt', 'log2', 0.5]",
    "min_samples_leaf": "[1, 20, 'linear']",
}
R, ETA, CONFIGS, CORES = 9, 3, 15, 2


def _data(name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    if name == "synthetic":
        x, y = datasets.make_classification(
            50_000, 40, n_informative=20, n_redundant=10, random_state=0
        )
    else:
        x, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(x.shape[1])])
    frame["label"] = y.astype(np.int64)
    train, val = train_test_split(frame, test_size=0.25, stratify=y, random_state=0)
    return train.reset_index(drop=True), val.reset_index(drop=True)


def _where(extra: str) -> str:
    space = " and ".join(f'`space.{k}`="{v}"' for k, v in SPACE.items())
    return f'algorithm="RandomForest" and labelCol="label" and evaluateTable="val" and {space} and {extra}'


def _ours(engine: Any, folder: Path, plan: str, extra: str) -> tuple[float, float, int]:
    """(validation accuracy of the best trial, seconds, trials) of one search statement."""
    model = folder / f"model-{plan}-{time.time_ns()}"
    script = f"""load parquet.`{folder}/train.parquet` as train_rows;
    load parquet.`{folder}/val.parquet` as val;
    train train_rows as {plan}.`{model}` where {_where(extra)} as trials;"""
    started = time.perf_counter()
    rows = engine.run(script).rows()
    seconds = time.perf_counter() - started
    best = [r for r in rows if r["best"]][0]
    trials = sum(len(r["metrics_iters"]) for r in rows)
    return float(best["accuracy"]), seconds, trials


def _distributions() -> dict[str, Any]:
    from scipy.stats import randint

    return {
        "max_depth": randint(2, 17),
        "max_features": ["sqrt", "log2", 0.5],
        "min_samples_leaf": randint(1, 21),
    }


def _sklearn(kind: str, train: pd.DataFrame, val: pd.DataFrame) -> tuple[float, float]:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV, RandomizedSearchCV

    x, y = train.drop(columns="label").to_numpy(), train["label"].to_numpy()
    started = time.perf_counter()
    if kind == "halving":
        search: Any = HalvingRandomSearchCV(
            RandomForestClassifier(random_state=0),
            _distributions(),
            n_candidates=CONFIGS,
            resource="n_estimators",
            min_resources=1,
            max_resources=R,
            factor=ETA,
            cv=3,
            n_jobs=CORES,
            random_state=0,
        )
    else:
        search = RandomizedSearchCV(
            RandomForestClassifier(n_estimators=R, random_state=0),
            _distributions(),
            n_iter=CONFIGS,
            cv=3,
            n_jobs=CORES,
            random_state=0,
        )
    search.fit(x, y)
    score = search.best_estimator_.score(val.drop(columns="label").to_numpy(), val["label"])
    return float(score), time.perf_counter() - started


def _searches(engine: Any, name: str, folder: Path) -> None:
    train, val = _data(name)
    train.to_parquet(folder / "train.parquet")
    val.to_parquet(folder / "val.parquet")
    hb = _ours(engine, folder, "Hyperband", f'R="{R}" and eta="{ETA}" and seed="0"')
    halving = _sklearn("halving", train, val)
    tpe = _ours(
        engine, folder, "Hyperopt", f'num_configs="{CONFIGS}" and num_iterations="{R}" and seed="0"'
    )
    rand = _sklearn("random", train, val)
    print(
        f"\n{name}: {len(train):,} training rows x {train.shape[1] - 1} features, {len(val):,} validation rows"
    )
    print(f"{'search':<28}{'val accuracy':>14}{'wall s':>9}")
    print(f"{'hyperband (ours, ' + str(hb[2]) + ' trials)':<28}{hb[0]:>14.4f}{hb[1]:>9.1f}")
    print(f"{'HalvingRandomSearchCV':<28}{halving[0]:>14.4f}{halving[1]:>9.1f}")
    print(f"{'tpe (ours, ' + str(tpe[2]) + ' trials)':<28}{tpe[0]:>14.4f}{tpe[1]:>9.1f}")
    print(f"{'RandomizedSearchCV':<28}{rand[0]:>14.4f}{rand[1]:>9.1f}")
    print(
        f"hyperband - halving: {100 * (hb[0] - halving[0]):+.2f} points, "
        f"time ratio {hb[1] / halving[1]:.2f}x; tpe - random: {100 * (tpe[0] - rand[0]):+.2f} points, "
        f"time ratio {tpe[1] / rand[1]:.2f}x"
    )
    if name == "synthetic":
        met = abs(hb[0] - halving[0]) <= 0.005 and hb[1] <= 1.5 * halving[1]
        print(f"target (within 0.5 points at <= 1.5x the time): {'met' if met else 'NOT met'}")


def _plan_search(search: str, seed: int, data: tuple[pd.DataFrame, pd.DataFrame]) -> float:
    """Best validation accuracy of a HyperoptPlan driving in-process fits."""
    from sklearn.ensemble import RandomForestClassifier

    from mlsql.engine.training.plans.hyperopt import HyperoptPlan
    from mlsql.engine.training.plans.search import SearchSetup
    from mlsql.models.params import parse_value
    from mlsql.models.search_space import SearchSpace, parse_dimension
    from mlsql.models.trials import TrialResult

    train, val = data
    space = SearchSpace(tuple(parse_dimension(k, v) for k, v in SPACE.items()))
    plan = HyperoptPlan(SearchSetup("RandomForest", {}, space, seed, None, None), 20, R, search, 2)
    best = 0.0
    while specs := plan.next_trials():
        plan.launched(specs)
        results = []
        for spec in specs:
            p = {k: parse_value(v) for k, v in spec.params.items()}
            model = RandomForestClassifier(
                n_estimators=R,
                max_depth=p["maxDepth"],
                max_features=p["max_features"],
                min_samples_leaf=p["min_samples_leaf"],
                random_state=seed,
            ).fit(train.drop(columns="label"), train["label"])
            accuracy = model.score(val.drop(columns="label"), val["label"])
            best = max(best, accuracy)
            results.append(
                TrialResult(
                    spec.group,
                    "RandomForest",
                    "success",
                    loss=1 - accuracy,
                    evaluated_on="validation",
                )
            )
        plan.observe(results)
    return best


def _tpe_vs_rand() -> None:
    data = _data("digits")
    scores = {s: [_plan_search(s, seed, data) for seed in range(5)] for s in ("tpe", "rand")}
    print(
        "\nTPE vs rand (HyperoptPlan, digits, 20 configurations, batches of 2), best val accuracy"
    )
    for search, values in scores.items():
        print(
            f"{search:<6} seeds {' '.join(f'{v:.4f}' for v in values)}  median {statistics.median(values):.4f}"
        )
    gap = statistics.median(scores["tpe"]) - statistics.median(scores["rand"])
    verdict = "met" if gap >= 0 else "NOT met"
    print(
        f"tpe - rand (medians): {100 * gap:+.2f} points; target 'TPE at least as good': {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="digits,breast_cancer,synthetic")
    parser.add_argument("--time-cap", type=float, default=900.0, help="skip data sets after this")
    args = parser.parse_args()

    from mlsql.config import Config
    from mlsql.engine import Engine

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = Engine(Config.load(work_dir=str(folder / "work")))
        print(f"master {engine.spark.sparkContext.master}, {CORES} cores for every search")
        try:
            for name in args.datasets.split(","):
                if time.perf_counter() - started > args.time_cap:
                    print(f"\n{name}: skipped (time cap {args.time_cap:g} s reached)")
                    continue
                _searches(engine, name, folder)
        finally:
            engine.close()
    _tpe_vs_rand()


if __name__ == "__main__":
    main()
