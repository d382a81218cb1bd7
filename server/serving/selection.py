"""Model selection across versions (Clipper's selection layer): Exp3 and an Exp4 ensemble.

- `Exp3` picks one arm (a model version) per query with probabilities from exponential weights
  mixed with uniform exploration (`gamma`); feedback (a reward in [0, 1], or 1/0 for a label
  the arm got right/wrong) raises the chosen arm's weight by ``exp(gamma·reward/(p·K))``.
- `Exp4Ensemble` asks every member and combines the answers weighted by the members' weights;
  `gather_until` answers at the deadline with the members that returned (stragglers are dropped
  and named). Feedback multiplies each member's weight by ``exp(-eta·loss)``.
- `FeedbackLog` remembers, per answered query id, which arm or members answered what, so
  ``POST /v1/models/{name}/feedback`` can update the policy later (bounded, oldest out).
"""

from __future__ import annotations

import asyncio
import math
import random
from collections import OrderedDict
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any

SELECTIONS = ("exp3", "exp4")


class Exp3:
    """Exp3 over `arms` (adversarial bandit)."""

    def __init__(self, arms: Sequence[Any], gamma: float = 0.1, seed: int | None = None) -> None:
        if not arms:
            raise ValueError("Exp3 needs at least one arm")
        self.arms = list(arms)
        self.gamma = gamma
        self.weights = [1.0] * len(self.arms)
        self.pulls = [0] * len(self.arms)
        self.rewards = [0.0] * len(self.arms)
        self._rng = random.Random(seed)

    def probabilities(self) -> list[float]:
        """The probability of choosing each arm now."""
        total = sum(self.weights)
        k = len(self.arms)
        return [(1 - self.gamma) * w / total + self.gamma / k for w in self.weights]

    def choose(self) -> int:
        """The index of the arm to ask."""
        index = self._rng.choices(range(len(self.arms)), weights=self.probabilities())[0]
        self.pulls[index] += 1
        return index

    def feedback(self, index: int, reward: float) -> None:
        """Reward (clipped to [0, 1]) for the arm chosen at `index`."""
        reward = min(1.0, max(0.0, float(reward)))
        p = self.probabilities()[index]
        self.weights[index] *= math.exp(self.gamma * reward / (p * len(self.arms)))
        self.rewards[index] += reward
        top = max(self.weights)
        self.weights = [w / top for w in self.weights]  # keep them finite

    def state(self) -> dict[str, Any]:
        """Weights, probabilities, pulls and rewards per arm (for descriptions)."""
        return {
            "policy": "exp3",
            "arms": [
                {"arm": a, "weight": w, "probability": p, "pulls": n, "reward": r}
                for a, w, p, n, r in zip(
                    self.arms,
                    self.weights,
                    self.probabilities(),
                    self.pulls,
                    self.rewards,
                    strict=True,
                )
            ],
        }


class Exp4Ensemble:
    """Weighted combination of members' predictions, weights updated from feedback."""

    def __init__(self, members: Sequence[Any], eta: float = 0.5) -> None:
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.members = list(members)
        self.eta = eta
        self.weights = {m: 1.0 for m in self.members}

    def combine(
        self, answers: Mapping[Any, Mapping[str, Any]], classes: Sequence[Any] | None = None
    ) -> dict[str, Any]:
        """One prediction from the members that answered (weighted)."""
        weights = {m: self.weights[m] for m in answers}
        total = sum(weights.values()) or 1.0
        rows = list(answers.items())
        probs = [r.get("probabilities") for _, r in rows]
        if classes and all(isinstance(p, list) and len(p) == len(classes) for p in probs):
            mean = [
                sum(weights[m] * r["probabilities"][i] for m, r in rows) / total
                for i in range(len(classes))
            ]
            best = max(range(len(mean)), key=mean.__getitem__)
            out: dict[str, Any] = {
                "prediction": classes[best],
                "confidence": mean[best],
                "probabilities": mean,
            }
            if all("probability" in r for _, r in rows):
                out["probability"] = sum(weights[m] * r["probability"] for m, r in rows) / total
            return out
        values = [r.get("prediction") for _, r in rows]
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values) and (
            classes is None
        ):
            mean_value = sum(weights[m] * r["prediction"] for m, r in rows) / total
            return {"prediction": mean_value}
        votes: dict[Any, float] = {}
        for m, r in rows:
            votes[r.get("prediction")] = votes.get(r.get("prediction"), 0.0) + weights[m]
        winner = max(votes, key=votes.__getitem__)
        return {"prediction": winner, "confidence": votes[winner] / total}

    def feedback(self, answers: Mapping[Any, Mapping[str, Any]], label: Any) -> None:
        """Update the weights of the members that answered, given the true label/value."""
        for member, row in answers.items():
            self.weights[member] *= math.exp(-self.eta * loss(row.get("prediction"), label))
        top = max(self.weights.values())
        self.weights = {m: w / top for m, w in self.weights.items()}

    def state(self) -> dict[str, Any]:
        """Weights per member."""
        return {
            "policy": "exp4",
            "members": [{"member": m, "weight": w} for m, w in self.weights.items()],
        }


def loss(predicted: Any, actual: Any) -> float:
    """0/1 loss for labels; ``1 - exp(-|error|)`` for numbers."""
    if isinstance(predicted, int | float) and isinstance(actual, int | float):
        if not isinstance(predicted, bool) and isinstance(predicted, float):
            return 1.0 - math.exp(-abs(float(predicted) - float(actual)))
        return 0.0 if predicted == actual else 1.0
    return 0.0 if str(predicted) == str(actual) else 1.0


async def gather_until(
    calls: Mapping[Any, Awaitable[Any]], deadline_s: float
) -> tuple[dict[Any, Any], list[Any]]:
    """Results of the calls done by the deadline, and the members that were not (cancelled).

    When none is done by the deadline, the first to finish answers (an ensemble never answers
    empty); calls that raised count as missing.
    """
    tasks = {asyncio.ensure_future(c): member for member, c in calls.items()}
    done, pending = await asyncio.wait(tasks, timeout=deadline_s)
    if not any(not t.exception() for t in done) and pending:
        more, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        done |= more
    for task in pending:
        task.cancel()
    answered = {tasks[t]: t.result() for t in done if t.exception() is None}
    missing = [m for t, m in tasks.items() if m not in answered]
    return answered, missing


class FeedbackLog:
    """Query id → what answered it, bounded (oldest forgotten first)."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Any] = OrderedDict()

    def put(self, query_id: str, record: Any) -> None:
        """Remember what answered `query_id`."""
        self._entries[query_id] = record
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def pop(self, query_id: str) -> Any | None:
        """What answered `query_id` (forgotten afterwards: feedback counts once)."""
        return self._entries.pop(query_id, None)
