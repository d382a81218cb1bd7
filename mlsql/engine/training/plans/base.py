"""What a plan is: a small object that sees trial results and says which trials run next.

The runner (``mlsql.engine.training.runner``) knows nothing of grids or Hyperband: it asks
``next_trials()`` for a batch, runs the batch as Spark tasks, hands the results to
``observe()``, and repeats until a plan returns no trials (Ray Tune's schedulers and Optuna's
pruners keep the same split). Each trial is a ``TrialSpec`` (``mlsql.models.trials``); a trial
whose ``group`` already trained is a further round of the same configuration, which the runner
warm-starts from its last model.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

from mlsql.models.trials import TrialResult, TrialSpec


@dataclass
class TrialHistory:
    """Every round of one configuration, in order (the results table's per-iteration lists)."""

    spec: TrialSpec
    rounds: list[TrialResult] = field(default_factory=list)
    resources: list[int] = field(default_factory=list)

    @property
    def last(self) -> TrialResult | None:
        """The latest round's result."""
        return self.rounds[-1] if self.rounds else None


class Plan(abc.ABC):
    """Decides the trials of one train statement (subclasses: grid, Hyperband, Hyperopt, AutoML).

    Attributes:
        kind: The plan's name in results and progress (``grid``, ``hyperband`` …).
        search: Whether the statement's table carries MADlib's per-trial columns.
    """

    kind = "plan"
    search = True

    def __init__(self) -> None:
        self.history: dict[int, TrialHistory] = {}

    @abc.abstractmethod
    def next_trials(self) -> list[TrialSpec]:
        """The next batch to run (all may run at once); empty when the plan is done."""

    def observe(self, results: list[TrialResult]) -> None:
        """Records a finished batch (subclasses look at it before the next batch)."""
        for result in results:
            history = self.history.get(result.group)
            if history is not None:
                history.rounds.append(result)

    def launched(self, specs: list[TrialSpec]) -> None:
        """Records that `specs` are about to run (keeps each configuration's spec and budget)."""
        for spec in specs:
            history = self.history.setdefault(spec.group, TrialHistory(spec))
            history.spec = spec
            history.resources.append(int(spec.resource or 0))

    def summary(self) -> dict[str, Any]:
        """Progress of the plan for ``/jobs/{id}`` and the CLI."""
        done = sum(len(h.rounds) for h in self.history.values())
        return {"plan": self.kind, "configurations": len(self.history), "trials_done": done}


def ranking_key(result: TrialResult | None) -> float:
    """Sort key: MADlib's loss (validation, else training); failed or missing trials last."""
    if result is None or not result.ok:
        return float("inf")
    loss = result.ranking_loss
    return float("inf") if loss is None else float(loss)
