"""The messages between the training driver and the training worker, defined once.

A *trial* is one training run of one configuration: a ``fitParam`` group, or one round of a
Hyperband/Hyperopt configuration. The driver (``mlsql.engine.training``) writes a
``TrialSpec`` into the worker's spec file; the worker (``mlsql.workers.training``) answers with
a ``TrialResult``. Both are plain dataclasses with a JSON form (``to_dict``/``from_dict``), so
both sides import the same definitions instead of agreeing on dict keys.

Resources (``resource``, ``resource_max``) are in the algorithm's budget unit (see
``mlsql.models.budget``): trees for forests and boosting, epochs for Keras networks, iterations
for linear and SGD models, a share ``resource / resource_max`` of the training rows otherwise.
``warm_start_from`` names the sealed folder of the same configuration's previous round: the
worker continues from it instead of starting over.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

SEARCH_NAMES = frozenset({"hyperband", "hyperopt", "automl"})
"""``train t as <Name>`` names that are searches, not algorithms (``engine/training/plans``):
their model path holds versions of the algorithms they tried, so ``register``/``predict`` may
name the search instead of the algorithm."""


class TrialStatus(enum.StrEnum):
    """How a trial ended (the worker says success or failed; the launcher the rest)."""

    SUCCESS = "success"
    FAILED = "failed"
    KILLED = "killed"
    TIMEOUT = "timeout"

    @property
    def fatal(self) -> bool:
        """A killed or stopped worker fails the whole statement (nothing is published)."""
        return self in (TrialStatus.KILLED, TrialStatus.TIMEOUT)


def _from_dict(cls: type[T], data: dict[str, Any]) -> T:
    fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
    return cls(**{k: v for k, v in data.items() if k in fields})


@dataclass
class TrialSpec:
    """One trial to train.

    Attributes:
        algorithm: Algorithm name or alias (``RandomForest``).
        group: Index of the trial in its statement (``fitParam.<group>.*``; ``mst_key - 1``
            for a search); progress events and results carry it.
        params: The trial's options as strings (statement options, the group's own values,
            and the values a search chose), without prefixes.
        run_id: Identifies the ``train`` statement; versions of one run survive each other's
            publishing without ``keepVersion``.
        seed: Seed unless ``params`` sets ``seed``.
        model_path: The statement's model path (recorded, not written by the worker).
        resource: Budget of this round in the algorithm's unit; None trains as configured.
        resource_max: The search's ``R`` (the full budget; row shares are ``resource / R``).
        warm_start_from: Sealed folder of this configuration's previous round, to continue.
        warm_start_resource: The units that previous round had.
        training_metrics: Also evaluate on the training rows (searches rank by loss).
        bracket: Hyperband bracket ``s`` (None outside Hyperband).
        round: Hyperband round ``i`` within the bracket.
    """

    algorithm: str
    group: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None
    seed: int = 42
    model_path: str | None = None
    resource: int | None = None
    resource_max: int | None = None
    warm_start_from: str | None = None
    warm_start_resource: int | None = None
    training_metrics: bool = False
    bracket: int | None = None
    round: int | None = None

    @property
    def mst_key(self) -> int:
        """MADlib's 1-based key of the configuration."""
        return self.group + 1

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrialSpec:
        """Inverse of ``to_dict`` (unknown keys are ignored)."""
        return _from_dict(cls, data)


@dataclass
class TrialResult:
    """The outcome of one trial: ``status`` is a ``TrialStatus`` value (then ``error``).

    ``loss`` is measured where the metrics are (validation rows or the evaluation table, or
    the training rows when nothing was held out: ``evaluated_on`` says which);
    ``training_loss`` and ``training_metrics`` on the training rows when the spec asked.
    ``started_ms``/``ended_ms`` are wall-clock epoch milliseconds (Byzer's start/end time).
    """

    group: int
    algorithm: str
    status: str
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    task: str | None = None
    rows: int = 0
    evaluated_on: str | None = None
    ignored_params: list[str] = field(default_factory=list)
    staging_dir: str | None = None
    error: str | None = None
    error_code: str | None = None
    detail: str | None = None
    loss: float | None = None
    loss_type: str | None = None
    training_loss: float | None = None
    training_metrics: dict[str, float] = field(default_factory=dict)
    model_size: int = 0
    resource: int | None = None
    warm_started: bool = False
    started_ms: int = 0
    ended_ms: int = 0

    @property
    def ok(self) -> bool:
        """Whether the trial trained."""
        return self.status == TrialStatus.SUCCESS

    @property
    def fatal(self) -> bool:
        """Whether the worker was killed or stopped (the statement fails)."""
        return self.status in (TrialStatus.KILLED, TrialStatus.TIMEOUT)

    @property
    def ranking_loss(self) -> float | None:
        """MADlib's ranking loss: validation loss, else training loss."""
        if self.loss is not None and self.evaluated_on != "training":
            return self.loss
        return self.training_loss if self.training_loss is not None else self.loss

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrialResult:
        """Inverse of ``to_dict`` (unknown keys are ignored)."""
        return _from_dict(cls, data)
