"""Plans decide from results: Hyperband's diagonal and survivors, Hyperopt's feedback."""

from __future__ import annotations

from collections import Counter

from mlsql.engine.training.plans.hyperband import HyperbandPlan
from mlsql.engine.training.plans.hyperopt import HyperoptPlan, configs_list
from mlsql.engine.training.plans.search import SearchSetup
from mlsql.models.search_space import SearchSpace, parse_dimension
from mlsql.models.trials import TrialResult, TrialSpec


def _setup(seed: int = 1) -> SearchSetup:
    space = SearchSpace(
        (
            parse_dimension("maxDepth", "[2, 16, 'linear']"),
            parse_dimension("max_features", "['sqrt', 'log2']"),
        )
    )
    return SearchSetup("RandomForest", {"labelCol": "label"}, space, seed, "run", "/m")


def _result(spec: TrialSpec, loss: float, ok: bool = True) -> TrialResult:
    return TrialResult(
        spec.group,
        spec.algorithm,
        "success" if ok else "failed",
        loss=loss,
        evaluated_on="validation",
        resource=spec.resource,
    )


def _run(plan, loss) -> list[list[TrialSpec]]:
    batches = []
    while specs := plan.next_trials():
        plan.launched(specs)
        plan.observe([_result(s, loss(s)) for s in specs])
        batches.append(specs)
    return batches


def test_hyperband_runs_madlibs_diagonals_and_keeps_the_lowest_losses() -> None:
    plan = HyperbandPlan(_setup(), R=27, eta=3, skip_last=0)
    loss = lambda s: (s.group * 7919 % 101) / 100.0 + 1.0 / (s.resource or 1)  # noqa: E731
    batches = _run(plan, loss)
    # MADlib, R=27 eta=3: brackets s=3 (27 configs), 2 (9·1), 1 (3·2), 0 (1·4)
    shape = [Counter((s.bracket, s.round, s.resource) for s in batch) for batch in batches]
    assert shape == [
        {(3, 0, 1): 27},
        {(3, 1, 3): 9, (2, 0, 3): 9},
        {(3, 2, 9): 3, (2, 1, 9): 3, (1, 0, 9): 6},
        {(3, 3, 27): 1, (2, 2, 27): 1, (1, 1, 27): 2, (0, 0, 27): 4},
    ]
    first, second = batches[0], batches[1]
    bracket3 = sorted(first, key=lambda s: loss(s))[:9]
    assert sorted(s.group for s in second if s.bracket == 3) == sorted(s.group for s in bracket3)
    assert len(plan.history) == 27 + 9 + 6 + 4
    assert all(s.params["labelCol"] == "label" and "maxDepth" in s.params for s in first)


def test_hyperband_puts_failed_trials_last() -> None:
    plan = HyperbandPlan(_setup(), R=3, eta=3, skip_last=0)
    first = plan.next_trials()
    plan.launched(first)
    plan.observe([_result(s, 0.0, ok=s.group != 0) for s in first])
    survivors = [s.group for s in plan.next_trials() if s.bracket == 1]
    assert survivors and 0 not in survivors


def test_hyperopt_batches_are_madlibs() -> None:
    assert configs_list(20, 2) == [(i, i + 1) for i in range(1, 21, 2)]
    assert configs_list(20, 3) == [(1, 3), (4, 6), (7, 9), (10, 12), (13, 15), (16, 18), (19, 20)]
    assert configs_list(5, 8) == [(1, 5)]


def _suggestions(losses) -> list[dict]:
    plan = HyperoptPlan(_setup(seed=5), num_configs=12, num_iterations=5, search="tpe", slots=4)
    first = plan.next_trials()
    plan.launched(first)
    plan.observe([_result(s, losses(s)) for s in first])
    return [s.params for s in plan.next_trials()]


def test_loss_fed_back_to_tpe_changes_its_next_suggestions() -> None:
    depth = lambda s: float(s.params["maxDepth"])  # noqa: E731
    deep_is_good = _suggestions(lambda s: 1.0 / depth(s))
    shallow_is_good = _suggestions(depth)
    assert deep_is_good != shallow_is_good
    again = _suggestions(lambda s: 1.0 / depth(s))
    assert again == deep_is_good  # seeded: the same losses give the same suggestions


def test_hyperopt_gives_every_configuration_num_iterations() -> None:
    plan = HyperoptPlan(_setup(), num_configs=5, num_iterations=7, search="rand", slots=2)
    batches = _run(plan, lambda s: 0.5)
    assert [len(b) for b in batches] == [2, 3]  # round(5 / 2) = 2 batches, MADlib's rule
    assert {s.resource for b in batches for s in b} == {7}
    assert [s.group for b in batches for s in b] == [0, 1, 2, 3, 4]


def test_plan_summary_reports_progress() -> None:
    plan = HyperbandPlan(_setup(), R=9, eta=3, skip_last=0)
    specs = plan.next_trials()
    plan.launched(specs)
    assert plan.summary() == {
        "plan": "hyperband",
        "configurations": 9,
        "trials_done": 0,
        "round": "1/3",
    }
    plan.observe([_result(s, 0.1) for s in specs])
    assert plan.summary()["trials_done"] == 9
