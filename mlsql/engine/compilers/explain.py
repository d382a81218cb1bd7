"""`predict t as Alg.`path` where explain="k"`: predictions plus each row's top-k contributions.

Rows go through ``mapInPandas`` in Spark's workers: the model (from ``mlsql.models.cache``)
predicts each batch, then ``mlsql.models.insight.contributions`` explains it: TreeSHAP for tree
models, occlusion (scored again with one input column missing at a time) otherwise, or the
method ``explainMethod="auto|treeshap|occlusion"`` names. The result is the table's columns, the model's outputs and
``explanation`` (``array<struct<column, contribution>>``, largest absolute contribution first).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mlsql.engine.context import RunContext
from mlsql.errors import AnalysisError
from mlsql.parser.ast import PredictStatement

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

    from mlsql.engine.prediction import ModelFunction


def explain_predict(
    stmt: PredictStatement,
    ctx: RunContext,
    fn: ModelFunction,
    df: DataFrame,
    k_text: str,
    method: str = "auto",
) -> DataFrame:
    """The table with the model's outputs and the `explanation` column added.

    Raises:
        AnalysisError: `explain` is not a positive whole number, the model's kind has no
            explanation method, or `explainMethod` is unknown or does not fit the model.
    """
    from pyspark.sql.types import StructField, StructType

    from mlsql.engine.prediction import spark_type
    from mlsql.models.insight.contributions import EXPLANATION_DDL, METHODS, supported

    if not k_text.strip().isdigit() or int(k_text) < 1:
        raise ctx.error(
            AnalysisError,
            f'explain must be a positive whole number of columns, not "{k_text}"',
            stmt,
        )
    if not supported(fn.task):
        raise ctx.error(
            AnalysisError,
            f"no explanation method for a {fn.task} model ({fn.algorithm}): per-prediction"
            " contributions need a classification or regression model",
            stmt,
        )
    if method not in METHODS:
        raise ctx.error(
            AnalysisError,
            f'unknown explainMethod "{method}"; expected one of {", ".join(METHODS)}',
            stmt,
        )
    if method == "treeshap":  # checked here, before a Spark job, on the model itself
        from mlsql.models.cache import get_model
        from mlsql.models.insight.contributions import method_for

        try:
            method_for(get_model(fn.path, fn.version), method)
        except ValueError as exc:
            raise ctx.error(AnalysisError, str(exc), stmt) from None
    taken = set(df.columns)
    fields = [StructField(n, spark_type(t)) for n, t in fn.fields if n not in taken]
    schema = StructType(
        [*df.schema.fields, *fields, StructField("explanation", spark_type(EXPLANATION_DDL))]
    )
    explainer = _explainer(fn, [f.name for f in fields], int(k_text), method)
    return df.mapInPandas(explainer, schema)


def _explainer(fn: ModelFunction, outputs: list[str], k: int, method: str) -> Any:
    path, version, names, positive = fn.path, fn.version, fn.feature_columns, fn.positive_class

    def explain(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        from mlsql.models.cache import get_model
        from mlsql.models.insight.contributions import contributions

        model = get_model(path, version)
        for frame in frames:
            inputs = frame[list(names)]
            out = model.predict(inputs, positive_class=positive)
            result = frame.copy()
            for name in outputs:
                result[name] = out[name].to_numpy() if len(out) else []
            result["explanation"] = contributions(model, inputs, out, k, positive, method)
            yield result

    return explain
