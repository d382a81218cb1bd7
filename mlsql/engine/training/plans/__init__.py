"""Plans: which trials a train statement runs, decided from the results so far.

``train t as <Algorithm>.`path``` runs the ``fitParam`` grid (``GridPlan``); three names are
plans rather than algorithms (a registry, case-insensitive):

- ``Hyperband`` (``hyperband.py``): MADlib's diagonal Hyperband over ``space.<param>`` options;
- ``Hyperopt`` (``hyperopt.py``): TPE or random search through the ``hyperopt`` library;
- ``AutoML`` (``sweep.py``): Byzer's sweep of ``algos``, sorted by ``sortedBy``.

Adding a search is one module with a ``Plan`` subclass and one line in ``PLANS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mlsql.engine.training.plans.base import Plan, TrialHistory, ranking_key
from mlsql.engine.training.plans.grid import GridPlan
from mlsql.engine.training.plans.options import PlanOptions
from mlsql.models.trials import SEARCH_NAMES, TrialSpec

if TYPE_CHECKING:
    from mlsql.engine.context import RunContext
    from mlsql.engine.training.options import TrainOptions
    from mlsql.parser.ast import TrainStatement


def _hyperband(where: PlanOptions, opts: TrainOptions, run_id: str, path: str, slots: int) -> Plan:
    from mlsql.engine.training.plans.hyperband import hyperband_plan

    return hyperband_plan(where, opts.groups[min(opts.groups)], run_id, path)


def _hyperopt(where: PlanOptions, opts: TrainOptions, run_id: str, path: str, slots: int) -> Plan:
    from mlsql.engine.training.plans.hyperopt import hyperopt_plan

    return hyperopt_plan(where, opts.groups[min(opts.groups)], run_id, path, slots)


def _sweep(where: PlanOptions, opts: TrainOptions, run_id: str, path: str, slots: int) -> Plan:
    from mlsql.engine.training.plans.sweep import sweep_plan

    return sweep_plan(where, opts.groups[min(opts.groups)], run_id, path)


PlanFactory = Callable[[PlanOptions, "TrainOptions", str, str, int], Plan]
PLANS: dict[str, PlanFactory] = {
    "hyperband": _hyperband,
    "hyperopt": _hyperopt,
    "automl": _sweep,
}


assert set(PLANS) == SEARCH_NAMES, "mlsql.models.trials.SEARCH_NAMES lists the plans"


def is_plan_name(name: str) -> bool:
    """Whether `name` (the statement's ``as <Name>``) is a search rather than an algorithm."""
    return name.strip().lower() in PLANS


def plan_for(
    stmt: TrainStatement, ctx: RunContext, opts: TrainOptions, run_id: str, path: str, slots: int
) -> Plan:
    """The plan of a train statement (its option errors point at the option).

    Raises:
        AnalysisError: Unknown algorithm or plan, or a bad plan option.
    """
    factory = PLANS.get(stmt.algorithm.strip().lower())
    if factory is not None:
        return factory(PlanOptions(stmt, ctx), opts, run_id, path, slots)
    from mlsql.models.algorithms import get_algorithm

    get_algorithm(stmt.algorithm)  # unknown names fail before any work
    trials = [
        TrialSpec(stmt.algorithm, group, params, run_id=run_id, model_path=path)
        for group, params in opts.groups.items()
    ]
    return GridPlan(trials)


__all__ = ["GridPlan", "Plan", "TrialHistory", "is_plan_name", "plan_for", "ranking_key"]
