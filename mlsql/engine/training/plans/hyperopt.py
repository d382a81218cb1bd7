"""Hyperopt (TPE or random search) as Apache MADlib drives it (``madlib_keras_automl_hyperopt``).

Options (MADlib's names and defaults): ``num_configs`` (20) configurations, each trained for
``num_iterations`` (5) units of the algorithm's budget (``mlsql.models.budget``; a value the
script sets for that parameter wins), suggested by ``tpe`` or ``rand``. The search algorithm is
``searchAlgorithm`` (or ``algorithm`` when its value is ``tpe``/``rand``; otherwise
``algorithm`` names the model to tune).

Configurations are suggested in batches as large as the task slots (MADlib's
``get_configs_list``: ``round(num_configs / slots)`` batches of ``slots``, the last one takes
the rest). Within a batch each suggestion is inserted into the ``Trials`` as running before the
next is drawn; after the batch has trained, each trial gets its loss (validation loss, training
loss without validation data) and the trials are refreshed, so the next batch's suggestions
see every result so far. One difference from MADlib: TPE starts modelling after
``startup_jobs(num_configs)`` random suggestions rather than hyperopt's default 20.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlsql.engine.training.plans.base import Plan, ranking_key
from mlsql.engine.training.plans.options import PlanOptions
from mlsql.engine.training.plans.search import SearchSetup, search_setup
from mlsql.models.budget import unit_param_names
from mlsql.models.trials import TrialResult, TrialSpec

OWN_KEYS = ("algorithm", "num_configs", "num_iterations", "searchAlgorithm", "seed")
DEFAULT_CONFIGS, DEFAULT_ITERATIONS, DEFAULT_SEARCH = 20, 5, "tpe"
SEARCHES = ("tpe", "rand")
INT_MAX = 2**31 - 1
FAILED_LOSS = 1e300  # hyperopt needs a number for a failed trial; far worse than any loss


def configs_list(num_configs: int, slots: int) -> list[tuple[int, int]]:
    """MADlib's batches of 1-based keys ``(low, high)`` for `num_configs` on `slots` slots."""
    buckets = max(1, int(round(float(num_configs) / slots)))
    batches, start, populated = [], 1, 0
    for _ in range(buckets - 1):
        batches.append((start, start + slots - 1))
        start += slots
        populated += slots
    batches.append((start, start + (num_configs - populated) - 1))
    return [b for b in batches if b[1] >= b[0]]


def startup_jobs(num_configs: int) -> int:
    """Random suggestions TPE makes before modelling: a quarter of the budget, 2 to 20.

    hyperopt's default (20, which MADlib keeps) would make TPE random search for MADlib's
    default ``num_configs=20``; a quarter lets the results steer most of the suggestions.
    """
    return max(2, min(20, num_configs // 4))


def _tpe(tpe: Any, num_configs: int) -> Any:
    from functools import partial

    return partial(tpe.suggest, n_startup_jobs=startup_jobs(num_configs))


class HyperoptPlan(Plan):
    """Batches of hyperopt suggestions, each batch's losses fed back before the next."""

    kind = "hyperopt"

    def __init__(
        self, setup: SearchSetup, num_configs: int, num_iterations: int, search: str, slots: int
    ) -> None:
        from hyperopt import Trials, rand, tpe
        from hyperopt.base import Domain

        super().__init__()
        self.setup, self.search_algorithm = setup, search
        names = set(unit_param_names(setup.algorithm))
        fixed = names & ({*setup.common, *setup.space.names})
        self.resource = None if fixed else num_iterations  # the script's own value wins
        self.algo = rand.suggest if search == "rand" else _tpe(tpe, num_configs)
        self.trials = Trials()
        self.domain = Domain(None, setup.space.hyperopt())
        self.rng = np.random.RandomState(setup.seed)
        self.batches = configs_list(num_configs, slots)
        self.docs: dict[int, dict[str, Any]] = {}  # group -> its hyperopt trial document

    def next_trials(self) -> list[TrialSpec]:
        """Suggests the next batch (each suggestion inserted as running before the next)."""
        from hyperopt import STATUS_RUNNING

        if not self.batches:
            return []
        low, high = self.batches.pop(0)
        specs = []
        for key in range(low, high + 1):
            doc = self.algo([key], self.domain, self.trials, self.rng.randint(0, INT_MAX))[0]
            doc["status"] = STATUS_RUNNING
            self.trials.insert_trial_docs([doc])
            self.trials.refresh()
            self.docs[key - 1] = doc
            values = self.setup.space.decode(doc["misc"]["vals"])
            specs.append(self.setup.trial(key - 1, values, resource=self.resource))
        return specs

    def observe(self, results: list[TrialResult]) -> None:
        """Gives every trial of the batch its loss, then refreshes the trials."""
        from hyperopt import STATUS_FAIL, STATUS_OK

        super().observe(results)
        for result in results:
            doc = self.docs.get(result.group)
            if doc is None:
                continue
            loss = ranking_key(result)
            status = STATUS_OK if loss != float("inf") else STATUS_FAIL
            doc["state"] = 2  # hyperopt's JOB_STATE_DONE
            doc["result"] = {"loss": loss if status == STATUS_OK else FAILED_LOSS, "status": status}
            doc["status"] = status
        self.trials.refresh()

    def summary(self) -> dict[str, Any]:
        """Progress: batches left."""
        return {
            **super().summary(),
            "batches_left": len(self.batches),
            "search": self.search_algorithm,
        }


def _search(where: PlanOptions) -> str:
    option = where.find("searchAlgorithm")
    algorithm = where.find("algorithm")
    if option is None and algorithm is not None and algorithm.value.strip().lower() in SEARCHES:
        option = algorithm
    value = option.value.strip().lower() if option is not None else DEFAULT_SEARCH
    if value not in SEARCHES:
        raise where.error(option, f"the Hyperopt algorithm must be tpe or rand, not {value!r}")
    return value


def hyperopt_plan(
    where: PlanOptions,
    common: dict[str, str],
    run_id: str | None,
    model_path: str | None,
    slots: int,
) -> HyperoptPlan:
    """The plan of ``train … as Hyperopt.`path` where algorithm=… and num_configs=… …``."""

    def positive(value: int) -> str | None:
        return None if value > 0 else f"must be > 0, not {value}"

    num_configs = where.integer("num_configs", DEFAULT_CONFIGS, positive)
    num_iterations = where.integer("num_iterations", DEFAULT_ITERATIONS, positive)
    search = _search(where)
    model = where.find("algorithm")
    if model is not None and model.value.strip().lower() in SEARCHES:
        model = None
    setup = search_setup(
        _ModelAlgorithm(where, model),
        common,
        OWN_KEYS,
        run_id,
        model_path,
        resource_param_allowed=True,
    )
    return HyperoptPlan(setup, num_configs, num_iterations, search, max(1, slots))


class _ModelAlgorithm(PlanOptions):
    """The statement's options where ``algorithm`` is the model's (not ``tpe``/``rand``)."""

    def __init__(self, where: PlanOptions, model: Any) -> None:
        super().__init__(where.stmt, where.ctx)
        self.model = model

    def find(self, *names: str) -> Any:
        if [n.lower() for n in names] == ["algorithm"]:
            return self.model
        return super().find(*names)
