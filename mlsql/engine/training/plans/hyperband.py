"""Hyperband exactly as Apache MADlib computes it (``madlib_keras_automl_hyperband.py_in``).

The schedule: ``s_max = floor(log_eta(R))`` in integer arithmetic (R=243, eta=3 gives 5 where
``math.log`` gives 4.999… and MADlib 4); for each bracket ``s`` from ``s_max`` down to 0,
``n = ceil(int((s_max+1)/(s+1)) * eta**s)`` configurations with ``r = R * eta**-s`` units; its
rounds ``i`` in ``range(s+1-skip_last)`` keep ``n_i = int(n * eta**-i)`` configurations with
``r_i = int(round(r * eta**i))`` units each.

Execution is MADlib's "diagonal": diagonal ``i`` (0 … ``s_max - skip_last``) runs round
``i - (s_max - s)`` of every bracket ``s`` from ``s_max`` down to ``s_max - i`` together (they
all get the same ``r_i``): a bracket's first round trains its freshly sampled configurations,
a later round keeps the best ``round(n * eta**-round)`` of the bracket's previous round by
validation loss (training loss when nothing is held out) and continues them (warm start) to
``r_i`` units. Configurations are numbered (``mst_key``) bracket by bracket from 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlsql.engine.local_tables import local_frame
from mlsql.engine.training.plans.base import Plan, ranking_key
from mlsql.engine.training.plans.options import PlanOptions
from mlsql.engine.training.plans.search import SearchSetup, search_setup
from mlsql.models.trials import TrialSpec

OWN_KEYS = ("algorithm", "R", "eta", "skip_last", "seed")
DEFAULT_R, DEFAULT_ETA, DEFAULT_SKIP_LAST = 6, 3, 0  # MADlib: 'R=6, eta=3, skip_last=0'


class ScheduleError(ValueError):
    """R, eta or skip_last out of range (``key`` names the option at fault)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def integer_log(value: int, base: int) -> int:
    """``floor(log_base(value))`` in integers (exact where floating point is not)."""
    power, count = base, 0
    while power <= value:
        power *= base
        count += 1
    return count


@dataclass(frozen=True)
class ScheduleRow:
    """One round of one bracket: ``s``, ``i``, ``n_i`` configurations, ``r_i`` units."""

    s: int
    i: int
    n_i: int
    r_i: int


def check_schedule(R: int, eta: int, skip_last: int) -> int:
    """``s_max`` after MADlib's checks.

    Raises:
        ScheduleError: eta ≤ 1, R < eta, or skip_last outside [0, s_max].
    """
    if eta <= 1:
        raise ScheduleError("eta", f"eta must be greater than 1, not {eta}")
    if eta > R:
        raise ScheduleError("R", f"R ({R}) must not be less than eta ({eta})")
    s_max = integer_log(R, eta)
    if not 0 <= skip_last < s_max + 1:
        raise ScheduleError(
            "skip_last",
            f"skip_last must be non-negative and at most {s_max} (s_max), not {skip_last}",
        )
    return s_max


def bracket_start(R: int, eta: int, s_max: int, s: int) -> tuple[int, float]:
    """``(n, r)`` of bracket `s`: configurations sampled, units of its first round."""
    n = int(math.ceil(int((s_max + 1) / (s + 1)) * math.pow(eta, s)))
    return n, R * math.pow(eta, -s)


def hyperband_schedule(R: int, eta: int = 3, skip_last: int = 0) -> list[ScheduleRow]:
    """MADlib's ``hyperband_schedule`` rows (R=81, eta=3: the documented 15 rows)."""
    s_max = check_schedule(R, eta, skip_last)
    rows = []
    for s in reversed(range(s_max + 1)):
        n, r = bracket_start(R, eta, s_max, s)
        for i in range((s + 1) - skip_last):
            n_i = n * math.pow(eta, -i)
            r_i = r * math.pow(eta, i)
            rows.append(ScheduleRow(s, i, int(n_i), int(round(r_i))))
    return rows


class HyperbandPlan(Plan):
    """Diagonal Hyperband over a search space (random configurations, seeded)."""

    kind = "hyperband"

    def __init__(self, setup: SearchSetup, R: int, eta: int, skip_last: int) -> None:
        super().__init__()
        self.setup, self.R, self.eta, self.skip_last = setup, R, eta, skip_last
        self.s_max = check_schedule(R, eta, skip_last)
        self.start = {s: bracket_start(R, eta, self.s_max, s) for s in range(self.s_max + 1)}
        self.keys = self._key_ranges()
        rng = np.random.default_rng(setup.seed)
        self.configs = {k: setup.space.sample(rng) for ks in self.keys.values() for k in ks}
        self.diagonal = 0
        self.ran: dict[int, list[int]] = {}  # bracket -> keys of its latest round

    def _key_ranges(self) -> dict[int, range]:
        ranges, first = {}, 0
        for s in reversed(range(self.s_max + 1)):
            n = self.start[s][0]
            ranges[s] = range(first, first + n)
            first += n
        return ranges

    def next_trials(self) -> list[TrialSpec]:
        """The trials of the next diagonal (empty after the last one)."""
        if self.diagonal >= (self.s_max + 1) - self.skip_last:
            return []
        i, trials = self.diagonal, []
        for s in range(self.s_max, self.s_max - i - 1, -1):
            round_ = s - self.s_max + i
            keys = self._survivors(s, round_)
            self.ran[s] = keys
            r_i = int(round(self.start[s][1] * math.pow(self.eta, round_)))
            trials += [self._trial(k, r_i, s, round_) for k in keys]
        self.diagonal += 1
        return trials

    def _survivors(self, s: int, round_: int) -> list[int]:
        if round_ == 0:
            return list(self.keys[s])
        keep = int(round(self.start[s][0] * math.pow(self.eta, -round_)))
        previous = self.ran.get(s, [])
        ranked = sorted(previous, key=lambda k: (ranking_key(self._last(k)), k))
        return sorted(ranked[:keep])

    def _last(self, key: int) -> Any:
        history = self.history.get(key)
        return history.last if history else None

    def _trial(self, key: int, r_i: int, s: int, round_: int) -> TrialSpec:
        return self.setup.trial(
            key, self.configs[key], resource=r_i, resource_max=self.R, bracket=s, round=round_
        )

    def summary(self) -> dict[str, Any]:
        """Progress: the diagonal being run, of how many."""
        total = (self.s_max + 1) - self.skip_last
        return {**super().summary(), "round": f"{self.diagonal}/{total}"}


def hyperband_plan(
    where: PlanOptions, common: dict[str, str], run_id: str | None, model_path: str | None
) -> HyperbandPlan:
    """The plan of ``train … as Hyperband.`path` where algorithm=… and R=… and space.…``."""
    R = where.integer("R", DEFAULT_R)
    eta = where.integer("eta", DEFAULT_ETA)
    skip_last = where.integer("skip_last", DEFAULT_SKIP_LAST)
    try:
        check_schedule(R, eta, skip_last)
    except ScheduleError as exc:
        raise where.error(where.find(exc.key), str(exc)) from None
    setup = search_setup(where, common, OWN_KEYS, run_id, model_path, resource_param_allowed=False)
    return HyperbandPlan(setup, R, eta, skip_last)


def schedule_command(stmt: Any, ctx: Any) -> Any:
    """``!hyperband_schedule R [eta [skip_last]]``: MADlib's schedule table (s, i, n_i, r_i)."""
    from mlsql.engine.context import Table
    from mlsql.errors import AnalysisError

    usage = (
        "usage: `!hyperband_schedule <R> [<eta> [<skip_last>]];` e.g. `!hyperband_schedule 81 3 0;`"
    )
    if not 1 <= len(stmt.args) <= 3:
        raise ctx.error(AnalysisError, usage, stmt)
    try:
        values = [int(a) for a in stmt.args]
    except ValueError:
        raise ctx.error(
            AnalysisError, f"R, eta and skip_last are integers; {usage}", stmt
        ) from None
    R, eta, skip_last = (*values, DEFAULT_ETA, DEFAULT_SKIP_LAST)[:3]
    try:
        rows = hyperband_schedule(R, eta, skip_last)
    except ScheduleError as exc:
        raise ctx.error(AnalysisError, str(exc), stmt) from None
    data = [(r.s, r.i, r.n_i, r.r_i) for r in rows]
    return Table(df=local_frame(ctx.spark, data, "s int, i int, n_i int, r_i int"))
