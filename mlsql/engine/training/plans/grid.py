"""The ``fitParam`` grid: every parameter group once, all in one batch (MLSQL's ``train``)."""

from __future__ import annotations

from mlsql.engine.training.plans.base import Plan
from mlsql.models.trials import TrialSpec


class GridPlan(Plan):
    """One round: the statement's parameter groups as given."""

    kind = "grid"
    search = False

    def __init__(self, trials: list[TrialSpec]) -> None:
        super().__init__()
        self.pending = list(trials)

    def next_trials(self) -> list[TrialSpec]:
        """All groups the first time, nothing after."""
        trials, self.pending = self.pending, []
        return trials
