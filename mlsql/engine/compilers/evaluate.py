"""`evaluate <table> as <Algorithm>.`path` [where …] [as out]`: a model's metrics on new rows.

The model version is chosen as register/predict choose it (`version`, `algIndex`,
`autoSelectByMetric`, `positiveClass`); `labelCol` names the true values (default: the label
the model was trained on; for clustering the `evalLabelCol` recorded at training, else none:
then only cluster sizes and inertia). The model's registered-function UDF (struct output) runs
over the table in Spark's workers; each partition is reduced there to mergeable statistics
(`mlsql.models.insight.scoring`) and only those reach the driver. The result has one row per
metric: `metric`, `class` (per-class metrics, confusion matrix's true class), `predicted`
(confusion matrix) and `value`. `importance="true"` adds one `importance` row per input column
(permutation importance, `mlsql.models.insight.importance`), most important first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mlsql.engine.compilers import compiles
from mlsql.engine.context import RunContext, Table
from mlsql.engine.local_tables import local_frame
from mlsql.errors import AnalysisError
from mlsql.parser.ast import EvaluateStatement, options_dict

if TYPE_CHECKING:
    import pandas as pd

    from mlsql.engine.prediction import ModelFunction

RESULT_SCHEMA = "metric string, class string, predicted string, value double"
LABEL = "__mlsql_label"
FEATURE = "__mlsql_feature_"


@compiles(EvaluateStatement)
def compile_evaluate(stmt: EvaluateStatement, ctx: RunContext) -> Table:
    """Score the model on every row of the table; the result is the metric table."""
    from pyspark.sql import functions as F

    from mlsql.engine.compilers.register import model_function
    from mlsql.engine.prediction import spark_udf
    from mlsql.models.insight.importance import importance_rows, merge_importance, supported
    from mlsql.models.insight.scoring import finish, merge

    fn = model_function(stmt, ctx, "struct")  # type: ignore[arg-type]  # same options shape
    metadata = _metadata(fn.path, fn.version)
    df = ctx.spark.table(stmt.table)
    label = _label_column(stmt, ctx, fn.task, metadata, df.columns)
    missing = [c for c in fn.feature_columns if c not in df.columns]
    if missing:
        raise ctx.error(
            AnalysisError,
            f"table '{stmt.table}' lacks the model's feature column(s): {', '.join(missing)}",
            stmt,
        )
    importance = options_dict(stmt.options).get("importance", "false").lower() == "true"
    if importance and not supported(fn.task):
        raise ctx.error(
            AnalysisError,
            f"no importance method for a {fn.task} model ({fn.algorithm}): permutation"
            " importance needs a classification or regression model",
            stmt,
        )
    label_expr = F.col(f"`{label}`") if label else F.lit(None).cast("string")
    features = [F.col(f"`{c}`").alias(f"{FEATURE}{i}") for i, c in enumerate(fn.feature_columns)]
    scored = df.select(
        label_expr.alias(LABEL),
        spark_udf(fn)(*[F.col(f"`{c}`") for c in fn.feature_columns]).alias("__out"),
        *(features if importance else []),
    ).select(
        LABEL, "__out.*", *[f"{FEATURE}{i}" for i in range(len(features) if importance else 0)]
    )
    reducer = _reducer(fn, metadata.label, list(metadata.classes or []), importance)
    parts = [json.loads(r[0]) for r in scored.mapInPandas(reducer, "stats string").collect()]
    base = merge(fn.task, [p["base"] for p in parts])
    rows = finish(fn.task, base, metadata.classes)
    if importance:
        permuted = merge_importance(fn.task, [p["permuted"] for p in parts])
        rows += importance_rows(fn.task, base, permuted, metadata.classes)
    result = local_frame(ctx.spark, rows, RESULT_SCHEMA)
    if stmt.output:
        result.createOrReplaceTempView(stmt.output)
    return Table(df=result, name=stmt.output)


def _metadata(path: str, version: int) -> Any:
    from mlsql.models.store import ModelStore

    return ModelStore(path).metadata(version)


def _label_column(
    stmt: EvaluateStatement, ctx: RunContext, task: str, metadata: Any, columns: list[str]
) -> str | None:
    """The column of true values, checked against the table."""
    options = options_dict(stmt.options)
    given = options.get("labelCol")
    if task == "clustering":
        label = given or metadata.extra.get("eval_label_col")
    elif task in ("classification", "regression"):
        label = given or (metadata.label or {}).get("column")
        if not label:
            raise ctx.error(AnalysisError, "the model records no label: set labelCol", stmt)
    else:
        raise ctx.error(
            AnalysisError,
            f"evaluate scores classification, regression or clustering models;"
            f" this one is '{task}'",
            stmt,
        )
    if label and label not in columns:
        raise ctx.error(
            AnalysisError,
            f"table '{stmt.table}' has no label column '{label}' to evaluate against"
            f" (columns: {', '.join(columns)})",
            stmt,
            hint='name another column with labelCol="…"',
        )
    return label


def _reducer(
    fn: ModelFunction, label_info: dict[str, Any] | None, classes: list[Any], importance: bool
) -> Any:
    """The mapInPandas function: one JSON row of statistics per partition (``base``, and per
    input column ``permuted`` when importance is asked for)."""
    task, path, version, names = fn.task, fn.path, fn.version, fn.feature_columns
    positive = fn.positive_class

    def reduce(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        from mlsql.models.insight.importance import merge_importance, partition_importance
        from mlsql.models.insight.scoring import merge, partition_stats
        from mlsql.models.labels import LabelInfo

        info = LabelInfo.from_dict(label_info) if label_info else None
        encode = info.encode if info is not None else None
        model = None
        if importance:
            from mlsql.models.cache import get_model

            model = get_model(path, version)
        base, permuted = [], []
        for index, frame in enumerate(frames):
            if not len(frame):
                continue
            inputs = [f"{FEATURE}{i}" for i in range(len(names))] if importance else []
            out = frame.drop(columns=[LABEL, *inputs])
            base.append(partition_stats(task, frame[LABEL], out, classes, encode))
            if model is not None:
                features = frame[inputs].set_axis(list(names), axis=1)
                permuted.append(
                    partition_importance(
                        task, frame[LABEL], features, model, classes, encode, index, positive
                    )
                )
        result = {"base": merge(task, base), "permuted": merge_importance(task, permuted)}
        yield pd.DataFrame({"stats": [json.dumps(result)]})

    return reduce
