"""Byzer's ``AutoML``: the same options trained with several algorithms, ranked by a metric.

``train t as AutoML.`/path` where algos="GBTs,LogisticRegression,NaiveBayes,RandomForest" and
sortedBy="f1" and evaluateTable="val"``: one trial per algorithm (``algIndex`` in the order of
``algos``), all in one batch; every algorithm's model is a version under the path. The
statement's table is sorted by ``sortedBy`` (best first; default: the task's primary metric).
``algos`` defaults to Byzer's list (GBTs, LinearRegression, LogisticRegression, NaiveBayes,
RandomForest) filtered by nothing: an algorithm that cannot train the task fails its row only.
"""

from __future__ import annotations

from mlsql.engine.training.plans.base import Plan
from mlsql.engine.training.plans.options import PlanOptions
from mlsql.errors import AnalysisError
from mlsql.models.trials import TrialSpec

OWN_KEYS = ("algos", "sortedBy")
DEFAULT_ALGOS = "GBTs,LinearRegression,LogisticRegression,NaiveBayes,RandomForest"


class SweepPlan(Plan):
    """One batch: one trial per algorithm."""

    kind = "automl"
    search = False

    def __init__(self, trials: list[TrialSpec], sorted_by: str | None) -> None:
        super().__init__()
        self.pending = trials
        self.sorted_by = sorted_by

    def next_trials(self) -> list[TrialSpec]:
        """Every algorithm the first time, nothing after."""
        trials, self.pending = self.pending, []
        return trials


def sweep_plan(
    where: PlanOptions, common: dict[str, str], run_id: str | None, model_path: str | None
) -> SweepPlan:
    """The plan of ``train … as AutoML.`path` where algos=… and sortedBy=…``."""
    from mlsql.models.algorithms import get_algorithm
    from mlsql.models.metrics import metric_direction

    option = where.find("algos")
    names = [a.strip() for a in (option.value if option else DEFAULT_ALGOS).split(",") if a.strip()]
    if not names:
        raise where.error(option, "algos lists no algorithm")
    algorithms = []
    for name in names:
        try:
            algorithms.append(get_algorithm(name).name)
        except AnalysisError as exc:
            raise where.error(option, exc.message) from None
    sorted_by = where.text("sortedBy")
    if sorted_by:
        try:
            metric_direction(sorted_by)
        except AnalysisError as exc:
            raise where.error(where.find("sortedBy"), exc.message) from None
    shared = where.without(common, OWN_KEYS)
    seed = where.integer("seed", 42)
    trials = [
        TrialSpec(alg, i, dict(shared), run_id=run_id, seed=seed, model_path=model_path)
        for i, alg in enumerate(algorithms)
    ]
    return SweepPlan(trials, sorted_by or None)
