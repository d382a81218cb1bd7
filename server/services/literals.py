"""Rows of a literal-only select, read from Spark's optimized plan without running a Spark job.

`select 1 as a, 'x' as b as t;` optimizes to a `Project` of literals over `OneRowRelation`
(constant folding has already turned `1 + 1` into `2`). Collecting it would still schedule a
Spark job, ship one row through the Python socket and unpickle it: most of a trivial script's
time. Here the values are read from the plan's JSON instead (two Py4J calls). Only types whose
JSON text converts exactly are handled (integers, doubles, booleans, strings, nulls); anything
else answers None and the caller collects as usual.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

CATALYST = "org.apache.spark.sql.catalyst."
PROJECT = CATALYST + "plans.logical.Project"
ONE_ROW = CATALYST + "plans.logical.OneRowRelation"
ALIAS = CATALYST + "expressions.Alias"
LITERAL = CATALYST + "expressions.Literal"


# Spark type name in the plan's JSON -> how the literal's text becomes the value collect() gives.
CONVERTERS: dict[str, Callable[[str], Any]] = {
    "integer": int,
    "long": int,
    "short": int,
    "byte": int,
    "double": float,  # Java's text of a double (`NaN`, `Infinity`, `1.0E10`) reads back exactly
    "boolean": lambda text: text == "true",
    "string": str,
}


def literal_rows(df: DataFrame | None, limit: int | None) -> list[dict[str, Any]] | None:
    """The rows of `df` when it is a select of literals only; None when Spark must run it."""
    if df is None:  # a literal plan is never streaming: `isStreaming` (a JVM call) not needed
        return None
    try:
        plan = json.loads(df._jdf.queryExecution().optimizedPlan().toJSON())
    except Exception:  # not analysable here: let the normal path report it
        return None
    row = _literal_row(plan)
    if row is None:
        return None
    return [row] if limit is None or limit > 0 else []


def _literal_row(plan: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The one row of a `Project` of aliased literals over `OneRowRelation`, else None."""
    if len(plan) != 2 or plan[0].get("class") != PROJECT or plan[1].get("class") != ONE_ROW:
        return None
    row: dict[str, Any] = {}
    for item in plan[0].get("projectList", []):
        if len(item) != 2 or item[0].get("class") != ALIAS or item[1].get("class") != LITERAL:
            return None
        literal = item[1]
        text, kind = literal.get("value"), literal.get("dataType")
        if text is None:
            row[item[0]["name"]] = None
            continue
        convert = CONVERTERS.get(kind) if isinstance(kind, str) else None
        if convert is None:
            return None
        row[item[0]["name"]] = convert(text)
    return row
