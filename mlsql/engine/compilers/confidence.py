"""`confidence="0.9"` on predict/register of a regression model: split-conformal `lower`/`upper`.

The half-width comes from the version's calibration (``mlsql.models.insight.conformal``); the
bounds are ``prediction ∓ q``. `predict` adds `lower` and `upper` columns; a registered function
returns ``struct<prediction, lower, upper>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mlsql.engine.context import RunContext
from mlsql.errors import AnalysisError
from mlsql.parser.ast import Statement

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

    from mlsql.engine.prediction import ModelFunction

FIELDS = (("prediction", "double"), ("lower", "double"), ("upper", "double"))


def half_width(stmt: Statement, ctx: RunContext, fn: ModelFunction, level: str) -> float:
    """The interval half-width of `fn`'s version at `level` (errors at the statement)."""
    from mlsql.models.insight.conformal import interval_width
    from mlsql.models.store import ModelStore

    try:
        return interval_width(ModelStore(fn.path).metadata(fn.version), level)
    except AnalysisError as err:
        raise ctx.error(AnalysisError, err.message, stmt) from err


def with_interval(result: DataFrame, q: float) -> DataFrame:
    """`predict`'s rows with `lower` and `upper` around `prediction`."""
    from pyspark.sql import functions as F

    return result.withColumn("lower", F.col("prediction") - F.lit(q)).withColumn(
        "upper", F.col("prediction") + F.lit(q)
    )


def interval_function(fn: ModelFunction, q: float) -> tuple[Any, ModelFunction]:
    """The pandas UDF returning struct<prediction, lower, upper>, and its description."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    from mlsql.engine.prediction import _features

    described = replace(fn, output="struct", fields=FIELDS)
    path, version, names = fn.path, fn.version, fn.feature_columns

    def predict(batches: Iterator[tuple[pd.Series, ...]]) -> Iterator[pd.DataFrame]:
        from mlsql.models.cache import get_model

        model = get_model(path, version)
        for columns in batches:
            value = model.predict(_features(columns, names, path), outputs=["prediction"])
            y = value["prediction"].to_numpy("float64")
            yield pd.DataFrame({"prediction": y, "lower": y - q, "upper": y + q})

    predict.__annotations__ = {
        "batches": Iterator[tuple[pd.Series, ...]],
        "return": Iterator[pd.DataFrame],
    }
    return pandas_udf(predict, returnType=described.return_type()), described  # type: ignore[call-overload]
