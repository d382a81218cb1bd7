"""StringIndex: string (or array<string>) values to indexes by frequency (Spark's StringIndexer);
registered, it gives `fn(s)` (index, -1 unseen), `fn_array`, `fn_r` (index → string), `fn_rarray`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsql.engine.et import EtCall, EtParam, Transformer, transformer
from mlsql.engine.et.storage import create_sql_function, load_meta, save_meta, sql_literal, sub
from mlsql.errors import AnalysisError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from mlsql.engine.context import RunContext


@transformer
class StringIndex(Transformer):
    """Byzer's StringIndex ET."""

    name = "StringIndex"
    doc = (
        "Fits a string indexer on inputCol (string, or array<string> whose items are indexed) and "
        "writes the index as a double column outputCol (default: replaces inputCol). The model "
        "is saved under the path; register it to get fn(string) -> index (-1 when unseen), "
        "fn_array(array<string>), fn_r(index) -> string and fn_rarray(array<double>)."
    )
    params = (
        EtParam("inputCol", "the string or array<string> column", required=True),
        EtParam("outputCol", "the index column (default: inputCol, replaced)", ""),
        EtParam("handleInvalid", "unseen or null values: error, skip or keep", "error"),
        EtParam(
            "stringOrderType",
            "frequencyDesc, frequencyAsc, alphabetDesc or alphabetAsc",
            "frequencyDesc",
        ),
    )
    fits = True

    def transform(self, call: EtCall) -> DataFrame:
        """Fit, save under the path, index the column."""
        from pyspark.ml.feature import StringIndexer
        from pyspark.sql import functions as F
        from pyspark.sql.types import ArrayType, StringType

        path, column, output = call.fit_column()
        kind = call.df.schema[column].dataType
        if isinstance(kind, ArrayType) and isinstance(kind.elementType, StringType):
            fit_on = call.df.select(F.explode(F.col(f"`{column}`")).alias(column))
        elif isinstance(kind, StringType):
            fit_on = call.df.select(F.col(f"`{column}`"))
        else:
            raise AnalysisError(
                f"StringIndex: {column} should be string or array<string>, not {kind.simpleString()}"
            )
        indexer = StringIndexer(
            inputCol=column,
            outputCol="__index__",
            handleInvalid=call.get("handleInvalid"),
            stringOrderType=call.get("stringOrderType"),
        )
        model = indexer.fit(fit_on)
        model.write().overwrite().save(sub(path, "model"))
        labels = list(model.labelsArray[0])
        save_meta(
            call.ctx.spark, path, self.name, call.params, {"labels": labels, "inputCol": column}
        )
        if isinstance(kind, StringType):
            indexed = model.transform(call.df)
            return (
                indexed.drop(output).withColumnRenamed("__index__", output)
                if output == column
                else indexed.withColumnRenamed("__index__", output)
            )
        lookup = (
            f"map_from_arrays({sql_literal(labels)}, sequence(0, {len(labels) - 1}))"
            if labels
            else "map()"
        )
        expr = F.expr(
            f"transform(`{column}`, x -> CAST(coalesce(element_at({lookup}, x), -1) AS DOUBLE))"
        )
        return call.df.withColumn(output, expr)

    def register_function(self, ctx: RunContext, path: str, function: str) -> None:
        """Four SQL functions over the fitted labels (they run in the JVM)."""
        labels = load_meta(ctx.spark, path, self.name)["fitted"]["labels"]
        spark = ctx.spark
        table = (
            sql_literal([str(label) for label in labels])
            if labels
            else "CAST(array() AS ARRAY<STRING>)"
        )
        index = f"CAST(array_position({table}, x) - 1 AS INT)"
        create_sql_function(spark, function, "x STRING", "INT", index)
        create_sql_function(
            spark,
            f"{function}_array",
            "xs ARRAY<STRING>",
            "ARRAY<INT>",
            f"transform(xs, x -> {index})",
        )
        label = f"CASE WHEN i >= 0 AND i < size({table}) THEN element_at({table}, CAST(i AS INT) + 1) END"
        create_sql_function(spark, f"{function}_r", "i DOUBLE", "STRING", label)
        create_sql_function(
            spark,
            f"{function}_rarray",
            "xs ARRAY<DOUBLE>",
            "ARRAY<STRING>",
            f"transform(xs, i -> {label})",
        )
