"""A train statement's options: parameter groups (`fitParam.N.*`), Kafka and system params.

MLSQL semantics: options without a prefix apply to every group; `fitParam.N.key` applies to
group N only; with no `fitParam.*` at all there is one group (0). `kafkaParam.*` names the Kafka
cluster/topic to use; `systemParam.*` is kept for compatibility (e.g. `pythonPath`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

GROUP_KEY = re.compile(r"^fitParam\.(\d+)\.(.+)$", re.IGNORECASE)

# Options the engine consumes itself (never handed to the algorithm).
ENGINE_KEYS = frozenset({"keepVersion", "evaluateTable", "validateTable"})


@dataclass(frozen=True)
class TrainOptions:
    """The parsed options of one train statement."""

    groups: dict[int, dict[str, str]]
    kafka: dict[str, str] = field(default_factory=dict)
    system: dict[str, str] = field(default_factory=dict)
    keep_version: bool = False
    evaluate_table: str | None = None


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes")


def split_options(options: dict[str, str]) -> TrainOptions:
    """Split statement options into groups (common options merged under each group's own)."""
    common: dict[str, str] = {}
    specific: dict[int, dict[str, str]] = {}
    kafka: dict[str, str] = {}
    system: dict[str, str] = {}
    for key, value in options.items():
        match = GROUP_KEY.match(key)
        if match:
            specific.setdefault(int(match.group(1)), {})[match.group(2)] = value
        elif key.startswith("kafkaParam."):
            kafka[key.removeprefix("kafkaParam.")] = value
        elif key.startswith("systemParam."):
            system[key.removeprefix("systemParam.")] = value
        elif key not in ENGINE_KEYS:
            common[key] = value
    groups = {i: {**common, **specific[i]} for i in sorted(specific)} or {0: dict(common)}
    evaluate = options.get("evaluateTable") or options.get("validateTable")
    return TrainOptions(
        groups=groups,
        kafka=kafka,
        system=system,
        keep_version=_truthy(options.get("keepVersion")),
        evaluate_table=evaluate or None,
    )
