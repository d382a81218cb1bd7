"""What Hyperband and Hyperopt share: the trained algorithm, its common options, its space."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mlsql.engine.training.plans.options import PlanOptions
from mlsql.errors import AnalysisError
from mlsql.models.budget import unit_of, unit_param_names
from mlsql.models.search_space import SearchSpace, option_text
from mlsql.models.trials import TrialSpec


def unknown_parameter(algorithm: str, names: Iterable[str]) -> str | None:
    """Why `names` are not parameters of `algorithm` (None when they all are).

    scikit-learn algorithms check against every estimator class they may build (with the
    Spark-ML aliases); Keras and Python algorithms accept any name here (their trainers check).
    """
    from mlsql.models.algorithms import get_algorithm
    from mlsql.models.algorithms.sklearn_trainer import import_class
    from mlsql.models.params import FRAMEWORK_KEYS, resolve_params

    alg = get_algorithm(algorithm)
    names = [n for n in names if n not in FRAMEWORK_KEYS]
    if alg.family != "sklearn" or not alg.estimators or not names:
        return None
    valid: set[str] = set()
    for path in alg.estimators.values():
        valid |= set(import_class(path)._get_param_names())  # type: ignore[attr-defined]
    try:
        resolve_params(alg.name, {n: "1" for n in names}, valid)
    except AnalysisError as exc:
        return exc.message
    return None


@dataclass
class SearchSetup:
    """The trained algorithm, the options every trial shares, and the search space."""

    algorithm: str
    common: dict[str, str]
    space: SearchSpace
    seed: int
    run_id: str | None
    model_path: str | None

    def trial(self, group: int, values: dict[str, Any], **budget: Any) -> TrialSpec:
        """A trial of the configuration `values` (the space's choice) with `budget` fields."""
        params = {**self.common, **{k: option_text(v) for k, v in values.items()}}
        return TrialSpec(
            algorithm=self.algorithm,
            group=group,
            params=params,
            run_id=self.run_id,
            seed=self.seed,
            model_path=self.model_path,
            training_metrics=True,
            **budget,
        )


def search_setup(
    where: PlanOptions,
    common: dict[str, str],
    own_keys: Iterable[str],
    run_id: str | None,
    model_path: str | None,
    *,
    resource_param_allowed: bool,
) -> SearchSetup:
    """Reads ``algorithm`` and the space; checks parameter names at their options."""
    from mlsql.models.algorithms import get_algorithm

    option = where.find("algorithm")
    if option is None:
        raise where.error(
            None, f'{where.stmt.algorithm} needs the algorithm to tune: algorithm="RandomForest"'
        )
    try:
        algorithm = get_algorithm(option.value).name
    except AnalysisError as exc:
        raise where.error(option, exc.message) from None
    space = where.space(lambda names: unknown_parameter(algorithm, names))
    shared = where.without(common, own_keys)
    if not resource_param_allowed:
        _check_resource(where, algorithm, shared, space)
    seed = where.integer("seed", 42)
    return SearchSetup(algorithm, shared, space, seed, run_id, model_path)


def _check_resource(
    where: PlanOptions, algorithm: str, shared: dict[str, str], space: SearchSpace
) -> None:
    """Hyperband sets the budget parameter itself: the script must not set it too."""
    names = set(unit_param_names(algorithm))
    for key in [*shared, *(f"space.{n}" for n in space.names)]:
        if key.removeprefix("space.") in names:
            unit = unit_of(algorithm)
            raise where.error(
                where.find(key),
                f"{key} sets {algorithm}'s budget ({unit.name}), which Hyperband allocates (R)",
                hint=f"leave {key} out; R is the most {unit.name} a configuration gets",
            )
